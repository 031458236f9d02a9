// Each member of a fused group keeps its own activation: its rows (members are contiguous rows of
// every tensor) go through it, in one autograd node whose forward and backward use the kernels
// autograd uses for the activation alone (values and gradients those of the network alone),
// without the full-size zero tensors that slicing a tensor costs in backward.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "hsicho/train/choices.hpp"

namespace hsicho::train {

// Adjacent rows that share a setting (an activation, an optimizer).
template <class E>
struct Run {
  E value;
  long start = 0, length = 0;
};
template <class E>
std::vector<Run<E>> runs_of(const std::vector<E>& per_row) {
  std::vector<Run<E>> runs;
  for (std::size_t k = 0; k < per_row.size(); ++k) {
    if (runs.empty() || runs.back().value != per_row[k])
      runs.push_back({per_row[k], static_cast<long>(k), 0});
    ++runs.back().length;
  }
  return runs;
}

// One activation on all of h.
torch::Tensor activate(Activation a, const torch::Tensor& h);

// Each run's activation on its rows of h (rows of members, first dimension): the runs as an
// autograd node keeps them (kind, first row, rows), made once per change of the group.
std::vector<std::int64_t> encode(const std::vector<Run<Activation>>& runs);
torch::Tensor activate_runs(const torch::Tensor& h, const std::vector<std::int64_t>& code);

}  // namespace hsicho::train
