#include "hsicho/study/best.hpp"

#include <cmath>
#include <algorithm>
#include <utility>

namespace hsicho::study {

std::optional<io::Best> pick_best(const std::vector<Trained>& trained) {
  // The final retraining's groups, configuration and its seeds' records, in the order of their
  // first training (the retraining's order: best first), which decides ties.
  std::vector<std::pair<std::size_t, std::vector<const Record*>>> groups;
  for (const auto& t : trained) {
    if (!t.retrains) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == *t.retrains; });
    if (it == groups.end()) it = groups.insert(groups.end(), {*t.retrains, {}});
    it->second.push_back(t.record);
  }
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

}  // namespace hsicho::study
