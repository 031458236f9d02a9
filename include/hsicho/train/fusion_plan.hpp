// Which trainings may be fused and how they are grouped (docs/architecture.md "Fused training"):
// plain C++, no LibTorch, in the core library, so that the scheduler forms groups and the tests
// check them without the training engine.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hsicho/train/spec.hpp"

namespace hsicho::train {

// Whether a training can join a group: an MLP without dropout or batch normalization.
bool fusable(const TrainSpec& spec);

// Trainings of equal keys may share a group (with equal data sets: the caller's part).
std::string fuse_key(const TrainSpec& spec);

// A group: positions into the caller's specs, and the hidden widths every member is padded to.
struct Group {
  std::vector<std::size_t> members;
  std::vector<int> widths;
};

// Groups of at most `max_size` from `positions` (all fusable, one key, on data of `inputs`
// features and `outputs` outputs): runs of the members sorted by widest layer, cut where a
// measured cost model says fusing saves time (a padded group of wide and narrow networks can cost
// more than it saves; a group of one trains alone). The same for the same specs, whatever their
// order or what else runs.
std::vector<Group> form_groups(const std::vector<TrainSpec>& specs,
                               std::vector<std::size_t> positions, std::size_t max_size,
                               long inputs = 1, long outputs = 1);

// Multiply-adds of one sample's forward pass through an MLP of these hidden widths.
double forward_macs(long inputs, const std::vector<int>& widths, long outputs);

// What one optimizer step of these members costs fused (one member: alone), in nanoseconds, by
// the same cost model (members of one fusion key: one batch size).
double group_step_cost(const std::vector<TrainSpec>& specs, const std::vector<std::size_t>& members,
                       long inputs = 1, long outputs = 1);

// What one optimizer step of this training costs alone, in nanoseconds, by the cost model that
// forms the groups: a fused member's share of its group's time is in proportion to it.
double alone_step_cost(const TrainSpec& spec, long inputs, long outputs);

}  // namespace hsicho::train
