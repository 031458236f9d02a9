#include "hsicho/study/best.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "hsicho/study/front.hpp"

namespace hsicho::study {
namespace {

// The final retraining's groups: each configuration with its seeds' records, in the order of
// their first training (the retraining's order: best first), which decides ties.
std::vector<std::pair<std::size_t, std::vector<const Record*>>> retraining_groups(
    const std::vector<Trained>& trained) {
  std::vector<std::pair<std::size_t, std::vector<const Record*>>> groups;
  for (const auto& t : trained) {
    if (!t.retrains) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == *t.retrains; });
    if (it == groups.end()) it = groups.insert(groups.end(), {*t.retrains, {}});
    it->second.push_back(t.record);
  }
  return groups;
}

}  // namespace

std::optional<io::Best> pick_best(const std::vector<Trained>& trained) {
  const auto groups = retraining_groups(trained);
  std::optional<io::Best> best;
  auto consider = [&](std::size_t config, double val, double test, std::int64_t params,
                      double seconds) {
    if (!(val < INFINITY) || (best && !(val < best->val_error))) return;  // first of ties wins
    best = io::Best{static_cast<std::int64_t>(config), "", val, test, params, seconds};
  };
  if (!groups.empty()) {
    for (const auto& [config, records] : groups) {
      double val = 0, test = 0, seconds = 0;
      std::int64_t params = 0;
      for (const auto* r : records) {
        // A failed seed makes the mean infinite: a configuration that does not train reliably
        // is not recommended.
        val += r->ok() ? r->val_error : INFINITY;
        test += r->test_error, seconds += r->seconds, params = r->parameters;
      }
      const double k = static_cast<double>(records.size());
      consider(config, val / k, test / k, params, seconds / k);
    }
    return best;
  }
  for (const auto& t : trained) {
    if (t.record->ok())
      consider(t.id, t.record->val_error, t.record->test_error, t.record->parameters,
               t.record->seconds);
  }
  return best;
}

std::optional<Pick> pick_cheapest(const std::vector<Trained>& trained, const std::string& cost,
                                  double tolerance) {
  const auto best = pick_best(trained);
  if (!best) return std::nullopt;
  struct Candidate {
    std::size_t config;
    double error, test, seconds, cost;
    std::int64_t parameters;
  };
  std::vector<Candidate> candidates;
  Pick p;
  const auto groups = retraining_groups(trained);
  if (!groups.empty()) {
    double spread = 0;
    for (const auto& [config, records] : groups) {
      double val = 0, test = 0, seconds = 0, sq = 0;
      for (const auto* r : records) {
        const double e = r->ok() ? r->val_error : INFINITY;
        val += e, sq += e * e, test += r->test_error, seconds += r->seconds;
      }
      const double k = static_cast<double>(records.size());
      const double mean = val / k;
      if (static_cast<std::int64_t>(config) == best->config && records.size() >= 2 &&
          std::isfinite(mean))
        spread = std::sqrt(std::max(0.0, (sq - k * mean * mean) / (k - 1)));
      candidates.push_back({config, mean, test / k, seconds / k, cost_of(*records.front(), cost),
                            records.front()->parameters});
    }
    if (spread > 0) {
      p.limit = best->val_error + spread;
      p.rule = "within the spread of the best's seeds (their standard deviation)";
    }
  } else {
    for (const auto& t : trained) {
      if (t.record->ok())
        candidates.push_back({t.id, t.record->val_error, t.record->test_error, t.record->seconds,
                              cost_of(*t.record, cost), t.record->parameters});
    }
  }
  if (p.rule.empty()) {
    std::vector<double> errors;
    for (const auto& c : candidates)
      errors.push_back(c.error);
    auto l = pick_limit(best->val_error, errors, tolerance);
    p.limit = l.limit, p.rule = std::move(l.rule);
  }
  std::vector<double> errors, costs;
  for (const auto& c : candidates)
    errors.push_back(c.error), costs.push_back(c.cost);
  const auto k = cheapest_within(errors, costs, p.limit);
  if (!k) return std::nullopt;  // no cost known
  const auto& c = candidates[*k];
  p.chosen =
      io::Best{static_cast<std::int64_t>(c.config), "", c.error, c.test, c.parameters, c.seconds};
  p.chosen.cost = c.cost;
  return p;
}

double error_resolution(const std::vector<double>& errors) {
  std::vector<double> e;
  for (double v : errors) {
    if (std::isfinite(v)) e.push_back(v);
  }
  std::sort(e.begin(), e.end());
  e.erase(std::unique(e.begin(), e.end()), e.end());
  if (e.size() < 3 || e.front() < 0 || e.back() > 1) return NAN;  // rates lie in [0, 1]
  // The smallest gap bounds the step from above: N is at least 1 / gap. Try each N from there
  // until every error is a whole multiple of 1/N (the first N when two errors differ by one
  // sample; at most 10^5 tries, most ending at the first error).
  double gap = INFINITY;
  for (std::size_t i = 1; i < e.size(); ++i)
    gap = std::min(gap, e[i] - e[i - 1]);
  constexpr double kMaxN = 1e7;
  const double first = std::floor(1 / gap + 1e-6);
  if (!(first >= 1) || first > kMaxN) return NAN;
  for (double n = first; n <= std::min(kMaxN, first + 1e5); n += 1) {
    const bool fits = std::all_of(e.begin(), e.end(), [&](double v) {
      const double k = v * n;
      return std::fabs(k - std::round(k)) <= 1e-6 * std::max(1.0, k);
    });
    if (fits) return 1 / n;
  }
  return NAN;
}

PickLimit pick_limit(double best, const std::vector<double>& errors, double tolerance) {
  const auto percent = [](double t) { return fmt::format("{:.3g}%", 100 * t); };
  if (!std::isnan(tolerance))
    return {best + tolerance * std::fabs(best),
            "within " + percent(tolerance) + " of the best error (analysis.tolerance)"};
  constexpr double kDefault = 0.1;
  const double step = error_resolution(errors);
  const double p = std::clamp(best, 0.0, 1.0);
  const double noise = std::isnan(step) ? 0 : std::max(step, std::sqrt(p * (1 - p) * step));
  if (noise > kDefault * std::fabs(best))
    return {best + noise,
            fmt::format("within one standard error of the best error as a rate on {} samples "
                        "({:.2g}); analysis.tolerance sets a fraction instead",
                        std::lround(1 / step), noise)};
  return {best + kDefault * std::fabs(best), "within 10% of the best error (analysis.tolerance)"};
}

}  // namespace hsicho::study
