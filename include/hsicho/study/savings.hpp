// What early stopping saved (docs/early_stopping.md): the epochs the trainings ran against what
// they would have run to their last epoch (a training stopped at a rung would have run its planned
// epochs: the built-in trainer knows them; for a command, the median epochs of the trainings that
// finished), and the seconds they took. Seconds are only what was measured: a stopped training's
// pace over its first epochs (start-up, a first epoch slower than the rest) says little about
// the time of the epochs it did not run, so no full-study time is estimated.
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
  double seconds_run = 0;  // training seconds, as measured

  // "stopped early: 40 of 64 trainings (after epoch 3: 25, 9: 15); 1207 of 3840 epochs (31%);
  // 45 s of training": one line; "" when nothing stopped.
  std::string text(std::size_t trainings) const;
};

Savings savings_of(const std::vector<const Record*>& records);

}  // namespace hsicho::study
