#include "hsicho/io/csv_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

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

constexpr std::size_t kMaxCategories = 32;

// The distinct words of a column of words only (empty cells aside), sorted; nullopt when a cell
// is a number or the column is empty.
std::optional<std::vector<std::string>> text_levels(const CsvTable& t, std::size_t c) {
  std::vector<std::string> words;
  for (const auto& row : t.rows) {
    double v = 0;
    if (row[c].empty()) continue;
    if (read_number(row[c], v)) return std::nullopt;
    words.push_back(row[c]);
  }
  if (words.empty()) return std::nullopt;
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

// A name that says an outcome of a training, not a setting: a word of it (split at '_', '-',
// '.', ' ') is one of these, or it is a user attribute of Optuna's.
bool outcome_like(const std::string& name) {
  static const std::vector<std::string> words = {
      "error",   "errors",   "err",     "loss",    "accuracy",   "acc",       "score",  "time",
      "seconds", "duration", "runtime", "elapsed", "parameters", "flops",     "mse",    "rmse",
      "mae",     "auc",      "f1",      "r2",      "value",      "objective", "metric", "status"};
  if (name.rfind("user_attrs_", 0) == 0 || name.rfind("system_attrs_", 0) == 0) return true;
  std::string lower;
  for (const char ch : name)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::size_t at = 0;
  while (at <= lower.size()) {
    const std::size_t end = lower.find_first_of("_-. ", at);
    const std::string word = lower.substr(at, end == std::string::npos ? end : end - at);
    if (std::find(words.begin(), words.end(), word) != words.end()) return true;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return false;
}

}  // namespace

bool is_optuna_export(const CsvTable& t) {
  const auto has = [&](const std::string& name) {
    return std::find(t.header.begin(), t.header.end(), name) != t.header.end();
  };
  const auto any_prefixed = [&](const std::string& prefix) {
    return std::any_of(t.header.begin(), t.header.end(),
                       [&](const std::string& h) { return h.rfind(prefix, 0) == 0; });
  };
  return has("number") && (has("value") || any_prefixed("values_")) && any_prefixed("params_");
}

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
  std::vector<std::string> unknown, text_columns, labels, outcomes, optuna_left;
  const bool optuna = columns.inputs.empty() && is_optuna_export(t);
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
    // Optuna's export: the hyperparameters are params_NAME; the rest says how a trial went.
    if (optuna && name.rfind("params_", 0) != 0) {
      optuna_left.push_back(name);
      continue;
    }
    std::optional<space::Hyperparameter> type;
    if (space) {
      auto k = space->find(name);
      if (!k && name.rfind("params_", 0) == 0) k = space->find(name.substr(7));
      if (!k) {
        unknown.push_back(name);
        continue;
      }
      if (!(*space)[*k].is_free()) continue;  // a fixed hyperparameter carries no information
      type = (*space)[*k];
    } else if (const auto words = text_levels(t, c)) {
      // A column of words: categories (Optuna's params_optimizer, a bool as True/False), or,
      // with as many values as rows nearly, a label (datetime_start): never an input unnamed.
      if (words->size() > kMaxCategories || 2 * words->size() > t.rows.size()) {
        if (columns.inputs.empty()) {
          labels.push_back(name);
          continue;
        }
      }
      space::Hyperparameter h;
      h.name = name;
      h.type = space::Type::Categorical;
      for (const auto& w : *words)
        h.categories.emplace_back(w);
      type = std::move(h);
      text_columns.push_back(name);
    } else if (columns.inputs.empty() && outcome_like(name)) {
      outcomes.push_back(name);
    }
    cols.push_back(c);
    d.names.push_back(name);
    d.types.push_back(std::move(type));
  }
  if (optuna) {
    d.warnings.push_back(
        "an Optuna export (trials_dataframe): the inputs are its params_ "
        "columns; " +
        join(optuna_left) +
        " say how a trial went and are left out (--inputs names them if you "
        "mean them)");
  }
  if (!text_columns.empty()) {
    d.warnings.push_back(std::string(text_columns.size() == 1 ? "column " : "columns ") +
                         join(text_columns) + " hold" + (text_columns.size() == 1 ? "s" : "") +
                         " words: read as categories (--space DECK.yaml types columns "
                         "yourself)");
  }
  if (!labels.empty()) {
    d.warnings.push_back(std::string(labels.size() == 1 ? "column " : "columns ") + join(labels) +
                         " hold" + (labels.size() == 1 ? "s" : "") +
                         " words with nearly a different one per row (labels, dates): left out "
                         "(--inputs names them if you mean them)");
  }
  if (!outcomes.empty()) {
    d.warnings.push_back(
        std::string(outcomes.size() == 1 ? "column " : "columns ") + join(outcomes) +
        (outcomes.size() == 1 ? " is" : " are") +
        " named like an outcome of the training (an error, a time, a size), yet analysed as " +
        (outcomes.size() == 1 ? "an input" : "inputs") +
        ": an outcome ranks high because it follows the target, not because it decides it; "
        "leave it out with --ignore " +
        join(outcomes, ",") + ", or name the hyperparameters with --inputs");
  }
  if (!unknown.empty()) {
    // The names the user can give --inputs: the space's that the CSV has, as it spells them.
    std::vector<std::string> known;
    const auto in_csv = [&](const std::string& name) {
      return std::find(t.header.begin(), t.header.end(), name) != t.header.end();
    };
    for (const auto& name : space->names()) {
      if (in_csv("params_" + name))
        known.push_back("params_" + name);
      else if (in_csv(name))
        known.push_back(name);
    }
    throw InputError(
        SourceMark{t.path, 1, 0},
        std::string(unknown.size() == 1 ? "column " : "columns ") + join(unknown) +
            (unknown.size() == 1 ? " is" : " are") + " not hyperparameters of " + space_file +
            did_you_mean(unknown.front(), space->names()) + "; leave them out with --ignore " +
            join(unknown, ",") +
            (known.empty() ? std::string()
                           : ", or name the inputs with --inputs " + join(known, ",")));
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
      } else if (d.types[k]) {
        const auto& p = *d.types[k];
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
