#include "hsicho/study/stage.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>

#include "hsicho/error.hpp"

namespace hsicho::study {

std::size_t OptimizeSettings::total() const {
  return std::accumulate(stages.begin(), stages.end(), std::size_t{0}) + final_top * final_seeds;
}

OptimizeSettings read_optimize(const space::Deck& deck) {
  OptimizeSettings o;
  const YAML::Node& n = deck.optimize;
  if (!n || n.IsNull()) return o;
  o.enabled = true;
  auto where = [&](const char* key) {
    const auto m = n[key].Mark();
    return SourceMark{deck.path, m.line + 1, m.column + 1};
  };
  // Each key read with its own message: yaml-cpp's "bad conversion" names neither key nor remedy.
  auto count = [&](const char* key, const YAML::Node& v) -> std::size_t {
    const std::string t = v.IsScalar() ? v.Scalar() : "";
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 9)
      throw InputError(where(key), std::string("optimize.") + key +
                                       " must be whole numbers >= 0, got '" + t + "'");
    return static_cast<std::size_t>(std::stoul(t));
  };
  auto real = [&](const char* key, const YAML::Node& v) {
    const std::string t = v.IsScalar() ? v.Scalar() : "";
    char* end = nullptr;
    const double x = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(x))
      throw InputError(where(key),
                       std::string("optimize.") + key + " must be a number, got '" + t + "'");
    return x;
  };
  auto list = [&](const char* key, auto read) {
    const YAML::Node v = n[key];
    std::vector<decltype(read(key, v))> out;
    if (v.IsSequence()) {
      for (const auto& item : v)
        out.push_back(read(key, item));
    } else {
      out.push_back(read(key, v));
    }
    return out;
  };
  if (n["strategy"]) {
    o.strategy = n["strategy"].Scalar();
    if (o.strategy != "hsic" && o.strategy != "random" && o.strategy != "lhs") {
      throw InputError(where("strategy"),
                       "optimize.strategy must be hsic, random or lhs, got '" + o.strategy + "'");
    }
  }
  if (!n["stages"]) {
    const auto m = n.Mark();
    throw InputError(SourceMark{deck.path, m.line + 1, m.column + 1},
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
  if (o.strategy != "hsic")
    o.stages = {std::accumulate(sizes.begin(), sizes.end(), std::size_t{0})};
  o.alpha = n["alpha"] ? list("alpha", real) : std::vector<double>{0.1};
  for (double a : o.alpha) {
    if (!(a > 0 && a < 1))
      throw InputError(where("alpha"), "optimize.alpha values must be in (0, 1)");
  }
  while (o.alpha.size() < o.stages.size())
    o.alpha.push_back(o.alpha.back());
  if (n["pvalue"]) o.pvalue = real("pvalue", n["pvalue"]);
  if (n["share_floor"]) o.share_floor = real("share_floor", n["share_floor"]);
  if (n["freeze"]) {
    o.freeze = n["freeze"].Scalar();
    if (o.freeze != "cheapest" && o.freeze != "best" && o.freeze != "mode") {
      throw InputError(where("freeze"), "optimize.freeze must be cheapest, best or mode");
    }
  }
  if (n["margin"]) o.margin = real("margin", n["margin"]);
  if (n["final_top"]) o.final_top = count("final_top", n["final_top"]);
  if (n["final_seeds"]) o.final_seeds = count("final_seeds", n["final_seeds"]);
  if (n["final_epochs"]) o.final_epochs = real("final_epochs", n["final_epochs"]);
  if (n["budget"]) o.budget = count("budget", n["budget"]);
  auto in_range = [&](const char* key, double v, double lo, double hi, const char* what) {
    if (n[key] && !(v >= lo && v <= hi))
      throw InputError(where(key), std::string("optimize.") + key + " must be " + what);
  };
  in_range("pvalue", o.pvalue, 0, 1, "in [0, 1]: inputs with a larger p-value are frozen");
  in_range("share_floor", o.share_floor, 0, 1, "in [0, 1]: a fraction of the sum of indices");
  in_range("margin", o.margin, 0, 1, "in [0, 1] (of the normalized scale)");
  in_range("final_top", static_cast<double>(o.final_top), 1, 1000, "between 1 and 1000");
  in_range("final_seeds", static_cast<double>(o.final_seeds), 1, 1000, "between 1 and 1000");
  in_range("final_epochs", o.final_epochs, 1e-3, 1e3, "a factor in [0.001, 1000] on the epochs");
  if (o.budget > 0 && o.total() > o.budget) {
    throw InputError(where("budget"),
                     "optimize asks for " + std::to_string(o.total()) +
                         " trainings (stages + final_top x final_seeds) but budget is " +
                         std::to_string(o.budget));
  }
  return o;
}

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

}  // namespace

StageDecision decide(const StageInput& in, const OptimizeSettings& o) {
  const space::Space& sp = *in.space;
  const std::size_t n = in.configs.size();
  // The stage's goal set: errors at or below its alpha-quantile (finite errors only count).
  std::vector<double> sorted(in.errors);
  std::sort(sorted.begin(), sorted.end());
  const double q =
      sorted[static_cast<std::size_t>(std::floor(in.alpha * static_cast<double>(n - 1)))];
  std::vector<std::size_t> best;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(in.errors[i]) && in.errors[i] <= q) best.push_back(i);
  }
  std::vector<space::Hyperparameter> params = sp.params();
  StageDecision d;
  if (best.empty()) {
    d.log.push_back("no finite error in the best fraction: the space is kept as it is");
    d.next = sp;
    return d;
  }
  const std::size_t best_row = *std::min_element(
      best.begin(), best.end(), [&](auto a, auto b) { return in.errors[a] < in.errors[b]; });

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
      // Freeze, at the value the policy picks among the best.
      space::Value v;
      std::string why;
      if (o.freeze == "best" && in.configs[best_row][k]) {
        v = *in.configs[best_row][k];
        why = "the best configuration's value";
      } else if (o.freeze == "mode" || o.freeze == "best") {
        std::map<std::string, std::pair<int, space::Value>> count;
        for (auto i : rows) {
          auto& e = count[space::to_text(*in.configs[i][k])];
          e.first++;
          e.second = *in.configs[i][k];
        }
        auto it = std::max_element(count.begin(), count.end(), [](auto& a, auto& b) {
          return a.second.first < b.second.first;
        });
        v = it->second.second;
        why = "the most frequent among the best";
      } else {
        const std::size_t cheap = *std::min_element(
            rows.begin(), rows.end(), [&](auto a, auto b) { return in.costs[a] < in.costs[b]; });
        v = *in.configs[cheap][k];
        why = "cheapest among the best";
      }
      p.type = space::Type::Fixed;
      p.fixed_value = v;
      d.frozen.push_back(p.name);
      d.log.push_back("froze " + p.name + " = " + space::to_text(v) + " (p = " + fmt(r.pvalue) +
                      ", share " + fmt(100 * r.share) + "%, " + why + ")");
      continue;
    }
    // Narrow: the span of the best, widened by the margin, in the normalized scale.
    if (p.levels() > 0 && p.type != space::Type::Integer) {
      std::vector<space::Value> kept;
      for (const auto& cat : p.categories) {
        const bool seen = std::any_of(rows.begin(), rows.end(), [&](auto i) {
          return space::same_value(*in.configs[i][k], cat);
        });
        if (seen) kept.push_back(cat);
      }
      if (p.type == space::Type::Boolean || kept.size() == p.categories.size()) {
        d.log.push_back("kept " + p.name + " " + p.describe_domain() + " (p = " + fmt(r.pvalue) +
                        ")");
        continue;
      }
      if (kept.size() == 1) {
        p.type = space::Type::Fixed;
        p.fixed_value = kept[0];
        d.frozen.push_back(p.name);
        d.log.push_back("fixed " + p.name + " = " + space::to_text(kept[0]) +
                        " (p = " + fmt(r.pvalue) + ": the only value among the best)");
      } else {
        p.categories = kept;
        d.log.push_back("narrowed " + p.name + " to " + p.describe_domain() +
                        " (p = " + fmt(r.pvalue) + ")");
      }
      continue;
    }
    double lo = 1, hi = 0;
    for (auto i : rows) {
      const auto& v = *in.configs[i][k];
      // Discrete levels count by their whole bin; continuous values by their position.
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
        d.log.push_back("fixed " + p.name + " = " + space::to_text(p.fixed_value) +
                        " (p = " + fmt(r.pvalue) + ": one value spans the best)");
        continue;
      }
      p.lo = a, p.hi = b;
    } else {
      const double a = space::as_number(p.value_at(lo)), b = space::as_number(p.value_at(hi));
      if (!(a < b)) continue;
      p.lo = a, p.hi = b;
    }
    if (p.describe_domain() == before) {
      d.log.push_back("kept " + p.name + " " + before + " (p = " + fmt(r.pvalue) + ")");
    } else {
      d.log.push_back("narrowed " + p.name + " from " + before + " to " + p.describe_domain() +
                      " (p = " + fmt(r.pvalue) + ")");
    }
  }
  // Never freeze everything: a stage with nothing to vary would train one network again and
  // again. The most important of the frozen inputs stays free, as it was.
  const bool any_free =
      std::any_of(params.begin(), params.end(), [](const space::Hyperparameter& q) {
        return q.type != space::Type::Fixed && !q.never_active;
      });
  if (!any_free && !d.frozen.empty()) {
    std::size_t keep = SIZE_MAX;
    for (std::size_t c = 0; c < sp.dimension(); ++c) {
      const auto& name = sp[sp.free_columns()[c]].name;
      if (std::find(d.frozen.begin(), d.frozen.end(), name) == d.frozen.end()) continue;
      const double h = in.analysis.inputs.at(c).hsic;
      if (keep == SIZE_MAX || h > in.analysis.inputs.at(keep).hsic) keep = c;
    }
    const std::size_t k = sp.free_columns()[keep];
    params[k] = sp[k];
    d.frozen.erase(std::remove(d.frozen.begin(), d.frozen.end(), params[k].name), d.frozen.end());
    d.log.erase(std::remove_if(d.log.begin(), d.log.end(),
                               [&](const std::string& l) {
                                 return l.rfind("froze " + params[k].name + " = ", 0) == 0 ||
                                        l.rfind("fixed " + params[k].name + " = ", 0) == 0;
                               }),
                d.log.end());
    d.log.push_back(
        "kept " + params[k].name + " " + params[k].describe_domain() +
        " free: the most important input, and freezing it too would leave nothing to search");
  }
  // A frozen parent decides its children: always there, or never.
  for (auto& child : params) {
    if (!child.condition || child.never_active) continue;
    const auto& parent = params[child.condition->parent_index];
    if (parent.type != space::Type::Fixed) continue;
    if (child.condition->holds(parent.fixed_value)) {
      child.condition.reset();
    } else {
      child.never_active = true;
      child.condition.reset();
      // A child that disappears is not "frozen": say only that it is dropped.
      d.frozen.erase(std::remove(d.frozen.begin(), d.frozen.end(), child.name), d.frozen.end());
      d.log.erase(std::remove_if(d.log.begin(), d.log.end(),
                                 [&](const std::string& l) {
                                   return l.rfind("froze " + child.name + " = ", 0) == 0;
                                 }),
                  d.log.end());
      d.log.push_back("dropped " + child.name + " (" + parent.name + " = " +
                      space::to_text(parent.fixed_value) + " leaves it inactive)");
    }
  }
  // Children of dropped children are dropped too (conditions on an inactive parent never hold).
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& child : params) {
      if (child.condition && params[child.condition->parent_index].never_active) {
        child.never_active = true;
        child.condition.reset();
        changed = true;
      }
    }
  }
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

}  // namespace hsicho::study
