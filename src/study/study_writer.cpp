#include "study_writer.hpp"

#include <chrono>
#include <cmath>
#include <ctime>

#include "hsicho/error.hpp"
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
  s.name = deck.study.name;
  s.deck_path = parts.deck_path;
  s.deck_text = deck.text;
  s.version = kVersion;
  s.commit = kGitCommit;
  s.started = parts.started;
  s.finished = now_iso();
  s.hosts = parts.hosts;
  s.sources = parts.sources;
  s.ranks = parts.ranks;
  for (auto n : parts.design_sizes)
    s.design_sizes.push_back(static_cast<std::int64_t>(n));
  s.seed = static_cast<std::int64_t>(deck.study.seed);
  for (const auto& q : deck.space.params()) {
    s.names.push_back(q.name);
    s.types.push_back(space::type_name(q.type));
    s.domains.push_back(q.describe_domain());
    s.conditions.push_back(q.condition ? q.condition->text : "");
    const bool numeric = q.type == space::Type::Continuous || q.type == space::Type::Log ||
                         q.type == space::Type::Integer;
    s.low.push_back(numeric ? q.lo : NAN);
    s.high.push_back(numeric ? q.hi : NAN);
    s.log_scale.push_back(q.type == space::Type::Log || q.log_scale ? 1 : 0);
    s.free.push_back(q.is_free() ? 1 : 0);
  }
  for (auto c : deck.space.free_columns())
    s.free_names.push_back(deck.space[c].name);
}

// One training as a row of configs/ and results/: typed values, normalized inputs (those of the
// design point `point`), design coordinates, the record and its stage (1-based).
void add_row(io::StudyData& s, const StudyParts& parts, const space::Config& cfg, std::size_t point,
             const std::vector<double>& unit, const Record& r, std::size_t stage) {
  const auto& sp = parts.deck->space;
  for (std::size_t j = 0; j < sp.size(); ++j) {
    s.values.push_back(cfg[j] ? space::to_text(*cfg[j]) : "");
    s.active.push_back(cfg[j] ? 1 : 0);
  }
  std::vector<double> row(sp.dimension());
  sp.normalize(cfg, parts.deck->study.seed, point, row.data());
  s.normalized.insert(s.normalized.end(), row.begin(), row.end());
  s.unit.insert(s.unit.end(), unit.begin(), unit.end());
  s.seeds.push_back(static_cast<std::int64_t>(r.seed));
  s.stage.push_back(static_cast<std::int64_t>(stage));
  s.records.push_back(r);
  ++s.n;
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
    add_row(s, parts, st.configs[i], st.first + i, unit, parts.results->at(st.first + i).result,
            k + 1);
  }
  s.stage_first.push_back(static_cast<std::int64_t>(st.first));
  s.stage_size.push_back(static_cast<std::int64_t>(st.configs.size()));
  s.stage_alpha.push_back(st.alpha);
  for (const auto& x : st.decisions) {
    s.stage_log.push_back("after stage " + std::to_string(k + 1) + ": " + describe(x));
    s.decision_stage.push_back(static_cast<std::int64_t>(k + 1));
    s.decision_input.push_back(x.name);
    s.decision_action.push_back(action_name(x.action));
    s.decision_value.push_back(x.action == Decision::Action::Dropped ? x.parent + " = " + x.value
                                                                     : x.value);
    s.decision_pvalue.push_back(x.pvalue);
    s.decision_top_share.push_back(x.top_share);
    s.decision_ratio.push_back(x.ratio);
    s.decision_drift.push_back(x.drift);
  }
  for (std::size_t c = 0; c < d0; ++c) {
    double h = NAN, pv = NAN;
    for (const auto& in : st.analysis.inputs) {
      if (in.name == s.free_names[c]) h = in.hsic, pv = in.pvalue;
    }
    s.stage_hsic.push_back(h);
    s.stage_pvalue.push_back(pv);
  }
}

void add_analysis(io::StudyData& s, const hsic::Analysis& an, const hsic::Options& o) {
  s.analysed = true;
  s.alpha = an.alpha, s.threshold = an.threshold, s.m = static_cast<std::int64_t>(an.m);
  s.estimator = o.estimator == hsic::Estimator::V ? "v" : "u";
  s.bandwidth = o.bandwidth.str();
  s.pvalues = o.pvalues == hsic::PValueMethod::None ? "none"
              : o.pvalues == hsic::PValueMethod::Gamma
                  ? "gamma"
                  : "permutation:" + std::to_string(o.permutations);
  for (const auto& r : an.inputs) {
    s.input_names.push_back(r.name);
    s.hsic.push_back(r.hsic);
    s.stderr_.push_back(r.stderr_);
    s.r2.push_back(r.r2);
    s.share.push_back(r.share);
    s.pvalue.push_back(r.pvalue);
    s.input_bandwidth.push_back(r.bandwidth);
    s.input_threshold.push_back(r.threshold);
    s.input_n.push_back(static_cast<std::int64_t>(r.n));
    s.input_m.push_back(static_cast<std::int64_t>(r.m));
    s.conditional.push_back(r.conditional ? 1 : 0);
    s.active_hsic.push_back(r.active_hsic);
    s.active_pvalue.push_back(r.active_pvalue);
    s.null95.push_back(r.null95);
    if (an.bootstrap > 0) {
      s.ci_low.push_back(r.ci_low);
      s.ci_high.push_back(r.ci_high);
      s.top_share.push_back(r.top_share);
    }
  }
  s.bootstrap = static_cast<std::int64_t>(an.bootstrap);
  s.top_k = static_cast<std::int64_t>(an.top_k);
  for (Eigen::Index a = 0; a < an.interactions.rows(); ++a) {
    for (Eigen::Index b = 0; b < an.interactions.cols(); ++b)
      s.interactions.push_back(an.interactions(a, b));
  }
  for (Eigen::Index a = 0; a < an.interaction_anova.rows(); ++a) {
    for (Eigen::Index b = 0; b < an.interaction_anova.cols(); ++b) {
      s.interactions_anova.push_back(an.interaction_anova(a, b));
      s.interactions_pvalue.push_back(an.interaction_pvalue(a, b));
    }
  }
}

// The final retraining: its summary (final/) and its trainings as rows of the last stage + 1, so
// that configs/ and results/ hold every training `run` counted.
void add_final(io::StudyData& s, const StudyParts& parts) {
  const auto& opt = *parts.optimize;
  s.optimized = true;
  s.strategy = opt.strategy;
  s.final_seeds = opt.final_seeds;
  const std::vector<double> no_unit(parts.deck->space.dimension(), NAN);
  for (std::size_t t = 0; t < parts.final_configs.size(); ++t) {
    const std::size_t id = parts.final_configs[t];
    s.final_config.push_back(static_cast<std::int64_t>(id));
    for (std::size_t k = 0; k < opt.final_seeds; ++k) {
      const auto& r = parts.results->at(parts.final_first + t * opt.final_seeds + k).result;
      s.final_val.push_back(r.val_error);
      s.final_test.push_back(r.test_error);
      add_row(s, parts, config_of(*parts.stages, id), id, no_unit, r, parts.stages->size() + 1);
    }
  }
}

}  // namespace

const space::Config& config_of(const std::vector<Stage>& stages, std::size_t id) {
  for (const auto& st : stages) {
    if (id >= st.first && id < st.first + st.configs.size()) return st.configs[id - st.first];
  }
  throw RuntimeError("no configuration " + std::to_string(id));
}

Winner pick_winner(const StudyParts& parts) {
  Winner w;
  w.val_error = INFINITY;
  const auto& results = *parts.results;
  if (parts.optimize->enabled) {
    const std::size_t seeds = parts.optimize->final_seeds;
    for (std::size_t t = 0; t < parts.final_configs.size(); ++t) {
      double sv = 0, st = 0, ss = 0;
      std::int64_t params = 0;
      for (std::size_t k = 0; k < seeds; ++k) {
        const auto& r = results.at(parts.final_first + t * seeds + k).result;
        sv += r.val_error, st += r.test_error, ss += r.seconds, params = r.parameters;
      }
      const double n = static_cast<double>(seeds);
      if (sv / n < w.val_error) {
        w.found = true, w.config = parts.final_configs[t], w.val_error = sv / n;
        w.test_error = st / n, w.seconds = ss / n, w.parameters = params;
      }
    }
  } else {
    for (const auto& [id, rec] : results) {
      const auto& r = rec.result;
      if (r.status == "ok" && r.val_error < w.val_error) {
        w.found = true, w.config = id, w.val_error = r.val_error, w.test_error = r.test_error;
        w.seconds = r.seconds, w.parameters = r.parameters;
      }
    }
  }
  if (w.found) {
    const auto& sp = parts.deck->space;
    const auto& cfg = config_of(*parts.stages, w.config);
    for (std::size_t j = 0; j < sp.size(); ++j) {
      if (cfg[j])
        w.values += (w.values.empty() ? "" : " ") + sp[j].name + "=" + space::to_text(*cfg[j]);
    }
  }
  return w;
}

std::string metric_of(const space::Deck& deck) {
  if (deck.external) return "error";  // whatever the command reports
  const auto spec =
      train::resolve(deck, train::config_from_settings(deck.space, {}), deck.study.seed);
  return spec.optim.loss == "cross_entropy" ? "error_rate" : spec.data.metric;
}

io::StudyData assemble_study(const StudyParts& parts, const Winner& winner) {
  io::StudyData s;
  add_provenance_and_space(s, parts);
  for (std::size_t k = 0; k < parts.stages->size(); ++k)
    add_stage(s, parts, k);
  s.metric = metric_of(*parts.deck);
  const Stage& last = parts.stages->back();
  if (last.analysis_problem.empty()) add_analysis(s, last.analysis, *parts.analysis);
  if (parts.optimize->enabled) add_final(s, parts);
  if (winner.found) {
    s.best_config = static_cast<std::int64_t>(winner.config);
    s.best_values = winner.values;
    s.best_val = winner.val_error, s.best_test = winner.test_error;
    s.best_seconds = winner.seconds, s.best_parameters = winner.parameters;
  }
  return s;
}

}  // namespace hsicho::study
