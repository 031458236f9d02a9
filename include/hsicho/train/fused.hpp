// Fused training: a group of small MLPs of one family trained as one computation (batched matrix
// products over the group), so that the per-operation overhead of tiny networks (dispatch,
// autograd, optimizer steps, kernel launches) is paid once per group instead of once per network
// (docs/architecture.md "Fused training"). Plain C++ here: LibTorch stays inside src/train.
//
// What stays each network's own: its widths (padded to the group's widths per layer with units
// whose weights are held at exactly zero), its activation, optimizer (sgd with momentum and
// nesterov, adam, adamw, rmsprop) and their settings, learning rate and schedule, gradient
// clipping, epochs, patience, initialization (its own seed, built exactly as alone) and data
// order (its own generator, the stream it would draw alone). What a group shares: the data set,
// the batch size, the depth, the loss, the device.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "hsicho/record.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/fusion_plan.hpp"
#include "hsicho/train/spec.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::train {

struct GroupHooks {
  // After each epoch of a member still training: as Hooks::after_epoch (its index in `specs`),
  // called for the members in the order of Group::members; a member that ends without it
  // (divergence, patience) is `finished` before the others' calls of that epoch.
  std::function<AfterEpoch(std::size_t member, int epoch, double val_error)> after_epoch;
  // Polled between batches: true interrupts the group (no result for the unfinished members).
  std::function<bool()> interrupted;
  // A member's result, as soon as it ends (its epochs, patience, a stop, divergence), so that a
  // killed group loses only the members still training.
  std::function<void(std::size_t member, Result result)> finished;
  // Successive halving (Pausing, trainer.hpp): how each member pauses or continues (none: trains
  // to its end), and a member paused after its pause epoch, with its result so far (test error
  // of its best weights measured). Continued members start at their pause's epoch; a group's
  // members continue from the same epoch.
  std::function<Pausing(std::size_t member)> pausing;
  std::function<void(std::size_t member, Result at_pause)> paused;
};

// Trains specs[k] for k in `members` as one computation, hidden layers padded to `widths`.
// Returns false when interrupted. Never throws for what goes wrong inside a training (those are
// failed or diverged results); InputError for a device that cannot exist here; what a hook throws
// (a fault of the run: the journal, the rung log) leaves as thrown, the members still training
// without a result. `double_precision`
// is for tests (the masking is exact there to rounding).
bool train_group(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
                 int local_rank, const GroupHooks& hooks, bool double_precision = false);

}  // namespace hsicho::train
