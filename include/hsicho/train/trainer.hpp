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

// Successive halving (issue 40): a training paused after an epoch and continued later, in this
// process or another, from where it stopped: weights, the best epoch's weights, the optimizer's
// state, the random generator's state (batch order, dropout) and the curve so far are written to
// `state_file` (atomically). Continued, it trains exactly as one that never paused (the same
// curve and result, bit for bit, whatever ran in between).
struct Pausing {
  int pause_after = 0;         // pause after this epoch (0, or at least the last epoch: never)
  std::string state_file;      // where the paused state is written (and read to continue)
  bool continue_from = false;  // start from a paused state, not from epoch 0
  // The state continued from, when not state_file: successive halving keeps one file per rung,
  // so that a kill between writing a rung's state and recording it loses nothing.
  std::string from_file;
  const std::string& source() const { return from_file.empty() ? state_file : from_file; }
};
struct PausableResult {
  std::optional<Result> result;  // nullopt: paused, or interrupted
  bool paused = false;
  // Paused: the training so far, as the result it would be if it ended at the pause (epochs, the
  // best validation error and its epoch, the curve, the test error of the best epoch's weights,
  // the seconds so far).
  Result at_pause;
};
// The same as train_one with hooks, pausing as asked. A state file that does not read (missing,
// damaged, of another spec) throws RuntimeError: the run's fault, not the training's.
PausableResult train_pausable(const TrainSpec& spec, const DataSet& data, int local_rank,
                              const Hooks& hooks, const Pausing& pausing);

// Trainable parameters of the network a spec builds for this data set.
std::int64_t count_parameters(const ModelSpec& model, const DataSet& data);

// The device a rank uses: "cpu", or "cuda:K" with K = local_rank mod (number of GPUs).
std::string choose_device(const std::string& requested, int local_rank);

}  // namespace hsicho::train
