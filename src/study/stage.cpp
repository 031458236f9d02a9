#include "hsicho/study/stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/study/front.hpp"

namespace hsicho::study {

std::size_t OptimizeSettings::total() const {
  return std::accumulate(stages.begin(), stages.end(), std::size_t{0}) + final_top * final_seeds;
}

OptimizeSettings read_optimize(const space::Deck& deck) {
  OptimizeSettings o;
  const space::Block& n = deck.optimize;
  if (!n.present) return o;
  o.enabled = true;
  // Every value typed by the table of deck keys (space/keys.hpp): its kind and limits, and one
  // message naming the key, what it takes and what was written.
  auto fail = [&](const std::string& key, const std::string& why) -> InputError {
    return InputError(n.where(key), "optimize." + key + " " + why);
  };
  auto items = [&](const std::string& key) {
    const auto* s = n.find(key);
    return s->is_list ? s->list : std::vector<std::string>{s->text};
  };
  auto whole = [&](const std::string& key) { return *space::read_key<std::size_t>(n, key); };
  auto real = [&](const std::string& key, double& out) {
    if (auto v = space::read_key<double>(n, key)) out = *v;
  };
  for (const auto& k : space::deck_keys()) {
    // Keys of the first optimizer, whose rules they steered: said, not silently ignored.
    if (k.block == "optimize" && k.kind == space::KeyKind::Removed && n.has(k.name)) {
      space::key_text(k, n.find(k.name)->text);
      throw fail(k.name, k.help);
    }
  }
  if (auto v = space::read_key<std::string>(n, "strategy")) o.strategy = *v;
  if (n.has("final_top")) o.final_top = whole("final_top");
  if (n.has("final_seeds")) o.final_seeds = whole("final_seeds");
  if (n.has("budget")) {
    // A duration (45s, 30m, 2h) is a wall-time budget; a plain number counts trainings.
    const auto& spec = space::key_spec("optimize", "budget");
    const std::string& text = space::key_text(spec, n.find("budget")->text);
    if (!text.empty() && std::isalpha(static_cast<unsigned char>(text.back()))) {
      const auto t = external::parse_duration(text);
      if (!t || *t < 1) throw fail("budget", "must be " + spec.what() + ", got '" + text + "'");
      o.budget_seconds = *t;
    } else {
      o.budget = whole("budget");
    }
  }
  const auto& stages_key = space::key_spec("optimize", "stages");
  const auto* stages = n.find("stages");
  const bool auto_stages =
      !stages || (!stages->is_list && space::key_text(stages_key, stages->text) == "auto");
  if (o.budget_seconds > 0 && !auto_stages) {
    throw fail("stages", "is sized by the wall-time budget (budget: " + n.find("budget")->text +
                             "): leave it out, or give the budget in trainings");
  }
  if (auto_stages && o.budget == 0 && o.budget_seconds == 0) {
    throw InputError(stages ? n.where("stages") : n.mark,
                     "block 'optimize' needs 'stages' (trainings per stage, e.g. [48, 32, 24]) "
                     "or a 'budget' to size them from (stages: auto)");
  }
  std::vector<std::size_t> sizes;
  if (o.budget_seconds > 0) {
    // Stage 1 as stage_sizes makes it at least; the later ones once its times are known.
    sizes = {std::max<std::size_t>(8, 8 * deck.space.dimension())};
  } else if (auto_stages) {
    const std::size_t final_n = o.final_top * o.final_seeds;
    if (o.budget < final_n + 8) {
      throw InputError(n.where("budget"),
                       "optimize.budget " + std::to_string(o.budget) + " leaves " +
                           (o.budget > final_n ? std::to_string(o.budget - final_n) : "no") +
                           " trainings to search after the final retraining (final_top x "
                           "final_seeds = " +
                           std::to_string(final_n) + "); stages: auto needs at least 8");
    }
    sizes = stage_sizes(o.budget - final_n, deck.space.dimension());
  } else {
    for (const auto& t : items("stages")) {
      const auto v = space::scalar::to_integer(space::key_text(stages_key, t));
      if (!v || *v < 4 || *v > 1000000)
        throw fail("stages", "must be " + stages_key.what() + ", got '" + t + "'");
      sizes.push_back(static_cast<std::size_t>(*v));
    }
  }
  if (sizes.empty()) throw fail("stages", "lists no stage; e.g. [48, 32, 24]");
  o.stages = sizes;
  if (o.strategy != "hsic") {
    o.stages = {std::accumulate(sizes.begin(), sizes.end(), std::size_t{0})};
    // alpha, pvalue, ... steer the HSIC-guided stages only; they stay allowed here so that one
    // deck serves the HSIC strategy and its baselines alike (bench/compare_optimizers.sh).
  }
  o.alpha.clear();
  if (n.has("alpha")) {
    const auto& spec = space::key_spec("optimize", "alpha");
    for (const auto& t : items("alpha")) {
      try {
        o.alpha.push_back(space::key_number(spec, t));
      } catch (const space::KeyValueError& e) {
        throw fail("alpha", e.what());
      }
    }
  }
  // One alpha per stage; more than stages would never be used (a deck edited after its stages).
  // The baselines' single stage keeps the HSIC deck's list (one deck serves both).
  if (o.strategy == "hsic" && o.alpha.size() > o.stages.size()) {
    throw fail("alpha", "lists " + std::to_string(o.alpha.size()) + " values for " +
                            std::to_string(o.stages.size()) + " stages" +
                            (auto_stages ? " (stages: auto sized them from the budget)" : "") +
                            ": the last " + std::to_string(o.alpha.size() - o.stages.size()) +
                            " would never be used; give one per stage, or one for all");
  }
  if (o.alpha.empty()) o.alpha = {0.1};
  while (o.alpha.size() < o.stages.size())
    o.alpha.push_back(o.alpha.back());
  real("pvalue", o.pvalue);
  real("freeze_ratio", o.freeze_ratio);
  real("explore", o.explore);
  real("spread", o.spread);
  real("drift", o.drift);
  if (auto v = space::read_key<std::string>(n, "freeze")) o.freeze = *v;
  if (auto v = space::read_key<std::string>(n, "pick")) o.pick_cheapest = *v == "cheapest";
  real("final_epochs", o.final_epochs);
  if (o.budget > 0 && o.total() > o.budget) {
    throw InputError(n.where("budget"),
                     "optimize asks for " + std::to_string(o.total()) +
                         " trainings (stages + final_top x final_seeds) but budget is " +
                         std::to_string(o.budget));
  }
  return o;
}

std::vector<std::size_t> time_sized_stages(double left, double per_training, std::size_t first) {
  if (!(per_training > 0) || !(left > 0)) return {};
  const double fit = std::floor(left / per_training);
  if (fit < 4) return {};
  const auto n = static_cast<std::size_t>(std::min(fit, 1e7));
  const std::size_t m = std::clamp<std::size_t>((n + 2 * first - 1) / (2 * first), 1, 4);
  std::vector<std::size_t> sizes(m, n / m);
  for (std::size_t i = 0; i < n % m; ++i)
    ++sizes[i];
  return sizes;
}

NextStage next_stage_by_time(double left, double per_training, std::size_t first,
                             std::size_t later_done) {
  constexpr std::size_t kLaterStages = 4;
  const auto fit = time_sized_stages(left, per_training, first);
  const std::size_t remaining =
      later_done < kLaterStages ? std::min(fit.size(), kLaterStages - later_done) : 0;
  if (remaining == 0) return {};
  const std::size_t total = std::accumulate(fit.begin(), fit.end(), std::size_t{0});
  return {(total + remaining - 1) / remaining, remaining == 1};
}

std::vector<std::size_t> stage_sizes(std::size_t budget, std::size_t d) {
  const std::size_t first = std::min(budget, std::max((budget + 1) / 2, 8 * d));
  const std::size_t rest = budget - first;
  std::vector<std::size_t> sizes = {first};
  if (rest < 4) {
    sizes[0] += rest;
    return sizes;
  }
  if (rest < 16) return {first, rest};
  return {first, rest / 2, rest - rest / 2};
}

namespace {

std::string fmt(double v) {
  return fmt::format("{:.2g}", v);
}

// A percentage for the log: 12%, 3.8%, 0.04%.
std::string percent(double share) {
  const double v = 100 * share;
  return v >= 10 ? fmt::format("{:.0f}%", v) : fmt::format("{:.2g}%", v);
}

Decision decision(Decision::Action action, const std::string& name, const hsic::InputResult& r,
                  double leader, hsic::RankBy by) {
  Decision d;
  d.action = action;
  d.name = name;
  d.pvalue = hsic::ranking_pvalue(r, by);
  d.top_share = r.top_share;
  d.ratio = leader > 0 ? r.hsic / leader : NAN;
  return d;
}

// "p = 0.31, index 4.2% of lr's, top 3 in 12% of resamples": the evidence behind a
// decision.
std::string evidence(const Decision& d) {
  if (!std::isfinite(d.pvalue)) return "not tested: too few rows where it is active";
  std::string s = "p = " + fmt(d.pvalue);
  if (d.name == d.leader) {
    s += ", the leading input";
  } else if (std::isfinite(d.ratio)) {
    s += ", index " + percent(d.ratio) + " of " + d.leader + "'s";
  }
  if (std::isfinite(d.top_share)) s += ", top 3 in " + percent(d.top_share) + " of resamples";
  return s;
}

}  // namespace

const char* action_name(Decision::Action a) {
  using A = Decision::Action;
  switch (a) {
    case A::Unchanged:
      return "unchanged";
    case A::Froze:
      return "froze";
    case A::Focused:
      return "focused";
    case A::Explored:
      return "explored";
    case A::Dropped:
      return "dropped";
  }
  return "";
}

std::string describe(const Decision& d) {
  using A = Decision::Action;
  switch (d.action) {
    case A::Unchanged:
      return "no finite error in the best fraction: the next stage samples the space as it is";
    case A::Froze:
      return "froze " + d.name + " = " + d.value + " (" + evidence(d) + "; " + d.why + ")";
    case A::Focused:
      return "focused " + d.name + " near the good configurations (" + evidence(d) + ")";
    case A::Explored:
      return "explored " + d.name + " widely around the good configurations" +
             (d.drift < 0   ? ", drifting toward lower (cheaper) values"
              : d.drift > 0 ? ", drifting toward higher (cheaper) values"
                            : "") +
             " (" + evidence(d) + ")";
    case A::Dropped:
      return "dropped " + d.name + " (" + d.parent + " = " + d.value + " leaves it inactive)";
  }
  return "";
}

namespace {

// The rows whose error is finite and at most the `share`-quantile of every error so far (+inf
// included), best first.
std::vector<std::size_t> rows_within_quantile(const StageInput& in, double share) {
  const std::size_t n = in.configs.size();
  std::vector<double> sorted(in.errors);
  std::sort(sorted.begin(), sorted.end());
  const double q = sorted[static_cast<std::size_t>(
      std::floor(std::min(share, 1.0) * static_cast<double>(n - 1)))];
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(in.errors[i]) && in.errors[i] <= q) rows.push_back(i);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](auto a, auto b) { return in.errors[a] < in.errors[b]; });
  return rows;
}

// The goal set of every training so far: errors at or below their alpha-quantile, best first.
std::vector<std::size_t> goal_rows(const StageInput& in) {
  return rows_within_quantile(in, in.alpha);
}

// The parents when the optimizer aims at the accuracy-cost front (optimize.pick: cheapest): the
// Pareto layers of (error, cost) among the trainings of the best 2 alpha, whole layers until they
// hold as many rows as the goal set, each layer best first. Why: the goal set by error alone is
// mostly wide networks (the lowest errors), so later stages trained few small networks with
// near-best errors and the pick had nothing cheap to choose (docs/results.md, issue 30); the
// front's points of near-best error are the cheap networks worth moving around, and the best
// error is always on the first layer.
std::vector<std::size_t> front_rows(const StageInput& in, std::size_t goal_size) {
  std::vector<std::size_t> band;
  for (auto i : rows_within_quantile(in, 2 * in.alpha)) {
    if (std::isfinite(in.costs[i])) band.push_back(i);
  }
  std::vector<double> e, c;
  for (auto i : band)
    e.push_back(in.errors[i]), c.push_back(in.costs[i]);
  const auto layer = pareto_layers(e, c);
  std::vector<std::size_t> order(band.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),  // band is best first: stable keeps that order
                   [&](auto a, auto b) { return layer[a] < layer[b]; });
  std::vector<std::size_t> rows;
  for (std::size_t t = 0; t < order.size(); ++t) {
    if (rows.size() >= goal_size && layer[order[t]] != layer[order[t - 1]]) break;
    rows.push_back(band[order[t]]);
  }
  return rows;
}

// The value an irrelevant input is frozen at, among the good rows where it is active, and why.
std::pair<space::Value, std::string> freeze_value(const StageInput& in, const OptimizeSettings& o,
                                                  std::size_t k,
                                                  const std::vector<std::size_t>& rows) {
  if (o.freeze == "best") return {*in.configs[rows.front()][k], "the best configuration's value"};
  if (o.freeze == "mode") {
    std::map<std::string, std::pair<int, space::Value>> count;
    for (auto i : rows) {
      auto& e = count[space::to_text(*in.configs[i][k])];
      e.first++;
      e.second = *in.configs[i][k];
    }
    auto it = std::max_element(count.begin(), count.end(),
                               [](auto& a, auto& b) { return a.second.first < b.second.first; });
    return {it->second.second, "the most frequent among the best"};
  }
  // `rows` are best first: of equal costs, the better configuration.
  const std::size_t cheap = *std::min_element(
      rows.begin(), rows.end(), [&](auto a, auto b) { return in.costs[a] < in.costs[b]; });
  return {*in.configs[cheap][k], "cheapest among the best"};
}

// Ranks with ties averaged (Spearman's correlation is Pearson's on them).
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
      ++j;
    for (std::size_t t = i; t <= j; ++t)
      r[order[t]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n,
               mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
        sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

// The cheaper side of a numeric input: -1 when the cost falls as it falls (width, depth), +1
// when it falls as it rises, 0 when the trainings so far show no clear link (|Spearman| < 0.3).
int cheaper_side(const StageInput& in, const space::Hyperparameter& p, std::size_t k) {
  if (p.type != space::Type::Continuous && p.type != space::Type::Log &&
      p.type != space::Type::Integer)
    return 0;
  std::vector<double> x, c;
  for (std::size_t i = 0; i < in.configs.size(); ++i) {
    if (in.configs[i][k] && std::isfinite(in.costs[i])) {
      x.push_back(space::as_number(*in.configs[i][k]));
      c.push_back(in.costs[i]);
    }
  }
  if (x.size() < 8) return 0;
  const double rho = pearson(ranks(x), ranks(c));
  return rho >= 0.3 ? -1 : rho <= -0.3 ? 1 : 0;
}

// A frozen parent decides its children: always there, or never (dropped, with their own
// children).
void settle_children(std::vector<space::Hyperparameter>& params, StageDecision& d) {
  for (auto& child : params) {
    if (!child.condition || child.never_active) continue;
    const auto& parent = params[child.condition->parent_index];
    if (parent.type != space::Type::Fixed) continue;
    if (child.condition->holds(parent.fixed_value)) {
      child.condition.reset();
      continue;
    }
    child.never_active = true;
    child.condition.reset();
    // A child that disappears is not "frozen": say only that it is dropped.
    d.frozen.erase(std::remove(d.frozen.begin(), d.frozen.end(), child.name), d.frozen.end());
    auto& v = d.decisions;
    v.erase(
        std::remove_if(v.begin(), v.end(), [&](const Decision& x) { return x.name == child.name; }),
        v.end());
    Decision drop;
    drop.action = Decision::Action::Dropped;
    drop.name = child.name;
    drop.parent = parent.name;
    drop.value = space::to_text(parent.fixed_value);
    d.decisions.push_back(drop);
  }
  for (bool changed = true; changed;) {  // conditions on an inactive parent never hold
    changed = false;
    for (auto& child : params) {
      if (child.condition && params[child.condition->parent_index].never_active) {
        child.never_active = true;
        child.condition.reset();
        changed = true;
      }
    }
  }
}

}  // namespace

StageDecision decide(const StageInput& in, const OptimizeSettings& o) {
  const space::Space& sp = *in.space;
  const std::vector<std::size_t> best = goal_rows(in);
  StageDecision d;
  d.next = sp;
  d.moves.assign(sp.size(), Move{});
  if (best.empty() || sp.dimension() == 0) {
    d.decisions.push_back({});  // Unchanged
    return d;
  }
  for (auto i : o.pick_cheapest ? front_rows(in, best.size()) : best)
    d.parents.push_back(in.configs[i]);
  d.sample_near_parents = true;
  // The leading input: the first of the stage's ranking among the inputs that are always there
  // (a conditional input's index, the yardstick of the others' "small" below, is measured on its
  // own rows). Never frozen.
  const auto& inputs = in.analysis.inputs;
  const hsic::RankBy by = in.analysis.ranked_by;
  const auto order = hsic::ranking_order(inputs, by);
  std::size_t lead = order.front();
  for (auto c : order) {
    if (!inputs.at(c).conditional) {
      lead = c;
      break;
    }
  }
  auto important_input = [&](std::size_t c) {
    return hsic::ranking_pvalue(inputs.at(c), by) <= o.pvalue;
  };
  const std::string leader = sp[sp.free_columns()[lead]].name;
  const double lead_hsic = in.analysis.inputs.at(lead).hsic;
  const bool lead_significant = important_input(lead) && lead_hsic > 0;
  // The parents (and theirs) of the leader and of every important input stay free too:
  // freezing one could leave an input that matters inactive for good.
  std::vector<bool> keeps_needed(sp.size(), false);
  for (std::size_t c = 0; c < sp.dimension(); ++c) {
    if (c != lead && !important_input(c)) continue;
    for (const auto* q = &sp[sp.free_columns()[c]]; q->condition;) {
      keeps_needed[q->condition->parent_index] = true;
      q = &sp[q->condition->parent_index];
    }
  }
  std::vector<space::Hyperparameter> params = sp.params();
  for (std::size_t c = 0; c < sp.dimension(); ++c) {
    const std::size_t k = sp.free_columns()[c];
    auto& p = params[k];
    const auto& r = in.analysis.inputs.at(c);
    std::vector<std::size_t> rows;  // the good rows where it is active, best first
    for (auto i : best) {
      if (in.configs[i][k]) rows.push_back(i);
    }
    Decision x;
    const bool important = important_input(c);
    // An input that is not important and whose lower (or higher) values cost less drifts there
    // rather than being frozen: a width frozen at the cheapest good value of a small stage capped
    // the accuracy of every later stage; a drift that hurts is undone by the next goal set.
    const int drift = important ? 0 : cheaper_side(in, p, k);
    // Evidence of irrelevance, not absence of evidence of importance: the leader's effect is
    // real (significant), which shows what an effect weighs with these many trainings, and this
    // input's index is a small fraction of it. Without a significant leader nothing is frozen.
    const bool irrelevant = c != lead && !keeps_needed[k] && !important && drift == 0 &&
                            std::isfinite(hsic::ranking_pvalue(r, by)) && !rows.empty() &&
                            lead_significant && r.hsic <= o.freeze_ratio * lead_hsic;
    if (irrelevant) {
      const auto [value, why] = freeze_value(in, o, k, rows);
      p.type = space::Type::Fixed;
      p.fixed_value = value;
      d.frozen.push_back(p.name);
      x = decision(Decision::Action::Froze, p.name, r, lead_hsic, by);
      x.value = space::to_text(value);
      x.why = why;
    } else if (important) {
      x = decision(Decision::Action::Focused, p.name, r, lead_hsic, by);
      d.moves[k].focused = true;
    } else {
      x = decision(Decision::Action::Explored, p.name, r, lead_hsic, by);
      x.drift = d.moves[k].drift = drift;
    }
    x.leader = leader;
    d.decisions.push_back(x);
  }
  settle_children(params, d);
  space::Space next;
  for (auto& p : params)
    next.add(p);
  next.finalize();
  d.next = next;
  return d;
}

space::DesignSettings stage_design(const space::Deck& deck, const OptimizeSettings& settings,
                                   std::size_t k) {
  space::DesignSettings ds = deck.design;
  if (!settings.enabled) return ds;
  ds.samples = settings.stages.at(k);
  ds.method =
      settings.strategy == "random" ? space::DesignMethod::Random : space::DesignMethod::Lhs;
  return ds;
}

std::uint64_t config_seed(std::uint64_t study_seed, std::size_t i) {
  std::uint64_t s = study_seed ^ (0xD1B54A32D192ED03ull * (i + 1));
  return splitmix64(s) >> 1;  // 63 bits: fits the signed integers of HDF5 and LibTorch
}

design::Design make_stage_design(const space::Space& space, const space::DesignSettings& settings,
                                 std::uint64_t study_seed, std::size_t k) {
  return design::make_design(space, settings,
                             k == 0 ? study_seed : config_seed(study_seed, 1000003 * k));
}

design::Design make_extended_design(const space::Space& space, space::DesignSettings settings,
                                    std::uint64_t study_seed,
                                    const std::vector<std::size_t>& sizes) {
  settings.samples = sizes.at(0);
  auto design = make_stage_design(space, settings, study_seed, 0);
  for (std::size_t j = 1; j < sizes.size(); ++j) {
    Rng rng(config_seed(study_seed, 2000003 * j), sizes[j]);
    design = design::extend_design(space, design, sizes[j], settings, rng);
  }
  return design;
}

}  // namespace hsicho::study
