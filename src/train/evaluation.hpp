// What both trainers measure, written once: a split moved to the device, the training loss of a
// batch (of one network, or of each member of a fused group) and the error of a split, for G
// networks at once (the plain trainer is G = 1). LibTorch inside src/train only.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "hsicho/train/choices.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {

struct DeviceSplit {
  torch::Tensor x;  // [rows, ...the data's shape], or [rows, features] when flat
  torch::Tensor y;  // [rows, outputs], or labels [rows] (int64)
  long rows = 0;
};
// Inputs and targets take `options`' type and device; `flat`: inputs as [rows, features] (fused
// MLPs), else in the data's shape (images stay channels x height x width).
DeviceSplit to_device(const Split& split, const DataSet& data, const torch::TensorOptions& options,
                      bool flat);

// The loss of one network's batch (out [rows, ...]): the mean over the batch.
torch::Tensor batch_loss(Loss loss, const torch::Tensor& out, const torch::Tensor& y);
// Each member's loss, [G], for outputs [G, rows, ...]: the mean over its batch, as alone.
torch::Tensor member_losses(Loss loss, const torch::Tensor& out, const torch::Tensor& y);

struct Errors {
  double error, rel_l2;  // rel_l2: NaN for classification
};

// The error a training is ranked by, accumulated batch by batch for G networks: the error rate
// for classification; for regression the mean squared (or absolute) error, or the relative L2
// error, in the data's own units (scaled targets are scaled back). Sums in float64 across
// batches, so memory stays that of one batch.
class ErrorMeter {
 public:
  ErrorMeter(const DataSet& data, Metric metric, long networks, const torch::Tensor& like);
  // out: [G, len, outputs] (logits [G, len, classes]); y: the batch's [len, outputs] or labels.
  void add(const torch::Tensor& out, torch::Tensor y);
  std::vector<Errors> errors() const;

 private:
  bool classification_;
  Metric metric_;
  long rows_ = 0, outputs_ = 1;
  torch::Tensor scale_, offset_, sq_, abs_, wrong_;
  double ref_ = 0;
};

}  // namespace hsicho::train
