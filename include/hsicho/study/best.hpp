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
  std::size_t id = 0;                    // its configuration index in the study
  const Record* record = nullptr;
  std::optional<std::size_t> retrains;  // a final retraining: the configuration it retrains
};

// `values` is left empty: the caller names the configuration. nullopt when nothing succeeded.
std::optional<io::Best> pick_best(const std::vector<Trained>& trained);

}  // namespace hsicho::study
