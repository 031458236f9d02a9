// Training one configuration. The API is plain C++; LibTorch stays inside src/train.
#pragma once

#include <cstdint>
#include <limits>
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

// Trainable parameters of the network a spec builds for this data set.
std::int64_t count_parameters(const ModelSpec& model, const DataSet& data);

// The device a rank uses: "cpu", or "cuda:K" with K = local_rank mod (number of GPUs).
std::string choose_device(const std::string& requested, int local_rank);

}  // namespace hsicho::train
