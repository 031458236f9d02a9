#include "hsicho/io/record_io.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace hsicho::io {
namespace {

template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

Json number_json(double v, NonFinite non_finite) {
  if (std::isfinite(v) || non_finite == NonFinite::Null) return v;  // nlohmann writes null
  return exact_number(v);
}

double number_from(const Json& j, const std::string& name) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::nan("");
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return INFINITY;
    if (s == "-inf") return -INFINITY;
  }
  throw std::invalid_argument("record field '" + name + "' is not a number");
}

}  // namespace

std::string exact_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return std::string(buf, res.ptr);
}

Json record_to_json(const Record& record, NonFinite non_finite) {
  Json j = Json::object();
  visit_record_fields(record, [&](const char* name, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      j[name] = number_json(value, non_finite);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      Json a = Json::array();
      for (double v : value)
        a.push_back(number_json(v, non_finite));
      j[name] = std::move(a);
    } else if constexpr (std::is_same_v<T, std::map<std::string, double>>) {
      Json m = Json::object();
      for (const auto& [k, v] : value)
        m[k] = number_json(v, non_finite);
      j[name] = std::move(m);
    } else {
      j[name] = value;  // text and whole numbers
    }
  });
  return j;
}

Record record_from_json(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("a record must be a JSON object");
  Record r;
  visit_record_fields(r, [&](const char* name, auto& value) {
    using T = std::decay_t<decltype(value)>;
    if (!j.contains(name)) throw std::invalid_argument(std::string("record has no '") + name + "'");
    const Json& v = j.at(name);
    if constexpr (std::is_same_v<T, double>) {
      value = number_from(v, name);
    } else if constexpr (is_integer_v<T>) {
      if (!v.is_number_integer())
        throw std::invalid_argument(std::string("record field '") + name + "' is not whole");
      if constexpr (std::is_unsigned_v<T>) {
        if (!v.is_number_unsigned())
          throw std::invalid_argument(std::string("record field '") + name + "' is negative");
      }
      value = v.get<T>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string())
        throw std::invalid_argument(std::string("record field '") + name + "' is not text");
      value = v.get<std::string>();
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      if (!v.is_array())
        throw std::invalid_argument(std::string("record field '") + name + "' is not a list");
      value.clear();
      for (const auto& item : v)
        value.push_back(number_from(item, name));
    } else {
      if (!v.is_object())
        throw std::invalid_argument(std::string("record field '") + name + "' is not a map");
      value.clear();
      for (const auto& [k, item] : v.items())
        value[k] = number_from(item, name);
    }
  });
  return r;
}

bool same_record(const Record& a, const Record& b) {
  // Through the exact JSON form: every field compared, NaN written "nan" on both sides.
  return record_to_json(a, NonFinite::Text) == record_to_json(b, NonFinite::Text);
}

std::vector<std::string> record_csv_header(const std::vector<Record>& records) {
  std::vector<std::string> header;
  visit_record_members([&](const char* name, auto member) {
    using T = std::decay_t<decltype(std::declval<Record>().*member)>;
    if constexpr (!std::is_same_v<T, std::vector<double>> &&
                  !std::is_same_v<T, std::map<std::string, double>>)
      header.push_back(name);  // curves stay in the study file: one row per training here
  });
  std::set<std::string> metrics;
  for (const auto& r : records) {
    for (const auto& [k, v] : r.metrics)
      metrics.insert(k);
  }
  header.insert(header.end(), metrics.begin(), metrics.end());
  return header;
}

std::vector<std::string> record_csv_cells(const Record& record,
                                          const std::vector<std::string>& header) {
  std::vector<std::string> cells;
  visit_record_fields(record, [&](const char*, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      cells.push_back(exact_number(value));
    } else if constexpr (is_integer_v<T>) {
      cells.push_back(std::to_string(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      cells.push_back(value);
    }
  });
  for (std::size_t c = cells.size(); c < header.size(); ++c) {
    const auto it = record.metrics.find(header[c]);
    cells.push_back(it == record.metrics.end() ? "" : exact_number(it->second));
  }
  return cells;
}

}  // namespace hsicho::io
