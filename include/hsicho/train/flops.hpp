// The inference cost of a built-in network: floating-point operations per sample, counted from
// its architecture (no LibTorch): 2 per multiply-accumulate of its Linear and Conv2d layers (the
// weights'; biases, activations, normalization and pooling are left out: they are a few percent
// of the products). The cost the accuracy-cost front may use (analysis.cost: flops).
#pragma once

#include <cstdint>
#include <vector>

#include "hsicho/train/spec.hpp"

namespace hsicho::train {

// `input_shape`: a row's shape (features, or channels x height x width); `outputs`: the network's.
std::int64_t inference_flops(const ModelSpec& model, const std::vector<int>& input_shape,
                             int outputs);

}  // namespace hsicho::train
