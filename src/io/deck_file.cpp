#include "hsicho/io/deck_file.hpp"

#include "hsicho/io/regular_file.hpp"

namespace hsicho::io {

space::Deck load_deck(const std::string& path, space::DeckUse use) {
  // A deck is text of a few kB: 16 MiB is far beyond any, and keeps /dev/zero-like files out.
  return space::parse_deck(read_regular_file(path, "deck", 16u << 20), path, use);
}

}  // namespace hsicho::io
