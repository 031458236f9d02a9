#include "hsicho/space/scalar.hpp"

#include <charconv>
#include <cmath>

namespace hsicho::space::scalar {

std::optional<double> to_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;  // from_chars refuses a leading '+', which people write
  double v = 0;
  const auto res = std::from_chars(begin, end, v);
  if (res.ec != std::errc() || res.ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  std::int64_t i = 0;
  const auto res = std::from_chars(begin, end, i);
  if (res.ec == std::errc() && res.ptr == end) return i;
  const auto v = to_number(text);
  if (!v || *v != std::floor(*v) || std::fabs(*v) > 9007199254740992.0) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<bool> to_boolean(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::string boolean_expected(std::string_view got) {
  return "must be true or false, got '" + std::string(got) + "'";
}

}  // namespace hsicho::space::scalar
