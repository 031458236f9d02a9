// UTF-8 validity, shared by the readers of text files (decks, CSV).
#pragma once

#include <cstddef>
#include <string_view>

namespace hsicho {

// The offset of the first byte that does not start or continue a UTF-8 character;
// std::string_view::npos when `s` is valid UTF-8.
std::size_t invalid_utf8_at(std::string_view s);

}  // namespace hsicho
