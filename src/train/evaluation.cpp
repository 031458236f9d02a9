#include "evaluation.hpp"

#include <cmath>

namespace hsicho::train {

DeviceSplit to_device(const Split& split, const DataSet& data, const torch::TensorOptions& options,
                      bool flat) {
  DeviceSplit t;
  t.rows = split.rows;
  std::vector<std::int64_t> shape = {split.rows};
  if (flat) {
    shape.push_back(split.rows > 0 ? static_cast<long>(split.x.size()) / split.rows : 0);
  } else {
    for (int v : data.input_shape)
      shape.push_back(v);
  }
  // from_blob reads the data set's own buffer: the copy to the device (or to another type) is
  // the one copy made.
  t.x = torch::from_blob(const_cast<float*>(split.x.data()), shape, torch::kFloat32).to(options);
  if (data.classification) {
    t.y =
        torch::from_blob(const_cast<std::int64_t*>(split.label.data()), {split.rows}, torch::kInt64)
            .to(options.device());
  } else {
    t.y = torch::from_blob(const_cast<float*>(split.y.data()), {split.rows, data.outputs},
                           torch::kFloat32)
              .to(options);
  }
  return t;
}

torch::Tensor batch_loss(Loss loss, const torch::Tensor& out, const torch::Tensor& y) {
  switch (loss) {
    case Loss::CrossEntropy:
      return torch::nn::functional::cross_entropy(out, y);
    case Loss::Mae:
      return torch::l1_loss(out, y);
    case Loss::Huber:
      return torch::huber_loss(out, y);
    case Loss::Mse:
      break;
  }
  return torch::mse_loss(out, y);
}

torch::Tensor member_losses(Loss loss, const torch::Tensor& out, const torch::Tensor& y) {
  const long g = out.size(0);
  switch (loss) {
    case Loss::CrossEntropy:
      return torch::nn::functional::cross_entropy(
                 out.reshape({-1, out.size(2)}), y.reshape({-1}),
                 torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone))
          .view({g, -1})
          .mean(1);
    case Loss::Mae:
      return (out - y).abs().flatten(1).mean(1);
    case Loss::Huber:
      return torch::huber_loss(out, y, at::Reduction::None).flatten(1).mean(1);
    case Loss::Mse:
      break;
  }
  return (out - y).pow(2).flatten(1).mean(1);
}

ErrorMeter::ErrorMeter(const DataSet& data, Metric metric, long networks, const torch::Tensor& like)
    : classification_(data.classification), metric_(metric), outputs_(data.outputs) {
  if (!data.y_scale.empty()) {
    const auto o = like.options();
    scale_ = torch::tensor(data.y_scale, torch::TensorOptions().dtype(torch::kFloat32)).to(o);
    offset_ = torch::tensor(data.y_offset, torch::TensorOptions().dtype(torch::kFloat32)).to(o);
  }
  const auto dbl = torch::TensorOptions().dtype(torch::kFloat64).device(like.device());
  sq_ = torch::zeros({networks}, dbl);
  abs_ = torch::zeros({networks}, dbl);
  wrong_ = torch::zeros({networks}, dbl);
}

void ErrorMeter::add(const torch::Tensor& out, torch::Tensor y) {
  rows_ += y.size(0);
  if (classification_) {
    wrong_ += out.argmax(2).ne(y.unsqueeze(0)).sum(1).to(torch::kFloat64);
    return;
  }
  auto diff = out - y.unsqueeze(0);
  if (scale_.defined()) diff = diff * scale_, y = y * scale_ + offset_;
  sq_ += diff.pow(2).flatten(1).sum(1).to(torch::kFloat64);
  if (metric_ == Metric::Mae) abs_ += diff.abs().flatten(1).sum(1).to(torch::kFloat64);
  ref_ += y.to(torch::kFloat64).pow(2).sum().item<double>();
}

std::vector<Errors> ErrorMeter::errors() const {
  std::vector<Errors> out;
  const auto sq = sq_.cpu(), abs = abs_.cpu(), wrong = wrong_.cpu();
  const double rows = static_cast<double>(rows_);
  for (long k = 0; k < sq.size(0); ++k) {
    if (classification_) {
      out.push_back({wrong[k].item<double>() / rows, std::nan("")});
      continue;
    }
    const double count = rows * static_cast<double>(outputs_);
    const double s = sq[k].item<double>();
    const double rel = ref_ > 0 ? std::sqrt(s / ref_) : std::nan("");
    double error = s / count;
    switch (metric_) {
      case Metric::Mae:
        error = abs[k].item<double>() / count;
        break;
      case Metric::RelativeL2:
        error = rel;
        break;
      case Metric::Mse:
        break;
    }
    out.push_back({error, rel});
  }
  return out;
}

}  // namespace hsicho::train
