#include "yaml_util.hpp"

#include <cmath>

#include "hsicho/space/scalar.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::space::yaml {
namespace {

// "'42' is quoted": a number in quotes is text in YAML, and the message should say so.
std::string quoted_hint(const YAML::Node& node, const std::string& s) {
  if (Reader::is_quoted(node) && scalar::to_number(s))
    return " (quoted, which makes it text: write " + s + " without quotes)";
  return "";
}

}  // namespace

SourceMark Reader::mark(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return SourceMark{file_, 0, 0};
  return SourceMark{file_, m.line + 1, m.column + 1};
}

void Reader::fail(const YAML::Node& node, const std::string& message) const {
  throw InputError(mark(node), message);
}

void Reader::expect_map(const YAML::Node& node, const std::string& where) const {
  if (!node.IsMap()) fail(node, where + " must be a map of key: value pairs");
}

void Reader::expect_keys(const YAML::Node& node, const std::string& where,
                         const std::vector<std::string>& allowed) const {
  expect_map(node, where);
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) fail(kv.first, "keys in " + where + " must be plain words");
    const std::string key = kv.first.Scalar();
    if (key == "<<") {
      fail(kv.first, "YAML merge keys (<<) are not supported in " + where + ": write the keys out");
    }
    bool known = false;
    for (const auto& a : allowed)
      known = known || a == key;
    if (!known) {
      fail(kv.first, "unknown key '" + key + "' in " + where + did_you_mean(key, allowed) +
                         "; expected one of: " + join(allowed));
    }
    for (const auto& s : seen) {
      if (s == key) fail(kv.first, "key '" + key + "' appears twice in " + where);
    }
    seen.push_back(key);
  }
}

YAML::Node Reader::key_node(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first;
  }
  return map;
}

std::string Reader::scalar(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) fail(node, what + " must be a single value, not a list or a map");
  return node.Scalar();
}

double Reader::number(const YAML::Node& node, const std::string& what) const {
  const std::string s = scalar(node, what);
  const auto x = is_quoted(node) ? std::nullopt : scalar::to_number(s);
  if (!x) fail(node, what + " must be a finite number, got '" + s + "'" + quoted_hint(node, s));
  return *x;
}

std::int64_t Reader::integer(const YAML::Node& node, const std::string& what) const {
  const std::string s = scalar(node, what);
  const auto x = is_quoted(node) ? std::nullopt : scalar::to_integer(s);
  if (!x) {
    const auto v = scalar::to_number(s);
    if (!is_quoted(node) && v && *v == std::floor(*v))
      fail(node, what + " must be a whole number of at most 2^53, got '" + s + "'");
    fail(node, what + " must be a whole number, got '" + s + "'" + quoted_hint(node, s));
  }
  return *x;
}

bool Reader::boolean(const YAML::Node& node, const std::string& what) const {
  const std::string s = scalar(node, what);
  const auto b = is_quoted(node) ? std::nullopt : scalar::to_boolean(s);
  if (!b) fail(node, what + " " + scalar::boolean_expected(s));
  return *b;
}

std::string Reader::choice(const YAML::Node& node, const std::string& what,
                           const std::vector<std::string>& choices) const {
  const std::string s = scalar(node, what);
  for (const auto& c : choices) {
    if (c == s) return s;
  }
  fail(node, what + " '" + s + "' is not known" + did_you_mean(s, choices) +
                 "; expected one of: " + join(choices));
}

}  // namespace hsicho::space::yaml
