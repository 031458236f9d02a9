// The optimizers of torch::optim (sgd with momentum and nesterov, adam, adamw, rmsprop) as
// in-place updates of rows of a fused group's flat parameters: each member's own optimizer, rate
// and settings, as columns [G, 1]. The formulas are LibTorch's (tests/train/test_fused.cpp checks
// each member against the plain trainer).
#pragma once

#include <torch/torch.h>

#include "hsicho/train/choices.hpp"

namespace hsicho::train {

// The members' settings for one step, rows of the run being updated.
struct StepSettings {
  torch::Tensor rate, weight_decay, momentum, nesterov;  // [rows, 1]; nesterov: bool
  bool any_decay = false;                                // a weight decay anywhere in the group
  long step = 1;                                         // 1-based: Adam's bias correction
  // Members whose counts differ (one continued after a pause beside others): each row's own
  // count, [rows, 1] in the value's dtype, computed in double as the scalar is; undefined: `step`.
  torch::Tensor steps;
};

// Updates `value` (rows of the flat parameters) from `grad`; the states it needs (Adam's two
// averages; RMSprop's average and buffer; SGD's momentum buffer) are made when undefined.
void optimizer_step(Optimizer kind, torch::Tensor& value, torch::Tensor grad, const StepSettings& s,
                    torch::Tensor& avg, torch::Tensor& avg_sq, torch::Tensor& buffer);

}  // namespace hsicho::train
