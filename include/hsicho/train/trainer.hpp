// Training one configuration. The API is plain C++; LibTorch stays inside src/train.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "hsicho/train/data.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::train {

struct Result {
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

// Never throws for what goes wrong inside a training (divergence, out of memory, a LibTorch
// error): those come back as a Result with status diverged or failed. Throws InputError when the
// requested device cannot exist here (device: cuda without a CUDA device).
Result train_one(const TrainSpec& spec, const DataSet& data, int local_rank = 0);

// Trainable parameters of the network a spec builds for this data set.
std::int64_t count_parameters(const ModelSpec& model, const DataSet& data);

// The device a rank uses: "cpu", or "cuda:K" with K = local_rank mod (number of GPUs).
std::string choose_device(const std::string& requested, int local_rank);

// The node-local rank from the launcher's environment (Open MPI, Slurm, MPICH), else 0.
int local_rank_from_environment();

}  // namespace hsicho::train
