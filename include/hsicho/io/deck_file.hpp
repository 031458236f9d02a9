// A deck read from its file: the bytes come through io (a regular file of bounded size, never a
// FIFO or a device), the text goes to space::parse_deck, which reads no file itself.
#pragma once

#include <string>

#include "hsicho/space/deck.hpp"

namespace hsicho::io {

space::Deck load_deck(const std::string& path, space::DeckUse use = space::DeckUse::Study);

}  // namespace hsicho::io
