#include "hsicho/io/record_io.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <type_traits>

namespace hsicho::io {

std::string exact_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return std::string(buf, res.ptr);
}

Json record_to_json(const Record& record, NonFinite non_finite) {
  return to_json(record, non_finite);
}

Record record_from_json(const Json& j) {
  try {
    return from_json<Record>(j);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("record: ") + e.what());
  }
}

bool same_record(const Record& a, const Record& b) {
  // Through the exact JSON form: every field compared, NaN written "nan" on both sides.
  return record_to_json(a, NonFinite::Text) == record_to_json(b, NonFinite::Text);
}

namespace {
// The fields that are one cell of a CSV row (curves stay in the study file, metrics are columns
// of their own).
template <class T>
inline constexpr bool is_cell_v =
    !std::is_same_v<T, std::vector<double>> && !std::is_same_v<T, std::map<std::string, double>>;
}  // namespace

RecordColumns record_csv_columns(const std::vector<Record>& records) {
  RecordColumns c;
  const Record proto{};
  visit_fields(proto, [&](const auto& f, const auto& value) {
    if constexpr (is_cell_v<std::decay_t<decltype(value)>>) c.fields.push_back(f.key);
  });
  std::set<std::string> metrics;
  for (const auto& r : records) {
    for (const auto& [k, v] : r.metrics)
      metrics.insert(k);
  }
  c.metrics.assign(metrics.begin(), metrics.end());
  return c;
}

std::vector<std::string> record_csv_cells(const Record& record, const RecordColumns& columns) {
  std::vector<std::string> cells;
  visit_fields(record, [&](const auto&, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, double>) {
      cells.push_back(exact_number(value));
    } else if constexpr (std::is_same_v<T, Outcome>) {
      cells.push_back(outcome_name(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      cells.push_back(value);
    } else if constexpr (is_cell_v<T>) {
      cells.push_back(std::to_string(value));
    }
  });
  for (const auto& m : columns.metrics) {
    const auto it = record.metrics.find(m);
    cells.push_back(it == record.metrics.end() ? "" : exact_number(it->second));
  }
  return cells;
}

std::vector<std::string> trial_column_names(const std::vector<std::string>& hyperparameters,
                                            const RecordColumns& columns) {
  std::vector<std::string> out = {"config", "stage", "retrains", "pareto_rank"};
  std::set<std::string> taken(out.begin(), out.end());
  auto add = [&](std::string name, const std::string& prefix) {
    while (taken.count(name))
      name = prefix + name;
    taken.insert(name);
    out.push_back(name);
  };
  for (const auto& h : hyperparameters)
    add(h, "param_");
  for (const auto& f : columns.fields)
    add(f, "result_");
  for (const auto& m : columns.metrics)
    add("metric_" + m, "result_");
  return out;
}

}  // namespace hsicho::io
