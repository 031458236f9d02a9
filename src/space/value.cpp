#include "hsicho/space/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace hsicho::space {

bool is_number(const Value& v) {
  return std::holds_alternative<double>(v) || std::holds_alternative<std::int64_t>(v);
}

double as_number(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return static_cast<double>(std::get<std::int64_t>(v));
}

bool same_value(const Value& a, const Value& b) {
  if (is_number(a) && is_number(b)) return as_number(a) == as_number(b);
  return a == b;
}

std::string to_text(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return "nan";
    if (std::isinf(*d)) return *d > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, *d);  // shortest round-trip form
    return std::string(buf, res.ptr);
  }
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

std::string to_display(const Value& v) {
  const auto* d = std::get_if<double>(&v);
  if (!d || !std::isfinite(*d)) return to_text(v);
  char buf[64];
  const int len = std::snprintf(buf, sizeof buf, "%.4g", *d);
  return std::string(buf, static_cast<std::size_t>(len));
}

std::string to_display(const std::string& text) {
  if (text.find_first_of(".eE") == std::string::npos) return text;
  double d = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), d);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return text;
  return to_display(Value{d});
}

}  // namespace hsicho::space
