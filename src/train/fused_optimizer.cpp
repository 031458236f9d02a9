#include "fused_optimizer.hpp"

#include <cmath>

namespace hsicho::train {

void optimizer_step(Optimizer kind, torch::Tensor& value, torch::Tensor grad, const StepSettings& s,
                    torch::Tensor& avg, torch::Tensor& avg_sq, torch::Tensor& buffer) {
  switch (kind) {
    case Optimizer::Adam:
    case Optimizer::Adamw: {
      if (!avg.defined()) avg = torch::zeros_like(value);
      if (!avg_sq.defined()) avg_sq = torch::zeros_like(value);
      // Adam: L2 decay into the gradient; AdamW: decoupled decay of the weights.
      if (kind == Optimizer::Adamw) {
        if (s.any_decay) value.mul_(1 - s.rate * s.weight_decay);
      } else if (s.any_decay) {
        grad = grad + s.weight_decay * value;
      }
      avg.mul_(0.9).add_(grad, 1 - 0.9);
      avg_sq.mul_(0.999).addcmul_(grad, grad, 1 - 0.999);
      if (s.steps.defined()) {
        // Per row: 1 - beta^step in double, then the value's dtype (as a scalar is converted).
        const auto steps = s.steps.to(torch::kFloat64);
        const auto bias1 = (1 - torch::pow(0.9, steps)).to(value.scalar_type());
        const auto root2 = (1 - torch::pow(0.999, steps)).sqrt().to(value.scalar_type());
        const auto denom = (avg_sq.sqrt() / root2).add_(1e-8);
        value.sub_(avg / denom * (s.rate / bias1));
        return;
      }
      const double bias1 = 1 - std::pow(0.9, s.step), bias2 = 1 - std::pow(0.999, s.step);
      const auto denom = (avg_sq.sqrt() / std::sqrt(bias2)).add_(1e-8);
      value.sub_(avg / denom * (s.rate / bias1));
      return;
    }
    case Optimizer::Rmsprop:
      // RMSprop: alpha 0.99, eps 1e-8; with momentum 0 the buffer is the step itself.
      if (!avg_sq.defined()) avg_sq = torch::zeros_like(value);
      if (!buffer.defined()) buffer = torch::zeros_like(value);
      if (s.any_decay) grad = grad + s.weight_decay * value;
      avg_sq.mul_(0.99).addcmul_(grad, grad, 1 - 0.99);
      buffer.mul_(s.momentum).add_(grad / avg_sq.sqrt().add_(1e-8));
      value.sub_(s.rate * buffer);
      return;
    case Optimizer::Sgd:
      // SGD, dampening 0: the buffer starts as the first gradient; momentum 0 makes it the
      // gradient itself.
      if (!buffer.defined()) buffer = torch::zeros_like(value);
      if (s.any_decay) grad = grad + s.weight_decay * value;
      buffer.mul_(s.momentum).add_(grad);
      value.sub_(s.rate * torch::where(s.nesterov, grad + s.momentum * buffer, buffer));
      return;
  }
}

}  // namespace hsicho::train
