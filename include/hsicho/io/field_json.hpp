// A described struct (hsicho/fields.hpp) as JSON and back, field by field: the journal's lines,
// eval's --json, report --json. Keys are the fields' keys.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hsicho/fields.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io {

// How NaN and infinities are written: JSON has no such numbers. Text ("nan", "inf", "-inf")
// reads back exactly (the journal); Null is what JSON readers expect (--json output).
enum class NonFinite { Null, Text };

// A double as CSV or journal text: the shortest form that reads back exactly; nan, inf, -inf.
std::string exact_number(double v);

namespace detail {

template <class T>
inline constexpr bool is_whole_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

inline Json number_json(double v, NonFinite non_finite) {
  if (std::isfinite(v) || non_finite == NonFinite::Null) return v;  // nlohmann writes null
  return exact_number(v);
}

inline double number_from(const Json& j, const std::string& name) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::nan("");
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return INFINITY;
    if (s == "-inf") return -INFINITY;
  }
  throw std::invalid_argument("field '" + name + "' is not a number");
}

template <class T>
Json value_json(const T& value, NonFinite nf);
template <class T>
void value_from(const Json& v, const std::string& name, T& value);

template <class T>
struct is_vector : std::false_type {
  using element = void;
};
template <class E>
struct is_vector<std::vector<E>> : std::true_type {
  using element = E;
};

template <class T>
Json value_json(const T& value, NonFinite nf) {
  if constexpr (is_described_v<T>) {
    Json j = Json::object();
    visit_fields(value, [&](const auto& f, const auto& v) { j[f.key] = value_json(v, nf); });
    return j;
  } else if constexpr (is_vector<T>::value && is_described_v<typename is_vector<T>::element>) {
    Json a = Json::array();
    for (const auto& item : value)
      a.push_back(value_json(item, nf));
    return a;
  } else if constexpr (std::is_same_v<T, double>) {
    return number_json(value, nf);
  } else if constexpr (std::is_same_v<T, Outcome>) {
    return outcome_name(value);
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    Json a = Json::array();
    for (double v : value)
      a.push_back(number_json(v, nf));
    return a;
  } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
    Json m = Json::object();
    for (const auto& [k, v] : value)
      m[k] = number_json(v, nf);
    return m;
  } else {
    return value;  // text, whole numbers, booleans, lists of them
  }
}

template <class T>
void value_from(const Json& v, const std::string& name, T& value) {
  auto wrong = [&](const char* what) {
    throw std::invalid_argument("field '" + name + "' is not " + what);
  };
  if constexpr (is_described_v<T>) {
    if (!v.is_object()) wrong("an object");
    visit_fields(value, [&](const auto& f, auto& member) {
      if (!v.contains(f.key)) {
        if (f.has(kOptional)) return;
        throw std::invalid_argument("'" + name + "' has no field '" + f.key + "'");
      }
      value_from(v.at(f.key), f.key, member);
    });
  } else if constexpr (is_vector<T>::value && is_described_v<typename is_vector<T>::element>) {
    if (!v.is_array()) wrong("a list");
    value.clear();
    for (const auto& item : v) {
      value.emplace_back();
      value_from(item, name, value.back());
    }
  } else if constexpr (std::is_same_v<T, double>) {
    value = number_from(v, name);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) wrong("true or false");
    value = v.get<bool>();
  } else if constexpr (is_whole_v<T>) {
    if (!v.is_number_integer()) wrong("whole");
    if constexpr (std::is_unsigned_v<T>) {
      if (!v.is_number_unsigned()) wrong("positive");
    }
    value = v.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) wrong("text");
    value = v.get<std::string>();
  } else if constexpr (std::is_same_v<T, Outcome>) {
    if (!v.is_string()) wrong("text");
    const auto o = outcome_from(v.get<std::string>());
    if (!o) wrong("ok, diverged, failed or stopped");
    value = *o;
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    if (!v.is_array()) wrong("a list");
    value.clear();
    for (const auto& item : v)
      value.push_back(number_from(item, name));
  } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
    if (!v.is_object()) wrong("a map");
    value.clear();
    for (const auto& [k, item] : v.items())
      value[k] = number_from(item, name);
  } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
    if (!v.is_object()) wrong("a map");
    value = v.get<T>();
  } else {
    if (!v.is_array()) wrong("a list");
    value = v.get<T>();
  }
}

}  // namespace detail

// Every field of `object` under its key.
template <class T>
Json to_json(const T& object, NonFinite non_finite) {
  Json j = Json::object();
  visit_fields(object, [&](const auto& f, const auto& value) {
    j[f.key] = detail::value_json(value, non_finite);
  });
  return j;
}

// A list of described structs as a list of objects.
template <class T>
Json to_json(const std::vector<T>& rows, NonFinite non_finite) {
  Json a = Json::array();
  for (const auto& r : rows)
    a.push_back(to_json(r, non_finite));
  return a;
}

// Every field of a T from `j`. A field that is missing (unless optional) or of the wrong type
// throws std::invalid_argument naming it.
template <class T>
T from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("expected a JSON object");
  T object;
  visit_fields(object, [&](const auto& f, auto& value) {
    if (!j.contains(f.key)) {
      if (f.has(kOptional)) return;
      throw std::invalid_argument(std::string("no field '") + f.key + "'");
    }
    detail::value_from(j.at(f.key), f.key, value);
  });
  return object;
}

}  // namespace hsicho::io
