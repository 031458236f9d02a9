#include "model.hpp"

#include "hsicho/error.hpp"

namespace hsicho::train {
namespace {

torch::nn::AnyModule activation(Activation a) {
  switch (a) {
    case Activation::Relu:
      return torch::nn::AnyModule(torch::nn::ReLU());
    case Activation::Tanh:
      return torch::nn::AnyModule(torch::nn::Tanh());
    case Activation::Sigmoid:
      return torch::nn::AnyModule(torch::nn::Sigmoid());
    case Activation::Elu:
      return torch::nn::AnyModule(torch::nn::ELU());
    case Activation::Gelu:
      return torch::nn::AnyModule(torch::nn::GELU());
    case Activation::Silu:
      break;
  }
  return torch::nn::AnyModule(torch::nn::SiLU());
}

// conv - bn - act - conv - bn, plus the input (1x1 convolution when the channels change), - act.
struct ResidualBlockImpl : torch::nn::Module {
  ResidualBlockImpl(int in, int out, int kernel, bool bn, Activation act) {
    conv1 = register_module(
        "conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2)));
    conv2 = register_module(
        "conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, kernel).padding(kernel / 2)));
    if (bn) {
      bn1 = register_module("bn1", torch::nn::BatchNorm2d(out));
      bn2 = register_module("bn2", torch::nn::BatchNorm2d(out));
    }
    if (in != out)
      skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
    act1 = activation(act);
    act2 = activation(act);
    register_module("act1", act1.ptr());
    register_module("act2", act2.ptr());
  }
  torch::Tensor forward(torch::Tensor x) {
    auto y = conv1(x);
    if (bn1) y = bn1(y);
    y = act1.forward(y);
    y = conv2(y);
    if (bn2) y = bn2(y);
    return act2.forward(y + (skip ? skip(x) : x));
  }
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::AnyModule act1, act2;
};
TORCH_MODULE(ResidualBlock);

void initialize(torch::nn::Module& m, Init init) {
  if (init == Init::Default) return;
  torch::NoGradGuard guard;
  for (auto& p : m.named_parameters()) {
    const bool weight = p.key().find("weight") != std::string::npos && p.value().dim() >= 2;
    if (weight) {
      if (init == Init::Xavier) torch::nn::init::xavier_uniform_(p.value());
      if (init == Init::Kaiming)
        torch::nn::init::kaiming_uniform_(p.value(), 0, torch::kFanIn, torch::kReLU);
    } else if (p.key().find("bias") != std::string::npos) {
      p.value().zero_();
    }
  }
}

}  // namespace

torch::nn::Sequential build_model(const ModelSpec& s, const std::vector<int>& shape, int outputs) {
  torch::nn::Sequential net;
  if (s.type == ModelType::Mlp) {
    std::int64_t in = 1;
    for (int v : shape)
      in *= v;
    if (shape.size() > 1) net->push_back(torch::nn::Flatten());
    for (int k = 0; k < s.layers; ++k) {
      const int width = s.units[static_cast<std::size_t>(k)];
      net->push_back(torch::nn::Linear(in, width));
      if (s.batch_norm) net->push_back(torch::nn::BatchNorm1d(width));
      net->push_back(activation(s.activation));
      if (s.dropout > 0) net->push_back(torch::nn::Dropout(s.dropout));
      in = width;
    }
    net->push_back(torch::nn::Linear(in, outputs));
  } else {
    int channels = shape.at(0), h = shape.at(1), w = shape.at(2);
    for (int b = 0; b < s.layers; ++b) {
      const int f = s.filters[static_cast<std::size_t>(b)];
      if (s.residual) {
        net->push_back(ResidualBlock(channels, f, s.kernel_size, s.batch_norm, s.activation));
      } else {
        net->push_back(torch::nn::Conv2d(
            torch::nn::Conv2dOptions(channels, f, s.kernel_size).padding(s.kernel_size / 2)));
        if (s.batch_norm) net->push_back(torch::nn::BatchNorm2d(f));
        net->push_back(activation(s.activation));
      }
      channels = f;
      // An even kernel with padding k/2 grows the map by one pixel.
      if (s.kernel_size % 2 == 0) ++h, ++w;
      if (s.pooling != Pooling::None) {
        if (h < 2 || w < 2)
          throw InputError("the network pools a " + std::to_string(h) + "x" + std::to_string(w) +
                           " map: fewer blocks, or pooling: none");
        if (s.pooling == Pooling::Max) net->push_back(torch::nn::MaxPool2d(2));
        if (s.pooling == Pooling::Avg) net->push_back(torch::nn::AvgPool2d(2));
        h /= 2, w /= 2;
      }
    }
    net->push_back(torch::nn::Flatten());
    std::int64_t in = static_cast<std::int64_t>(channels) * h * w;
    for (int units : s.head_units) {
      net->push_back(torch::nn::Linear(in, units));
      net->push_back(activation(s.activation));
      if (s.dropout > 0) net->push_back(torch::nn::Dropout(s.dropout));
      in = units;
    }
    net->push_back(torch::nn::Linear(in, outputs));
  }
  initialize(*net, s.init);
  return net;
}

}  // namespace hsicho::train
