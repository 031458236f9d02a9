#include "hsicho/study/stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/scalar.hpp"

namespace hsicho::study {

std::size_t OptimizeSettings::total() const {
  return std::accumulate(stages.begin(), stages.end(), std::size_t{0}) + final_top * final_seeds;
}

namespace {

// The settings' ranges, and the budget against what the stages ask for.
void check_optimize(const OptimizeSettings& o, const space::Block& n) {
  auto in_range = [&](const char* key, double v, double lo, double hi, const char* what) {
    if (n.has(key) && !(v >= lo && v <= hi))
      throw InputError(n.where(key), std::string("optimize.") + key + " must be " + what);
  };
  in_range("pvalue", o.pvalue, 0, 1, "in [0, 1]: inputs with a larger p-value are frozen");
  in_range("share_floor", o.share_floor, 0, 1, "in [0, 1]: a fraction of the sum of indices");
  in_range("margin", o.margin, 0, 1, "in [0, 1] (of the normalized scale)");
  in_range("final_top", static_cast<double>(o.final_top), 1, 1000, "between 1 and 1000");
  in_range("final_seeds", static_cast<double>(o.final_seeds), 1, 1000, "between 1 and 1000");
  in_range("final_epochs", o.final_epochs, 1e-3, 1e3, "a factor in [0.001, 1000] on the epochs");
  if (o.budget > 0 && o.total() > o.budget) {
    throw InputError(n.where("budget"),
                     "optimize asks for " + std::to_string(o.total()) +
                         " trainings (stages + final_top x final_seeds) but budget is " +
                         std::to_string(o.budget));
  }
}

}  // namespace

OptimizeSettings read_optimize(const space::Deck& deck) {
  OptimizeSettings o;
  const space::Block& n = deck.optimize;
  if (!n.present) return o;
  o.enabled = true;
  auto where = [&](const char* key) { return n.where(key); };
  // Each key read with its own message, naming the key and what it takes.
  auto count = [&](const char* key, const std::string& t) -> std::size_t {
    const auto v = space::scalar::to_integer(t);
    if (!v || *v < 0 || *v > 999999999)
      throw InputError(where(key), std::string("optimize.") + key +
                                       " must be whole numbers >= 0, got '" + t + "'");
    return static_cast<std::size_t>(*v);
  };
  auto real = [&](const char* key, const std::string& t) {
    const auto v = space::scalar::to_number(t);
    if (!v)
      throw InputError(where(key),
                       std::string("optimize.") + key + " must be a number, got '" + t + "'");
    return *v;
  };
  auto one = [&](const char* key) -> const std::string& {
    const auto* s = n.find(key);
    if (s->is_list)
      throw InputError(where(key), std::string("optimize.") + key + " must be a single value");
    return s->text;
  };
  auto list = [&](const char* key, auto read) {
    const auto* s = n.find(key);
    std::vector<decltype(read(key, std::string()))> out;
    for (const auto& t : s->is_list ? s->list : std::vector<std::string>{s->text})
      out.push_back(read(key, t));
    return out;
  };
  if (n.has("strategy")) {
    o.strategy = one("strategy");
    if (o.strategy != "hsic" && o.strategy != "random" && o.strategy != "lhs") {
      throw InputError(where("strategy"),
                       "optimize.strategy must be hsic, random or lhs, got '" + o.strategy + "'");
    }
  }
  if (!n.has("stages")) {
    throw InputError(n.mark,
                     "block 'optimize' needs 'stages': trainings per stage, e.g. [48, 32, 24]");
  }
  const std::vector<std::size_t> sizes = list("stages", count);
  if (sizes.empty())
    throw InputError(where("stages"), "optimize.stages lists no stage; e.g. [48, 32, 24]");
  for (auto s : sizes) {
    if (s < 4) throw InputError(where("stages"), "each stage needs at least 4 trainings");
    if (s > 1000000)
      throw InputError(where("stages"), "each stage can hold at most 1000000 trainings");
  }
  o.stages = sizes;
  if (o.strategy != "hsic") {
    o.stages = {std::accumulate(sizes.begin(), sizes.end(), std::size_t{0})};
    // alpha, pvalue, ... steer the HSIC-guided stages only; they stay allowed here so that one
    // deck serves the HSIC strategy and its baselines alike (bench/compare_optimizers.sh).
  }
  o.alpha = n.has("alpha") ? list("alpha", real) : std::vector<double>{0.1};
  for (double a : o.alpha) {
    if (!(a > 0 && a < 1))
      throw InputError(where("alpha"), "optimize.alpha values must be in (0, 1)");
  }
  while (o.alpha.size() < o.stages.size())
    o.alpha.push_back(o.alpha.back());
  if (n.has("pvalue")) o.pvalue = real("pvalue", one("pvalue"));
  if (n.has("share_floor")) o.share_floor = real("share_floor", one("share_floor"));
  if (n.has("freeze")) {
    o.freeze = one("freeze");
    if (o.freeze != "cheapest" && o.freeze != "best" && o.freeze != "mode") {
      throw InputError(where("freeze"), "optimize.freeze must be cheapest, best or mode");
    }
  }
  if (n.has("margin")) o.margin = real("margin", one("margin"));
  if (n.has("final_top")) o.final_top = count("final_top", one("final_top"));
  if (n.has("final_seeds")) o.final_seeds = count("final_seeds", one("final_seeds"));
  if (n.has("final_epochs")) o.final_epochs = real("final_epochs", one("final_epochs"));
  if (n.has("budget")) o.budget = count("budget", one("budget"));
  check_optimize(o, n);
  return o;
}

namespace {

std::string fmt(double v) {
  return fmt::format("{:.2g}", v);
}

Decision decision(Decision::Action action, const std::string& name, const hsic::InputResult& r) {
  Decision d;
  d.action = action;
  d.name = name;
  d.pvalue = r.pvalue;
  d.share = r.share;
  return d;
}

// Takes back earlier decisions of `name` (by what they are, not by their text).
void erase_decisions(StageDecision& d, const std::string& name,
                     std::initializer_list<Decision::Action> actions) {
  auto& v = d.decisions;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](const Decision& x) {
                           return x.name == name && std::find(actions.begin(), actions.end(),
                                                              x.action) != actions.end();
                         }),
          v.end());
}

}  // namespace

std::string describe(const Decision& d) {
  using A = Decision::Action;
  const std::string p = "p = " + fmt(d.pvalue);
  switch (d.action) {
    case A::Unchanged:
      return "no finite error in the best fraction: the space is kept as it is";
    case A::Froze:
      return "froze " + d.name + " = " + d.value + " (" + p + ", share " + fmt(100 * d.share) +
             "%, " + d.why + ")";
    case A::Fixed:
      return "fixed " + d.name + " = " + d.value + " (" + p + ": " + d.why + ")";
    case A::Kept:
      return "kept " + d.name + " " + d.before + " (" + p + ")";
    case A::Narrowed:
      return "narrowed " + d.name + (d.before.empty() ? "" : " from " + d.before) + " to " +
             d.after + " (" + p + ")";
    case A::KeptFree:
      return "kept " + d.name + " " + d.before +
             " free: the most important input, and freezing it too would leave nothing to search";
    case A::Dropped:
      return "dropped " + d.name + " (" + d.parent + " = " + d.value + " leaves it inactive)";
  }
  return "";
}

namespace {

// The rows of the stage's goal set: errors at or below its alpha-quantile (finite errors only).
std::vector<std::size_t> goal_rows(const StageInput& in) {
  const std::size_t n = in.configs.size();
  std::vector<double> sorted(in.errors);
  std::sort(sorted.begin(), sorted.end());
  const double q =
      sorted[static_cast<std::size_t>(std::floor(in.alpha * static_cast<double>(n - 1)))];
  std::vector<std::size_t> best;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(in.errors[i]) && in.errors[i] <= q) best.push_back(i);
  }
  return best;
}

// The value a weak input is frozen at, among the best rows where it is active, and why.
std::pair<space::Value, std::string> freeze_value(const StageInput& in, const OptimizeSettings& o,
                                                  std::size_t k,
                                                  const std::vector<std::size_t>& rows,
                                                  std::size_t best_row) {
  if (o.freeze == "best" && in.configs[best_row][k])
    return {*in.configs[best_row][k], "the best configuration's value"};
  if (o.freeze == "mode" || o.freeze == "best") {
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
  const std::size_t cheap = *std::min_element(
      rows.begin(), rows.end(), [&](auto a, auto b) { return in.costs[a] < in.costs[b]; });
  return {*in.configs[cheap][k], "cheapest among the best"};
}

// An important categorical (or boolean) input keeps the values seen among the best.
void narrow_levels(space::Hyperparameter& p, std::size_t k, const std::vector<std::size_t>& rows,
                   const StageInput& in, const hsic::InputResult& r, StageDecision& d) {
  std::vector<space::Value> kept;
  for (const auto& cat : p.categories) {
    const bool seen = std::any_of(rows.begin(), rows.end(), [&](auto i) {
      return space::same_value(*in.configs[i][k], cat);
    });
    if (seen) kept.push_back(cat);
  }
  if (p.type == space::Type::Boolean || kept.size() == p.categories.size()) {
    d.decisions.push_back(decision(Decision::Action::Kept, p.name, r));
    d.decisions.back().before = p.describe_domain();
  } else if (kept.size() == 1) {
    p.type = space::Type::Fixed;
    p.fixed_value = kept[0];
    d.frozen.push_back(p.name);
    d.decisions.push_back(decision(Decision::Action::Fixed, p.name, r));
    d.decisions.back().value = space::to_text(kept[0]);
    d.decisions.back().why = "the only value among the best";
  } else {
    p.categories = kept;
    d.decisions.push_back(decision(Decision::Action::Narrowed, p.name, r));
    d.decisions.back().after = p.describe_domain();
  }
}

// An important numeric input narrows to the span of the best, widened by the margin, in the
// normalized scale (discrete levels count by their whole bin).
void narrow_range(space::Hyperparameter& p, std::size_t k, const std::vector<std::size_t>& rows,
                  const StageInput& in, const hsic::InputResult& r, const OptimizeSettings& o,
                  StageDecision& d) {
  double lo = 1, hi = 0;
  for (auto i : rows) {
    const auto& v = *in.configs[i][k];
    if (p.levels() > 0) {
      const auto j = p.level_of(v);
      lo = std::min(lo, p.edge(j)), hi = std::max(hi, p.edge(j + 1));
    } else {
      const double u = p.unit_of(v, 0.5);
      lo = std::min(lo, u), hi = std::max(hi, u);
    }
  }
  lo = std::max(0.0, lo - o.margin), hi = std::min(1.0, hi + o.margin);
  const std::string before = p.describe_domain();
  if (p.type == space::Type::Integer) {
    const double a = space::as_number(p.value_at(lo)),
                 b = space::as_number(p.value_at(std::nextafter(hi, 0.0)));
    if (a == b) {
      p.type = space::Type::Fixed;
      p.fixed_value = static_cast<std::int64_t>(a);
      d.frozen.push_back(p.name);
      d.decisions.push_back(decision(Decision::Action::Fixed, p.name, r));
      d.decisions.back().value = space::to_text(p.fixed_value);
      d.decisions.back().why = "one value spans the best";
      return;
    }
    p.lo = a, p.hi = b;
  } else {
    const double a = space::as_number(p.value_at(lo)), b = space::as_number(p.value_at(hi));
    if (!(a < b)) return;
    p.lo = a, p.hi = b;
  }
  const bool same = p.describe_domain() == before;
  d.decisions.push_back(
      decision(same ? Decision::Action::Kept : Decision::Action::Narrowed, p.name, r));
  d.decisions.back().before = before;
  if (!same) d.decisions.back().after = p.describe_domain();
}

void settle_children(std::vector<space::Hyperparameter>& params, StageDecision& d);

// Never freeze everything: a stage with nothing to vary would train one network again and
// again. Whether anything varies is judged once frozen parents have settled their children (a
// child of a parent frozen where it is inactive varies nothing). The most important of the
// frozen inputs that depend on no parent stays free, as it was.
void keep_one_free(std::vector<space::Hyperparameter>& params, const StageInput& in,
                   StageDecision& d) {
  const space::Space& sp = *in.space;
  auto settled = params;
  StageDecision scratch = d;
  settle_children(settled, scratch);
  const bool any_free =
      std::any_of(settled.begin(), settled.end(), [](const space::Hyperparameter& q) {
        return q.type != space::Type::Fixed && !q.never_active;
      });
  if (any_free || d.frozen.empty()) return;
  std::size_t keep = SIZE_MAX;
  for (bool unconditional_only : {true, false}) {
    for (std::size_t c = 0; c < sp.dimension(); ++c) {
      const auto& q = sp[sp.free_columns()[c]];
      if (std::find(d.frozen.begin(), d.frozen.end(), q.name) == d.frozen.end()) continue;
      if (unconditional_only && q.condition) continue;
      const double h = in.analysis.inputs.at(c).hsic;
      if (keep == SIZE_MAX || h > in.analysis.inputs.at(keep).hsic) keep = c;
    }
    if (keep != SIZE_MAX) break;
  }
  const std::size_t k = sp.free_columns()[keep];
  params[k] = sp[k];
  d.frozen.erase(std::remove(d.frozen.begin(), d.frozen.end(), params[k].name), d.frozen.end());
  erase_decisions(d, params[k].name, {Decision::Action::Froze, Decision::Action::Fixed});
  d.decisions.push_back(
      decision(Decision::Action::KeptFree, params[k].name, in.analysis.inputs.at(keep)));
  d.decisions.back().before = params[k].describe_domain();
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
    erase_decisions(d, child.name, {Decision::Action::Froze});
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
  if (best.empty()) {
    d.decisions.push_back({});  // Unchanged
    d.next = sp;
    return d;
  }
  const std::size_t best_row = *std::min_element(
      best.begin(), best.end(), [&](auto a, auto b) { return in.errors[a] < in.errors[b]; });
  std::vector<space::Hyperparameter> params = sp.params();
  for (std::size_t c = 0; c < sp.dimension(); ++c) {
    const std::size_t k = sp.free_columns()[c];
    auto& p = params[k];
    const auto& r = in.analysis.inputs.at(c);
    std::vector<std::size_t> rows;  // the best rows where it is active
    for (auto i : best) {
      if (in.configs[i][k]) rows.push_back(i);
    }
    if (rows.empty()) continue;  // never active among the best: decided by its parent
    const bool weak = !(r.pvalue <= o.pvalue) || (o.share_floor > 0 && r.share < o.share_floor);
    if (weak) {
      const auto [value, why] = freeze_value(in, o, k, rows, best_row);
      p.type = space::Type::Fixed;
      p.fixed_value = value;
      d.frozen.push_back(p.name);
      d.decisions.push_back(decision(Decision::Action::Froze, p.name, r));
      d.decisions.back().value = space::to_text(value);
      d.decisions.back().why = why;
    } else if (p.levels() > 0 && p.type != space::Type::Integer) {
      narrow_levels(p, k, rows, in, r, d);
    } else {
      narrow_range(p, k, rows, in, r, o, d);
    }
  }
  keep_one_free(params, in, d);
  settle_children(params, d);
  for (auto& p : params)
    d.next.add(p);
  d.next.finalize();
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
