#include "hsicho/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace hsicho {

std::size_t invalid_utf8_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // ASCII eight bytes at a time: the common case of a numeric table.
    std::uint64_t word = 0;
    if (i + 8 <= s.size() &&
        (std::memcpy(&word, s.data() + i, 8), (word & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace hsicho
