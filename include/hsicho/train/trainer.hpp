// Training one configuration. The API is plain C++; LibTorch stays inside src/train.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/record.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::train {

using Result = Record;  // hsicho/record.hpp

// Never throws for what goes wrong inside a training (divergence, out of memory, a LibTorch
// error): those come back as a Result with status diverged or failed. Throws InputError when the
// requested device cannot exist here (device: cuda without a CUDA device).
Result train_one(const TrainSpec& spec, const DataSet& data, int local_rank = 0);

// What a training does after an epoch: go on, or stop early with its result so far (a result
// of the study), or be interrupted (a stop signal: no result; it is trained again on resume).
enum class AfterEpoch { Continue, StopEarly, Interrupt };
struct Hooks {
  // After each epoch, with its number (1-based) and the best validation error so far.
  std::function<AfterEpoch(int epoch, double val_error)> after_epoch;
  // Polled between batches: true interrupts the training at once (a stop signal).
  std::function<bool()> interrupted;
};
// The same, watched by `hooks`; nullopt when interrupted. What a hook throws (the study layer's
// journal or rung log: a fault of the run) leaves as thrown, never as a failed result.
std::optional<Result> train_one(const TrainSpec& spec, const DataSet& data, int local_rank,
                                const Hooks& hooks);

// Trainable parameters of the network a spec builds for this data set.
std::int64_t count_parameters(const ModelSpec& model, const DataSet& data);

// The device a rank uses: "cpu", or "cuda:K" with K = local_rank mod (number of GPUs).
std::string choose_device(const std::string& requested, int local_rank);

}  // namespace hsicho::train
