// What one training produces: the record that the trainer (or, later, an external command)
// fills, and that the journal, the study file, the CSV export and eval's JSON store. Plain
// types only: every layer may include it (the trainer's LibTorch stays behind train/).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace hsicho {

struct Record {
  std::string status = "ok";                                     // ok | diverged | failed
  std::string message;                                           // why, when not ok
  double val_error = std::numeric_limits<double>::infinity();    // MSE, or error rate
  double test_error = std::numeric_limits<double>::infinity();   // at the best validation epoch
  double val_rel_l2 = std::numeric_limits<double>::quiet_NaN();  // regression: |pred - y| / |y|
  double test_rel_l2 = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> curve;  // validation error after each epoch
  int epochs = 0;             // epochs run
  int best_epoch = 0;
  double seconds = 0;  // training time (data loading excluded)
  std::int64_t parameters = 0;
  std::uint64_t seed = 0;
  std::string device;
};

}  // namespace hsicho
