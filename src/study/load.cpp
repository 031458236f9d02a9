#include "hsicho/study/load.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/journal_folder.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/best.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

namespace {

// The study's metric as the study file names it (see study_writer's metric_of).
std::string metric_name(const space::Deck& deck) {
  if (deck.external) return "error";
  const auto spec =
      train::resolve(deck, train::config_from_settings(deck.space, {}), deck.study.seed);
  return spec.optim.loss == train::Loss::CrossEntropy ? "error_rate"
                                                      : std::string(train::name(spec.data.metric));
}

// A journaled configuration over the deck's space, from its values by name.
space::Config config_of(const space::Space& sp, const io::NamedValues& values) {
  space::Config c(sp.size());
  for (const auto& [name, value] : values) {
    if (const auto k = sp.find(name)) c[*k] = value;
  }
  return c;
}

// Assembles what the journal folder knows: every finished training (the first record of each
// configuration, as `run` takes them), its stage, its normalized inputs, the best so far, and
// an analysis of the sampled trainings of the first stage.
LoadedStudy from_journal(const StudyStatus& st, bool quick) {
  LoadedStudy out;
  out.partial = true;
  out.status = st;
  const auto& plan = *st.plan;
  if (plan.deck_text.empty()) {
    throw InputError("'" + st.journal_dir +
                     "' was written by an older hsicho, whose plan does not hold the deck: "
                     "a study of that version can be read once it has finished");
  }
  const auto deck = space::parse_deck(plan.deck_text, plan.deck);
  const auto& sp = deck.space;
  const auto opt = read_optimize(deck);
  io::StudyData& s = out.data;
  auto& p = s.provenance;
  p.name = deck.study.name;
  p.description = deck.study.description;
  p.deck_path = plan.deck;
  p.started = plan.started;
  p.ranks = plan.ranks;
  p.seed = static_cast<std::int64_t>(deck.study.seed);
  p.complete = false;
  // The mode the study runs, as its plan recorded it (an older hsicho's plan records none: it ran
  // ordered when its deck named no mode).
  if (deck.pruning.present) {
    const auto mode = plan.identity.find("pruning.mode");
    p.pruning_mode = mode != plan.identity.end() ? mode->second : "ordered";
  }
  s.deck_text = plan.deck_text;
  s.sources = io::read_source_stamps(st.journal_dir);
  s.class_names = io::read_class_names(st.journal_dir);
  describe_space(s, sp);
  if (!opt.enabled) {
    for (auto n : plan.samples)
      s.configs_info.design_sizes.push_back(static_cast<std::int64_t>(n));
  }
  s.results_info.metric = metric_name(deck);

  // The stages' id ranges (the optimizer's planned sizes; one stage for a plain study).
  std::vector<std::size_t> first = {0};
  std::vector<std::size_t> sizes =
      opt.enabled ? opt.stages : std::vector<std::size_t>{plan.samples.back()};
  if (opt.budget_seconds > 0) {  // sized by a wall-time budget once stage 1 ended
    if (auto chosen = io::read_stage_sizes(st.journal_dir)) sizes = chosen->sizes;
  }
  for (auto n : sizes)
    first.push_back(first.back() + n);
  auto stage_of = [&](std::size_t id) -> std::size_t {
    if (id >= kAddedFirstId) return 0;  // design.add's
    for (std::size_t k = 0; k + 1 < first.size(); ++k) {
      if (id < first[k + 1]) return k + 1;
    }
    return sizes.size();
  };

  // The design of a plain study, for journals of an older hsicho whose records hold no values.
  std::optional<design::Design> design;
  const auto journals = io::read_journals(st.journal_dir, "");
  const auto by_id = io::latest_records(journals);  // each configuration's latest attempt
  for (const auto& rec : journals.records) {
    if (by_id.at(rec.config) == &rec) continue;
    const auto& r = rec.result;
    s.attempts.push_back({static_cast<std::int64_t>(rec.config), r.attempt, r.status, r.cause,
                          r.message, r.host, r.seconds});
  }
  std::vector<std::size_t> row_ids;  // the configuration of each row
  std::vector<std::optional<std::size_t>> row_retrains;
  std::vector<std::size_t> sampled;  // rows of the first stage (what the headline analysis uses)
  std::size_t skipped = 0;
  for (const auto& [id, rec] : by_id) {
    space::Config cfg;
    if (!rec->values.empty()) {
      cfg = config_of(sp, rec->values);
    } else if (!opt.enabled) {
      if (!design) design = make_extended_design(sp, deck.design, deck.study.seed, plan.samples);
      if (id >= design->configs.size()) {
        ++skipped;
        continue;
      }
      cfg = design->configs[id];
    } else {
      ++skipped;
      continue;
    }
    io::ConfigRow row;
    row.id = static_cast<std::int64_t>(id);
    for (std::size_t j = 0; j < sp.size(); ++j) {
      row.values.push_back(cfg[j] ? space::to_text(*cfg[j]) : "");
      row.active.push_back(cfg[j] ? 1 : 0);
    }
    const std::size_t point = rec->retrains ? *rec->retrains : id;
    row.normalized.resize(sp.dimension());
    sp.normalize(cfg, deck.study.seed, point, row.normalized.data());
    row.unit.assign(sp.dimension(), NAN);  // the design point: in the study file once finished
    row.seed = static_cast<std::int64_t>(rec->result.seed);
    row.stage = static_cast<std::int64_t>(rec->retrains ? sizes.size() + 1 : stage_of(id));
    if (rec->retrains) row.retrains = static_cast<std::int64_t>(*rec->retrains);
    if (row.stage == 1) sampled.push_back(s.configs.size());
    s.configs.push_back(std::move(row));
    s.records.push_back(rec->result);
    row_ids.push_back(id);
    row_retrains.push_back(rec->retrains);
  }
  std::vector<Trained> trained;
  for (std::size_t r = 0; r < s.records.size(); ++r)
    trained.push_back({row_ids[r], &s.records[r], row_retrains[r]});
  if (skipped > 0) {
    out.notes.push_back(std::to_string(skipped) +
                        " finished trainings of an older journal (without their values) are left "
                        "out until the study finishes");
  }
  if (auto best = pick_best(trained)) {
    const auto it = by_id.find(static_cast<std::size_t>(best->config));
    if (it != by_id.end()) {
      for (const auto& [name, value] : it->second->values) {
        if (value)
          best->values +=
              (best->values.empty() ? "" : " ") + name + "=" + space::to_display(*value);
      }
    }
    s.best = best;
  }

  // The stages so far: trainings done in each.
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    io::StageRow row;
    row.first = static_cast<std::int64_t>(first[k]);
    row.size = 0;
    for (const auto& c : s.configs)
      row.size += c.stage == static_cast<std::int64_t>(k + 1);
    row.alpha = opt.enabled ? opt.alpha[k] : read_analysis(deck).alpha;
    row.hsic.assign(sp.dimension(), NAN);
    row.pvalue.assign(sp.dimension(), NAN);
    s.stages.push_back(std::move(row));
  }

  // The analysis of the first stage's finished trainings, with the deck's settings.
  const std::size_t n = sampled.size(), d = sp.dimension();
  const std::size_t planned_first = sizes.front();
  if (n < planned_first) {
    out.notes.push_back(fmt::format(
        "{} of the first stage's {} configurations are trained: the finished ones are not the "
        "space-filling design of their own, and an index is indicative until the stage ends",
        n, planned_first));
  }
  hsic::Options o = read_analysis(deck);
  o.discrete = discrete_columns(sp, s.configs_info.columns);
  if (opt.enabled) o.alpha = opt.alpha.front();
  if (quick) o.bootstrap = 0, o.interactions = false;
  try {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const auto& row = s.configs[sampled[i]];
      for (std::size_t c = 0; c < d; ++c)
        x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = row.normalized[c];
      y[static_cast<Eigen::Index>(i)] = s.records[sampled[i]].goal_error();
    }
    if (n < 4) throw std::invalid_argument("too few trainings yet");
    if (!(y.array() < INFINITY).any())
      throw std::invalid_argument("no training of the first stage succeeded yet");
    const auto an = hsic::analyze(x, y, s.configs_info.columns, o);
    s.analysis = io::store_analysis(an, o);
    for (std::size_t c = 0; c < d; ++c) {
      s.stages.front().hsic[c] = an.inputs[c].hsic;
      s.stages.front().pvalue[c] = an.inputs[c].pvalue;
    }
  } catch (const std::invalid_argument& e) {
    out.notes.push_back(std::string("no analysis yet: ") + e.what() + " (" + std::to_string(n) +
                        " finished trainings of the first stage)");
  }
  add_front(s, o, opt.enabled && opt.pick_cheapest);
  return out;
}

}  // namespace

void describe_space(io::StudyData& s, const space::Space& sp) {
  for (const auto& q : sp.params()) {
    const bool numeric = q.type == space::Type::Continuous || q.type == space::Type::Log ||
                         q.type == space::Type::Integer;
    s.space.push_back({q.name, space::type_name(q.type), q.describe_domain(),
                       q.condition ? q.condition->text : "", numeric ? q.lo : NAN,
                       numeric ? q.hi : NAN, q.type == space::Type::Log || q.log_scale,
                       q.is_free()});
  }
  for (auto c : sp.free_columns())
    s.configs_info.columns.push_back(sp[c].name);
}

LoadedStudy load_study(const std::string& path, bool quick) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  const bool folder = p.size() > 8 && p.compare(p.size() - 8, 8, ".journal") == 0;
  const std::string journal = folder ? p : p + ".journal";
  std::error_code ec;
  if (!fs::is_directory(journal, ec)) {
    if (folder) throw InputError("no journal folder '" + journal + "'");
    LoadedStudy out;
    out.data = io::read_study(p);  // a study file without a journal (moved, or copied alone)
    return out;
  }
  const auto status = read_status(journal, io::journal_time_now());
  if (status.state == StudyStatus::State::Finished || !status.plan) {
    LoadedStudy out;
    out.data = io::read_study(status.study_file);
    out.status = status;
    return out;
  }
  return from_journal(status, quick);
}

std::string partial_summary(const LoadedStudy& study) {
  if (!study.partial || !study.status) return "";
  const auto& st = *study.status;
  std::string out = fmt::format("{} of {}{} trainings", st.done,
                                st.plan && st.plan->optimized ? "at most " : "", st.planned);
  if (st.failed) out += fmt::format(" ({} failed)", st.failed);
  if (st.state == StudyStatus::State::Running) return out + ", running";
  return out + ", stopped: resume with " +
         resume_command(st.plan ? st.plan->deck : "DECK.yaml", st.study_file,
                        st.plan ? launcher_of(*st.plan) : "");
}

}  // namespace hsicho::study
