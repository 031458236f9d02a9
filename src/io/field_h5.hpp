// Described structs (hsicho/fields.hpp) in HDF5, field by field: a group's own fields (scalars
// as attributes, lists as data sets) and tables of rows (one data set per field, one entry per
// row; a list per row is a matrix, a map a group of columns). The readers check every shape
// against the rows, so that a damaged or hand-made file is refused, never misread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "hsicho/error.hpp"
#include "hsicho/fields.hpp"
#include "hsicho/io/h5.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io::field_h5 {
namespace detail {

template <class T>
inline constexpr bool is_whole_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <class T>
inline constexpr bool is_list_v =
    std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>> ||
    std::is_same_v<T, std::vector<std::int64_t>>;
template <class T>
inline constexpr bool is_map_v = std::is_same_v<T, std::map<std::string, double>>;

// The stored type of a scalar field: text, double or int64.
template <class T>
using stored_t =
    std::conditional_t<std::is_same_v<T, std::string> || std::is_same_v<T, Outcome>, std::string,
                       std::conditional_t<std::is_same_v<T, double>, double, std::int64_t>>;

template <class T>
stored_t<T> to_stored(const T& v) {
  if constexpr (std::is_same_v<T, Outcome>) {
    return outcome_name(v);
  } else if constexpr (std::is_same_v<T, bool>) {
    return v ? 1 : 0;
  } else {
    return static_cast<stored_t<T>>(v);
  }
}

template <class T>
T from_stored(const stored_t<T>& v, const std::string& what) {
  if constexpr (std::is_same_v<T, Outcome>) {
    const auto o = outcome_from(v);
    if (!o)
      throw InputError("'" + what + "' holds '" + v + "' where ok, diverged, failed or stopped is");
    return *o;
  } else if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else {
    return static_cast<T>(v);
  }
}

template <class S>
void write_set(const h5::Handle& g, const std::string& name, const std::vector<S>& v,
               std::size_t cols = 0) {
  if constexpr (std::is_same_v<S, std::string>) {
    h5::write_strings(g, name, v, cols);
  } else if constexpr (std::is_same_v<S, double>) {
    h5::write_doubles(g, name, v, cols);
  } else {
    h5::write_int64s(g, name, v, cols);
  }
}

template <class S>
std::vector<S> read_set(const h5::Handle& g, const std::string& name,
                        std::vector<std::size_t>* dims = nullptr) {
  if constexpr (std::is_same_v<S, std::string>) {
    return h5::read_strings(g, name, dims);
  } else if constexpr (std::is_same_v<S, double>) {
    return h5::read_doubles(g, name, dims);
  } else {
    return h5::read_int64s(g, name, dims);
  }
}

template <class S>
S padding() {
  if constexpr (std::is_same_v<S, double>) {
    return NAN;
  } else {
    return S{};
  }
}

template <class S>
bool is_padding(const S& v) {
  if constexpr (std::is_same_v<S, double>) {
    return std::isnan(v);
  } else {
    return false;  // only NaN pads: text and whole numbers keep every entry
  }
}

[[noreturn]] inline void wrong_rows(const std::string& what, std::size_t got, std::size_t rows) {
  throw InputError("'" + what + "' holds " + std::to_string(got) + " rows where its group has " +
                   std::to_string(rows) + "; the file is damaged");
}

}  // namespace detail

// A group's own fields: scalars as attributes, lists as 1-D data sets (a kSquare list: `rows` x
// `rows`). kOmitEmpty lists are left out when empty.
template <class T>
void write_group_fields(const h5::Handle& g, const T& object, std::size_t rows = 0) {
  visit_fields(object, [&](const auto& f, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    static_assert(!detail::is_map_v<V>, "a group's own field cannot be a map");
    if constexpr (detail::is_list_v<V>) {
      if (value.empty() && f.has(kOmitEmpty)) return;
      detail::write_set(g, f.stored_name(), value, f.has(kSquare) ? rows : 0);
    } else {
      h5::write_attribute(g, f.stored_name(), detail::to_stored(value));
    }
  });
}

template <class T>
void read_group_fields(const h5::Handle& g, T& object, std::size_t rows = 0) {
  visit_fields(object, [&](const auto& f, auto& value) {
    using V = std::decay_t<decltype(value)>;
    const std::string name = f.stored_name();
    if constexpr (detail::is_list_v<V>) {
      if (!h5::exists(g, name) && (f.has(kOptional) || f.has(kOmitEmpty))) return;
      value = detail::read_set<typename V::value_type>(g, name);
      if (f.has(kSquare) && value.size() != rows * rows) {
        throw InputError("'" + g.what() + "/" + name + "' holds " + std::to_string(value.size()) +
                         " values where a " + std::to_string(rows) + " x " + std::to_string(rows) +
                         " matrix has " + std::to_string(rows * rows) + "; the file is damaged");
      }
    } else {
      if (!h5::has_attribute(g, name) && f.has(kOptional)) return;
      using S = detail::stored_t<V>;
      const std::string what = g.what() + "@" + name;
      if constexpr (std::is_same_v<S, std::string>) {
        value = detail::from_stored<V>(h5::read_string_attribute(g, name), what);
      } else if constexpr (std::is_same_v<S, double>) {
        value = h5::read_double_attribute(g, name);
      } else {
        value = detail::from_stored<V>(h5::read_int64_attribute(g, name), what);
      }
    }
  });
}

// A table: one data set per field, one entry per row; a list per row is a rows x width matrix
// (kPadded: rows of different lengths, NaN-padded), a map a group of columns (NaN where a row
// has no such key).
template <class T>
void write_rows(const h5::Handle& g, const std::vector<T>& rows) {
  const T proto{};
  visit_fields(proto, [&](const auto& f, const auto&) {
    using V = std::decay_t<field_type<decltype(f)>>;
    const std::string name = f.stored_name();
    if constexpr (detail::is_list_v<V>) {
      using S = typename V::value_type;
      std::size_t width = f.has(kPadded) ? 1 : 0;
      for (const auto& r : rows)
        width = std::max(width, (r.*(f.member)).size());
      if (width == 0 && f.has(kOmitEmpty)) return;
      std::vector<S> m;
      m.reserve(rows.size() * width);
      for (const auto& r : rows) {
        const auto& list = r.*(f.member);
        for (std::size_t e = 0; e < width; ++e)
          m.push_back(e < list.size() ? list[e] : detail::padding<S>());
      }
      detail::write_set(g, name, m, width);
    } else if constexpr (detail::is_map_v<V>) {
      std::set<std::string> keys;
      for (const auto& r : rows) {
        for (const auto& [k, v] : r.*(f.member))
          keys.insert(k);
      }
      auto sub = h5::create_group(g, name);
      for (const auto& k : keys) {
        std::vector<double> col;
        for (const auto& r : rows) {
          const auto it = (r.*(f.member)).find(k);
          col.push_back(it == (r.*(f.member)).end() ? NAN : it->second);
        }
        h5::write_doubles(sub, k, col);
      }
    } else {
      std::vector<detail::stored_t<V>> col;
      col.reserve(rows.size());
      for (const auto& r : rows)
        col.push_back(detail::to_stored(r.*(f.member)));
      detail::write_set(g, name, col);
    }
  });
}

// The rows back: their number from the first field stored, every other field checked against
// it. A field absent from the file is an error unless kOptional or kOmitEmpty.
template <class T>
std::vector<T> read_rows(const h5::Handle& g) {
  std::vector<T> rows;
  bool counted = false;
  auto count = [&](const std::string& name, std::size_t n) {
    if (!counted) {
      rows.resize(n);
      counted = true;
    } else if (n != rows.size()) {
      detail::wrong_rows(g.what() + "/" + name, n, rows.size());
    }
  };
  const T proto{};
  visit_fields(proto, [&](const auto& f, const auto&) {
    using V = std::decay_t<field_type<decltype(f)>>;
    const std::string name = f.stored_name();
    if (!h5::exists(g, name)) {
      if (f.has(kOptional) || f.has(kOmitEmpty) || detail::is_map_v<V>) return;
      throw InputError("'" + g.what() + "' has no data set '" + name + "'");
    }
    if constexpr (detail::is_list_v<V>) {
      using S = typename V::value_type;
      std::vector<std::size_t> dims;
      const auto m = detail::read_set<S>(g, name, &dims);
      // An empty matrix may be stored as a 1-D set of no values.
      const std::size_t n = dims.empty() ? 0 : dims[0], width = dims.size() > 1 ? dims[1] : 0;
      if (dims.size() == 1 && n != 0) {
        throw InputError("'" + g.what() + "/" + name +
                         "' is a list where hsicho writes a matrix; the file is damaged");
      }
      if (!(n == 0 && !rows.empty() && dims.size() == 1)) count(name, n);
      for (std::size_t i = 0; i < n; ++i) {
        auto& list = rows[i].*(f.member);
        list.clear();
        for (std::size_t e = 0; e < width; ++e) {
          const auto& v = m[i * width + e];
          if (f.has(kPadded) && detail::is_padding(v)) break;
          list.push_back(v);
        }
      }
    } else if constexpr (detail::is_map_v<V>) {
      const auto sub = h5::open_group(g, name);
      for (const auto& k : h5::member_names(sub)) {
        const auto col = h5::read_doubles(sub, k);
        count(name + "/" + k, col.size());
        for (std::size_t i = 0; i < col.size(); ++i) {
          if (!std::isnan(col[i])) (rows[i].*(f.member))[k] = col[i];
        }
      }
    } else {
      using S = detail::stored_t<V>;
      std::vector<std::size_t> dims;
      const auto col = detail::read_set<S>(g, name, &dims);
      if (dims.size() > 1) {
        throw InputError("'" + g.what() + "/" + name +
                         "' is a matrix where hsicho writes a list; the file is damaged");
      }
      count(name, col.size());
      for (std::size_t i = 0; i < col.size(); ++i)
        rows[i].*(f.member) = detail::from_stored<V>(col[i], g.what() + "/" + name);
    }
  });
  return rows;
}

}  // namespace hsicho::io::field_h5
