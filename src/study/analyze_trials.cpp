#include "hsicho/study/analyze_trials.hpp"
#include "hsicho/io/deck_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "hsicho/error.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/csv_inputs.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/load.hpp"

namespace hsicho::study {
namespace {

struct Data : io::CsvInputs {
  std::vector<hsic::Discrete> discrete;  // the bins of discrete columns, when a space says them
};

// A study file's normalized inputs (NaN where inactive) and validation errors; the deck it
// stores types its columns.
Data load_from_study(const TrialsRequest& req) {
  // At any moment: a running or stopped study is read from its journal folder (study/load.hpp).
  const auto study = study::load_study(req.file);
  const auto in = io::study_inputs(study.data);
  Data d;
  if (study.partial) {
    d.warnings.push_back("a partial study: " + partial_summary(study));
    d.warnings.insert(d.warnings.end(), study.notes.begin(), study.notes.end());
  }
  try {
    const auto deck = space::parse_deck(in.deck_text, req.file, space::DeckUse::SpaceOnly);
    d.discrete = discrete_columns(deck.space, in.names);
  } catch (const InputError& e) {
    d.warnings.push_back(std::string("the deck stored in the study file does not read (") +
                         e.what() + "): discrete inputs analysed as continuous");
  }
  d.names = in.names;
  std::vector<double> goal = in.val_error;
  if (req.options.pareto_goal) {
    // "On the accuracy-cost front": the Pareto layer of each sampled row is its error for the
    // goal (the layers taken until they hold alpha of the rows), with the study's cost.
    std::vector<double> errors, costs;
    const auto stages = static_cast<std::int64_t>(study.data.stages.size());
    for (std::size_t i = 0; i < study.data.n(); ++i) {
      const auto stage = study.data.configs[i].stage;
      if (stage == 0 || (stages > 0 && stage > stages)) continue;  // as study_inputs
      errors.push_back(study.data.records[i].goal_error());
      costs.push_back(cost_of(study.data.records[i], req.options.cost));
    }
    const auto layers = pareto_layers(errors, costs);
    for (std::size_t i = 0; i < goal.size(); ++i)
      goal[i] = layers[i] > 0 ? layers[i] : INFINITY;
    d.warnings.push_back(
        "goal pareto: Z = 1 for the first layers of the front of (validation "
        "error, " +
        req.options.cost + "), until they hold alpha of the trainings");
  }
  // The global index measures the error itself: the trainings that did not finish (failed,
  // diverged, stopped early at a rung: no final error) are left out, and said so. The target
  // index keeps them, outside the goal set.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < in.n; ++i) {
    if (!req.options.global || std::isfinite(goal[i])) rows.push_back(i);
  }
  if (rows.size() < in.n) {
    d.warnings.push_back(std::to_string(in.n - rows.size()) +
                         " trainings that did not finish (failed, diverged or stopped early) "
                         "left out: the global index needs the error itself");
  }
  d.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(in.d));
  d.y.resize(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::size_t i = rows[r];
    for (std::size_t c = 0; c < in.d; ++c)
      d.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = in.normalized[i * in.d + c];
    d.y[static_cast<Eigen::Index>(r)] = goal[i];
  }
  return d;
}

Data load(const TrialsRequest& req) {
  if (req.study) return load_from_study(req);
  io::CsvTable t = io::read_csv(req.file);
  Data d;
  // Optuna's export lists the trials still running or waiting, without a value: not results.
  if (io::is_optuna_export(t)) {
    if (const auto it = std::find(t.header.begin(), t.header.end(), "state");
        it != t.header.end()) {
      const auto state = static_cast<std::size_t>(it - t.header.begin());
      std::size_t kept = 0, left = 0;
      for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const std::string& s = t.rows[r][state];
        if (s == "RUNNING" || s == "WAITING") {
          ++left;
          continue;
        }
        if (kept != r) {  // (a vector moved onto itself is left empty)
          t.rows[kept] = std::move(t.rows[r]);
          t.line[kept] = t.line[r];
        }
        ++kept;
      }
      t.rows.resize(kept);
      t.line.resize(kept);
      if (left > 0) {
        d.warnings.push_back(std::to_string(left) + " trial" + (left == 1 ? "" : "s") +
                             " still RUNNING or WAITING in the export: left out (not results)");
      }
    }
  }
  std::optional<space::Deck> deck;
  if (req.space) deck = io::load_deck(*req.space, space::DeckUse::SpaceOnly);
  // Goal pareto: the cost is a column (parameters, flops, seconds, or NAME of metric:NAME), never
  // an input.
  const std::string cost =
      req.options.cost.rfind("metric:", 0) == 0 ? req.options.cost.substr(7) : req.options.cost;
  std::vector<std::string> ignore = req.ignore;
  std::size_t cost_col = 0;
  if (req.options.pareto_goal) {
    const auto it = std::find(t.header.begin(), t.header.end(), cost);
    if (it == t.header.end())
      throw InputError(req.file + ": goal pareto needs the cost column '" + cost +
                       "' (--cost NAME names it)");
    cost_col = static_cast<std::size_t>(it - t.header.begin());
    if (req.inputs.empty() && std::find(ignore.begin(), ignore.end(), cost) == ignore.end())
      ignore.push_back(cost);
  }
  auto notes = std::move(d.warnings);
  static_cast<io::CsvInputs&>(d) =
      io::csv_inputs(t, req.target, {ignore, req.inputs, req.refuse_nan},
                     deck ? &deck->space : nullptr, req.space.value_or(""), req.options.seed);
  d.warnings.insert(d.warnings.begin(), notes.begin(), notes.end());
  d.discrete.resize(d.names.size());
  for (std::size_t c = 0; c < d.names.size(); ++c) {
    if (d.types[c]) d.discrete[c] = discrete_of(*d.types[c]);
  }
  if (req.options.pareto_goal) {
    std::vector<double> errors(d.y.data(), d.y.data() + d.y.size()), costs;
    for (const auto& row : t.rows) {
      char* end = nullptr;
      const double v = std::strtod(row[cost_col].c_str(), &end);
      costs.push_back(end != row[cost_col].c_str() && *end == '\0' ? v : NAN);
    }
    const auto layers = pareto_layers(errors, costs);
    for (std::size_t i = 0; i < layers.size(); ++i)
      d.y[static_cast<Eigen::Index>(i)] = layers[i] > 0 ? layers[i] : INFINITY;
    d.warnings.push_back("goal pareto: Z = 1 for the first layers of the front of (" + req.target +
                         ", " + cost + "), until they hold alpha of the trials");
  }
  return d;
}

}  // namespace

hsic::Analysis analyze_trials(const TrialsRequest& req, std::vector<std::string>* notes) {
  const Data data = load(req);
  if (notes) {
    *notes = data.warnings;
    if (data.empty_targets > 0) {
      notes->push_back(std::to_string(data.empty_targets) + " trial" +
                       (data.empty_targets == 1 ? "" : "s") +
                       " with an empty target (failed) counted as the worst (--nan refuse to stop "
                       "on them)");
    }
    if (data.nan_targets > 0) {
      notes->push_back(std::to_string(data.nan_targets) + " trial" +
                       (data.nan_targets == 1 ? "" : "s") +
                       " with a NaN target counted as the worst (--nan refuse to stop on them)");
    }
  }
  try {
    hsic::Options o = req.options;
    o.discrete = data.discrete;
    return hsic::analyze(data.x, data.y, data.names, o, parallel::world_partition());
  } catch (const std::invalid_argument& e) {
    throw InputError(req.file + ": " + e.what());  // bad data: the user's to fix
  }
}

}  // namespace hsicho::study
