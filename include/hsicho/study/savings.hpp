// What early stopping saved (docs/early_stopping.md): the epochs and seconds the trainings ran
// against what they would have run to their last epoch. A training stopped at a rung would have
// run its planned epochs (the built-in trainer knows them; for a command, the median epochs of
// the trainings that finished), at the pace it had.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hsicho/record.hpp"

namespace hsicho::study {

struct Savings {
  std::size_t stopped = 0;
  std::map<int, std::size_t> stopped_at;  // epoch -> how many stopped after it
  double epochs_run = 0, epochs_full = 0;
  double seconds_run = 0, seconds_full = 0;  // training seconds; the unstopped ones estimated

  // "stopped early: 40 of 64 trainings (after epoch 3: 25, 9: 15); 1 207 of 3 840 epochs
  // (31%), 45 of ~140 s of training": one line; "" when nothing stopped.
  std::string text(std::size_t trainings) const;
};

Savings savings_of(const std::vector<const Record*>& records);

}  // namespace hsicho::study
