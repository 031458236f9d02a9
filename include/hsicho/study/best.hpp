// The network a study recommends, by one rule for every command that names it (run's summary,
// the study file, report, status, export): the lowest mean validation error over the seeds of the
// final retraining when an optimization has one, else the lowest validation error of a
// successful training of the sampled stages.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "hsicho/io/study_file.hpp"
#include "hsicho/record.hpp"

namespace hsicho::study {

struct Trained {
  std::size_t id = 0;  // its configuration index in the study
  const Record* record = nullptr;
  std::optional<std::size_t> retrains;  // a final retraining: the configuration it retrains
};

// `values` is left empty: the caller names the configuration. nullopt when nothing succeeded.
std::optional<io::Best> pick_best(const std::vector<Trained>& trained);

// The pick (docs/optimize.md): the cheapest configuration whose error is within a tolerance of
// the best's. With a final retraining, among its configurations, the tolerance being the spread
// of the best's seeds (their standard deviation) when it has two or more; else, among the
// successful trainings, `tolerance` x |best error|. The cost is study/front.hpp's cost_of.
struct Pick {
  io::Best chosen;   // values left empty, as pick_best's
  double limit = 0;  // the error it had to be within
  std::string rule;  // how the limit was set, in words
};
std::optional<Pick> pick_cheapest(const std::vector<Trained>& trained, const std::string& cost,
                                  double tolerance);

// The error a pick must be within, without seeds to measure the noise: `tolerance` x |best| when
// the user set analysis.tolerance; unset (NaN), the larger of 10% and the noise of the best
// error where the errors show it: errors that are all whole multiples of one step 1/N are error
// rates on N validation samples, whose standard error is sqrt(p (1 - p) / N) (one sample's
// weight, 1/N, at p = 0). A 10% tolerance of a best error of 0.011 on 359 samples (0.0011) is
// below what one sample changes (0.0028), so it could only pick the best itself.
struct PickLimit {
  double limit = 0;
  std::string rule;
};
PickLimit pick_limit(double best, const std::vector<double>& errors, double tolerance);

// 1/N when every finite error is a whole multiple of 1/N for one N <= 10^7 (N the smallest that
// fits, found from the gaps between distinct errors, at least 3 of them), else NaN.
double error_resolution(const std::vector<double>& errors);

}  // namespace hsicho::study
