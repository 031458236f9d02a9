// Networks built from a ModelSpec (LibTorch inside; only src/train includes this).
#pragma once

#include <torch/torch.h>

#include "hsicho/train/data.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::train {

torch::nn::Sequential build_model(const ModelSpec& spec, const std::vector<int>& input_shape,
                                  int outputs);

}  // namespace hsicho::train
