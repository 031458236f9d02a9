#include "study_writer.hpp"

#include <chrono>
#include <cmath>
#include <ctime>

#include "hsicho/error.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/best.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/load.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/train/spec.hpp"
#include "hsicho/version.hpp"

namespace hsicho::study {
std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

namespace {

void add_provenance_and_space(io::StudyData& s, const StudyParts& parts) {
  const auto& deck = *parts.deck;
  auto& p = s.provenance;
  p.name = deck.study.name;
  p.description = deck.study.description;
  p.deck_path = parts.deck_path;
  p.version = kVersion;
  p.commit = kGitCommit;
  p.started = parts.started;
  p.finished = now_iso();
  p.hosts = parts.hosts;
  p.slurm_job = parallel::slurm_job();
  p.ranks = parts.ranks;
  p.training_wall = parts.training_wall;
  if (deck.pruning.present) p.pruning_mode = read_pruning(deck).mode();
  p.seed = static_cast<std::int64_t>(deck.study.seed);
  s.deck_text = deck.text;
  s.sources = parts.sources;
  s.class_names = parts.class_names;
  for (auto n : parts.design_sizes)
    s.configs_info.design_sizes.push_back(static_cast<std::int64_t>(n));
  describe_space(s, deck.space);
}

// One training as a row of configs/ and results/: typed values, normalized inputs (those of the
// design point `point`), design coordinates, the record and its stage (1-based).
void add_row(io::StudyData& s, const StudyParts& parts, std::size_t id, const space::Config& cfg,
             std::size_t point, const std::vector<double>& unit, const Record& r,
             std::size_t stage) {
  const auto& sp = parts.deck->space;
  io::ConfigRow row;
  row.id = static_cast<std::int64_t>(id);
  for (std::size_t j = 0; j < sp.size(); ++j) {
    row.values.push_back(cfg[j] ? space::to_text(*cfg[j]) : "");
    row.active.push_back(cfg[j] ? 1 : 0);
  }
  row.normalized.resize(sp.dimension());
  sp.normalize(cfg, parts.deck->study.seed, point, row.normalized.data());
  row.unit = unit;
  row.seed = static_cast<std::int64_t>(r.seed);
  row.stage = static_cast<std::int64_t>(stage);
  s.configs.push_back(std::move(row));
  s.records.push_back(r);
}

// Configurations of every stage over the deck's space (every stage's configurations fit it),
// with the stage's own design coordinates.
void add_stage(io::StudyData& s, const StudyParts& parts, std::size_t k) {
  const auto& sp = parts.deck->space;
  const auto& st = (*parts.stages)[k];
  const std::size_t d0 = sp.dimension();
  std::vector<double> unit(d0);
  for (std::size_t i = 0; i < st.configs.size(); ++i) {
    const auto& cols = st.space.free_columns();
    for (std::size_t c = 0; c < d0; ++c) {
      unit[c] = NAN;  // the stage's design coordinate of this column, if it varied there
      for (std::size_t cc = 0; cc < cols.size(); ++cc) {
        if (cols[cc] == sp.free_columns()[c])
          unit[c] = st.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(cc));
      }
    }
    add_row(s, parts, st.first + i, st.configs[i], st.first + i, unit,
            parts.results->at(st.first + i).result, k + 1);
  }
  io::StageRow row;
  row.first = static_cast<std::int64_t>(st.first);
  row.size = static_cast<std::int64_t>(st.configs.size());
  row.alpha = st.alpha;
  for (const auto& x : st.decisions) {
    s.stages_info.log.push_back("after stage " + std::to_string(k + 1) + ": " + describe(x));
    s.decisions.push_back(
        {static_cast<std::int64_t>(k + 1), x.name, action_name(x.action),
         x.action == Decision::Action::Dropped ? x.parent + " = " + x.value : x.value, x.pvalue,
         x.top_share, x.ratio, x.drift});
  }
  for (const auto& name : s.configs_info.columns) {
    double h = NAN, pv = NAN;
    for (const auto& in : st.analysis.inputs) {
      if (in.name == name) h = in.hsic, pv = in.pvalue;
    }
    row.hsic.push_back(h);
    row.pvalue.push_back(pv);
  }
  s.stages.push_back(std::move(row));
}

// The final retraining: its summary (final/) and its trainings as rows of the last stage + 1, so
// that configs/ and results/ hold every training `run` counted.
void add_final(io::StudyData& s, const StudyParts& parts) {
  const auto& opt = *parts.optimize;
  s.final.emplace();
  s.final->info.strategy = opt.strategy;
  const std::vector<double> no_unit(parts.deck->space.dimension(), NAN);
  for (std::size_t t = 0; t < parts.final_configs.size(); ++t) {
    const std::size_t id = parts.final_configs[t];
    io::FinalRow row;
    row.config = static_cast<std::int64_t>(id);
    for (std::size_t k = 0; k < opt.final_seeds; ++k) {
      const std::size_t at = parts.final_first + t * opt.final_seeds + k;
      const auto& r = parts.results->at(at).result;
      row.val_error.push_back(r.val_error);
      row.test_error.push_back(r.test_error);
      add_row(s, parts, at, config_of(*parts.stages, id, parts.added), id, no_unit, r,
              parts.stages->size() + 1);
      s.configs.back().retrains = static_cast<std::int64_t>(id);
    }
    s.final->rows.push_back(std::move(row));
  }
}

}  // namespace

const space::Config& config_of(const std::vector<Stage>& stages, std::size_t id,
                               const Stage* added) {
  if (added && id >= added->first && id < added->first + added->configs.size())
    return added->configs[id - added->first];
  for (const auto& st : stages) {
    if (id >= st.first && id < st.first + st.configs.size()) return st.configs[id - st.first];
  }
  throw RuntimeError("no configuration " + std::to_string(id));
}

std::string values_text(const space::Space& sp, const space::Config& cfg) {
  std::string out;
  for (std::size_t j = 0; j < sp.size(); ++j) {
    if (cfg[j]) out += (out.empty() ? "" : " ") + sp[j].name + "=" + space::to_display(*cfg[j]);
  }
  return out;
}

std::optional<io::Best> pick_winner(const StudyParts& parts) {
  // The final retraining's ids follow the stages: final_first + t * seeds + k retrains
  // final_configs[t].
  const std::size_t seeds = parts.optimize->enabled ? parts.optimize->final_seeds : 0;
  const std::size_t end = parts.final_first + parts.final_configs.size() * seeds;
  std::vector<Trained> trained;
  for (const auto& [id, rec] : *parts.results) {
    std::optional<std::size_t> retrains;
    if (seeds > 0 && id >= parts.final_first && id < end)
      retrains = parts.final_configs[(id - parts.final_first) / seeds];
    trained.push_back({id, &rec.result, retrains});
  }
  auto best = pick_best(trained);
  if (best) {
    best->values =
        values_text(parts.deck->space,
                    config_of(*parts.stages, static_cast<std::size_t>(best->config), parts.added));
  }
  return best;
}

std::string metric_of(const space::Deck& deck) {
  if (deck.external) return "error";  // whatever the command reports
  const auto spec =
      train::resolve(deck, train::config_from_settings(deck.space, {}), deck.study.seed);
  return spec.optim.loss == train::Loss::CrossEntropy ? "error_rate"
                                                      : std::string(train::name(spec.data.metric));
}

io::StudyData assemble_study(const StudyParts& parts, const std::optional<io::Best>& best) {
  io::StudyData s;
  add_provenance_and_space(s, parts);
  if (parts.added) {
    // design.add's configurations: stage 0, before the sampled stages (not in any analysis).
    const std::vector<double> no_unit(parts.deck->space.dimension(), NAN);
    for (std::size_t i = 0; i < parts.added->configs.size(); ++i) {
      const std::size_t id = parts.added->first + i;
      add_row(s, parts, id, parts.added->configs[i], id, no_unit, parts.results->at(id).result, 0);
    }
  }
  for (std::size_t k = 0; k < parts.stages->size(); ++k)
    add_stage(s, parts, k);
  s.results_info.metric = metric_of(*parts.deck);
  // The headline analysis is the first stage's: the largest sample, drawn over the whole space
  // (an optimizer's later stages sample around the good configurations; each is in stages/).
  const Stage& first = parts.stages->front();
  if (first.analysis_problem.empty())
    s.analysis = io::store_analysis(first.analysis, *parts.analysis);
  if (parts.optimize->enabled) add_final(s, parts);
  if (parts.earlier) {
    for (const auto& [id, records] : *parts.earlier) {
      for (const auto& r : records) {
        s.attempts.push_back({static_cast<std::int64_t>(id), r.attempt, r.status, r.cause,
                              r.message, r.host, r.seconds});
      }
    }
  }
  s.best = best;
  hsic::Options front_options = *parts.analysis;
  front_options.discrete = discrete_columns(parts.deck->space, s.configs_info.columns);
  add_front(s, front_options, parts.optimize->enabled && parts.optimize->pick_cheapest);
  return s;
}

}  // namespace hsicho::study
