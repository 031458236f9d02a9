#include "member_activation.hpp"

namespace hsicho::train {
namespace {

struct RunActivation : public torch::autograd::Function<RunActivation> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& h,
                               const std::vector<std::int64_t>& runs) {
    torch::Tensor y = torch::empty_like(h);
    for (std::size_t k = 0; k < runs.size(); k += 3) {
      const auto in = h.narrow(0, runs[k + 1], runs[k + 2]);
      auto out = y.narrow(0, runs[k + 1], runs[k + 2]);
      switch (static_cast<Activation>(runs[k])) {
        case Activation::Relu:
          at::clamp_min_out(out, in, 0);
          break;
        case Activation::Tanh:
          at::tanh_out(out, in);
          break;
        case Activation::Sigmoid:
          at::sigmoid_out(out, in);
          break;
        case Activation::Elu:
          at::elu_out(out, in);
          break;
        case Activation::Gelu:
          at::gelu_out(out, in);
          break;
        case Activation::Silu:
          at::silu_out(out, in);
          break;
      }
    }
    ctx->save_for_backward({h, y});
    ctx->saved_data["runs"] = runs;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &h = saved[0], &y = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor dh = torch::empty_like(h);
    const auto runs = ctx->saved_data["runs"].toIntVector();
    for (std::size_t k = 0; k < runs.size(); k += 3) {
      const auto first = runs[k + 1], rows = runs[k + 2];
      const auto gr = g.narrow(0, first, rows), in = h.narrow(0, first, rows),
                 out = y.narrow(0, first, rows);
      auto d = dh.narrow(0, first, rows);
      // The derivatives of tools/autograd/derivatives.yaml, on the run's rows.
      switch (static_cast<Activation>(runs[k])) {
        case Activation::Relu:
          at::threshold_backward_out(d, gr, out, 0);
          break;
        case Activation::Tanh:
          at::tanh_backward_out(d, gr, out);
          break;
        case Activation::Sigmoid:
          at::sigmoid_backward_out(d, gr, out);
          break;
        case Activation::Elu:
          at::elu_backward_out(d, gr, 1, 1, 1, false, in);
          break;
        case Activation::Gelu:
          at::gelu_backward_out(d, gr, in);
          break;
        case Activation::Silu:
          at::silu_backward_out(d, gr, in);
          break;
      }
    }
    return {dh, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor activate(Activation a, const torch::Tensor& h) {
  switch (a) {
    case Activation::Relu:
      return torch::relu(h);
    case Activation::Tanh:
      return torch::tanh(h);
    case Activation::Sigmoid:
      return torch::sigmoid(h);
    case Activation::Elu:
      return torch::elu(h);
    case Activation::Gelu:
      return torch::gelu(h);
    case Activation::Silu:
      break;
  }
  return torch::silu(h);
}

std::vector<std::int64_t> encode(const std::vector<Run<Activation>>& runs) {
  std::vector<std::int64_t> code;
  for (const auto& r : runs)
    code.insert(code.end(), {static_cast<std::int64_t>(r.value), r.start, r.length});
  return code;
}

torch::Tensor activate_runs(const torch::Tensor& h, const std::vector<std::int64_t>& code) {
  return RunActivation::apply(h.contiguous(), code);
}

}  // namespace hsicho::train
