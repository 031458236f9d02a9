#include "hsicho/study/best.hpp"

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
    p.limit = best->val_error + tolerance * std::fabs(best->val_error);
    p.rule = "within " + std::to_string(static_cast<int>(std::lround(100 * tolerance))) +
             "% of the best error (analysis.tolerance)";
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

}  // namespace hsicho::study
