#include "hsicho/io/csv_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "hsicho/error.hpp"
#include "hsicho/random.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io {
namespace {

std::string cell_at(const CsvTable& t, std::size_t r, std::size_t c) {
  return t.path + ":" + std::to_string(t.line[r]) + ": column '" + t.header[c] + "'";
}

bool read_number(const std::string& text, double& v) {
  char* end = nullptr;
  v = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

}  // namespace

CsvInputs csv_inputs(const CsvTable& t, const std::string& target, const CsvColumns& columns,
                     const space::Space* space, const std::string& space_file, std::uint64_t seed) {
  if (t.rows.size() < 2) {
    throw InputError(SourceMark{t.path, 0, 0},
                     "at least 2 rows of data are needed, found " + std::to_string(t.rows.size()));
  }
  const std::size_t target_col = t.column(target);
  const auto& ignore = columns.ignore;
  if (!columns.inputs.empty() && !ignore.empty())
    throw InputError("give --inputs or --ignore, not both");
  std::vector<std::string> missing;
  for (const auto* list : {&ignore, &columns.inputs}) {
    for (const auto& name : *list) {
      if (std::find(t.header.begin(), t.header.end(), name) == t.header.end())
        missing.push_back(name);
    }
  }
  if (!missing.empty()) {
    throw InputError(SourceMark{t.path, 1, 0}, "no column " + join(missing) +
                                                   did_you_mean(missing.front(), t.header) +
                                                   "; the columns: " + join(t.header));
  }
  CsvInputs d;
  std::vector<std::size_t> cols;
  std::vector<std::string> unknown, text_columns;
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    const auto& name = t.header[c];
    if (c == target_col || std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
    // pandas writes its row index as a column without a name ("" or "Unnamed: 0"): never an input.
    if (columns.inputs.empty() && (name.empty() || name.rfind("Unnamed: ", 0) == 0)) {
      d.warnings.push_back("column " + std::to_string(c + 1) + " ('" + name +
                           "') has no name: taken for a row index and left out");
      continue;
    }
    if (!columns.inputs.empty() &&
        std::find(columns.inputs.begin(), columns.inputs.end(), name) == columns.inputs.end())
      continue;
    if (space) {
      const auto k = space->find(name);
      if (!k) {
        unknown.push_back(name);
        continue;
      }
      if (!(*space)[*k].is_free()) continue;  // a fixed hyperparameter carries no information
    }
    // Without a space, a column of text only (Optuna's datetime_start, state) cannot be an input:
    // left out, and said (a column mixing numbers and words is an error below, at its cell).
    if (!space && columns.inputs.empty()) {
      bool any_number = false, any_text = false;
      for (const auto& row : t.rows) {
        double v = 0;
        if (row[c].empty()) continue;
        (read_number(row[c], v) ? any_number : any_text) = true;
      }
      if (any_text && !any_number) {
        text_columns.push_back(name);
        continue;
      }
    }
    cols.push_back(c);
    d.names.push_back(name);
  }
  if (!text_columns.empty()) {
    d.warnings.push_back(std::string(text_columns.size() == 1 ? "column " : "columns ") +
                         join(text_columns) + " hold" + (text_columns.size() == 1 ? "s" : "") +
                         " text only: left out (--space DECK.yaml reads typed values such as "
                         "categories)");
  }
  if (!unknown.empty()) {
    throw InputError(SourceMark{t.path, 1, 0},
                     std::string(unknown.size() == 1 ? "column " : "columns ") + join(unknown) +
                         (unknown.size() == 1 ? " is" : " are") + " not hyperparameters of " +
                         space_file + did_you_mean(unknown.front(), space->names()) +
                         "; leave them out with --ignore " + join(unknown, ",") +
                         ", or name the inputs with --inputs " + join(space->names(), ","));
  }
  // A column counting 0, 1, 2, ... (or 1, 2, 3, ...) in file order is an index or an id: worth a
  // warning, since it would be analysed as an input.
  for (std::size_t k = 0; k < cols.size(); ++k) {
    bool counts = t.rows.size() >= 3;
    double first = 0;
    for (std::size_t r = 0; r < t.rows.size() && counts; ++r) {
      double v = 0;
      counts = read_number(t.rows[r][cols[k]], v);
      if (r == 0) first = v;
      counts = counts && (first == 0 || first == 1) && v == first + static_cast<double>(r);
    }
    if (counts) {
      d.warnings.push_back("column '" + d.names[k] + "' counts " +
                           (first == 0 ? "0, 1, 2" : "1, 2, 3") +
                           ", ... like a row index or an id; if it is not a hyperparameter, leave "
                           "it out with --ignore " +
                           d.names[k]);
    }
  }
  if (cols.empty()) {
    throw InputError(SourceMark{t.path, 1, 0},
                     "no input columns besides the target '" + target + "'");
  }
  const auto n = static_cast<Eigen::Index>(t.rows.size());
  d.x.resize(n, static_cast<Eigen::Index>(cols.size()));
  d.y.resize(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    const auto row_index = static_cast<std::size_t>(r);
    const auto& row = t.rows[row_index];
    double yv = 0;
    if (row[target_col].empty()) {
      // A trial that failed has no value (Optuna writes an empty cell): the worst, like NaN.
      ++d.empty_targets;
      d.y[r] = INFINITY;
    } else if (!read_number(row[target_col], yv)) {
      throw InputError(cell_at(t, row_index, target_col) + ": the target must be a number, got '" +
                       row[target_col] + "'");
    }
    if (std::isnan(yv)) {
      if (columns.refuse_nan) {
        throw InputError(cell_at(t, row_index, target_col) +
                         ": the target is NaN (a diverged trial?); without --nan refuse it would "
                         "count as the worst value");
      }
      yv = INFINITY;  // a diverged trial: the worst, like inf
      ++d.nan_targets;
    }
    if (!row[target_col].empty()) d.y[r] = yv;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const std::string& cell = row[cols[k]];
      double v = NAN;  // an empty cell: an inactive conditional hyperparameter
      if (cell.empty()) {
      } else if (space) {
        const auto& p = (*space)[*space->find(t.header[cols[k]])];
        try {
          v = p.unit_of(p.parse(cell),
                        hashed_unit(seed, static_cast<std::uint64_t>(r), k, 0x6A177E5));
        } catch (const InputError& e) {
          throw InputError(cell_at(t, row_index, cols[k]) + ": " + e.what());
        }
      } else if (!read_number(cell, v) || !std::isfinite(v)) {
        throw InputError(cell_at(t, row_index, cols[k]) + ": '" + cell +
                         "' is not a number; give --space DECK.yaml to read typed values "
                         "(categories, booleans), or --ignore the column");
      }
      d.x(r, static_cast<Eigen::Index>(k)) = v;
    }
  }
  if (d.empty_targets > 0 && columns.refuse_nan) {
    throw InputError(SourceMark{t.path, 1, 0},
                     std::to_string(d.empty_targets) +
                         " rows have an empty target (failed trials?); without --nan refuse they "
                         "would count as the worst value");
  }
  // Numbers over several decades read as given weigh the top decade only: a learning rate in
  // [1e-4, 0.1] is then a question of 0.01-0.1. Typed through a space, a log scale is known.
  if (!space) {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      std::vector<double> v;
      for (Eigen::Index r = 0; r < d.x.rows(); ++r) {
        const double x = d.x(r, static_cast<Eigen::Index>(k));
        if (!std::isnan(x)) v.push_back(x);
      }
      if (v.size() < 3) continue;
      std::sort(v.begin(), v.end());
      const double lo = v.front(), hi = v.back(), median = v[v.size() / 2];
      // Log-spread values have their median far below the top; uniform ones within 2x of it.
      if (lo > 0 && hi / lo > 100 && hi / median > 4) {
        d.warnings.push_back("column '" + d.names[k] + "' spans " +
                             std::to_string(static_cast<int>(std::floor(std::log10(hi / lo)))) +
                             " decades and is read on a linear scale; if it was sampled on a log "
                             "scale (a learning rate), give --space DECK.yaml with 'log' for it");
      }
    }
  }
  return d;
}

}  // namespace hsicho::io
