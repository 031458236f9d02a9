#include "hsicho/train/choices.hpp"

namespace hsicho::train {

std::string_view name(ModelType v) {
  switch (v) {
    case ModelType::Mlp:
      return "mlp";
    case ModelType::Cnn:
      return "cnn";
  }
  return "?";
}

std::string_view name(Activation v) {
  switch (v) {
    case Activation::Relu:
      return "relu";
    case Activation::Tanh:
      return "tanh";
    case Activation::Sigmoid:
      return "sigmoid";
    case Activation::Elu:
      return "elu";
    case Activation::Gelu:
      return "gelu";
    case Activation::Silu:
      return "silu";
  }
  return "?";
}

std::string_view name(Init v) {
  switch (v) {
    case Init::Default:
      return "default";
    case Init::Xavier:
      return "xavier";
    case Init::Kaiming:
      return "kaiming";
  }
  return "?";
}

std::string_view name(Pooling v) {
  switch (v) {
    case Pooling::Max:
      return "max";
    case Pooling::Avg:
      return "avg";
    case Pooling::None:
      return "none";
  }
  return "?";
}

std::string_view name(Optimizer v) {
  switch (v) {
    case Optimizer::Sgd:
      return "sgd";
    case Optimizer::Adam:
      return "adam";
    case Optimizer::Adamw:
      return "adamw";
    case Optimizer::Rmsprop:
      return "rmsprop";
  }
  return "?";
}

std::string_view name(Schedule v) {
  switch (v) {
    case Schedule::Constant:
      return "constant";
    case Schedule::Step:
      return "step";
    case Schedule::Cosine:
      return "cosine";
  }
  return "?";
}

std::string_view name(Loss v) {
  switch (v) {
    case Loss::Mse:
      return "mse";
    case Loss::Mae:
      return "mae";
    case Loss::Huber:
      return "huber";
    case Loss::CrossEntropy:
      return "cross_entropy";
  }
  return "?";
}

std::string_view name(Metric v) {
  switch (v) {
    case Metric::Mse:
      return "mse";
    case Metric::Mae:
      return "mae";
    case Metric::RelativeL2:
      return "relative_l2";
  }
  return "?";
}

template <>
const std::vector<ModelType>& all_choices() {
  static const std::vector<ModelType> v = {ModelType::Mlp, ModelType::Cnn};
  return v;
}
template <>
const std::vector<Activation>& all_choices() {
  static const std::vector<Activation> v = {Activation::Relu, Activation::Tanh, Activation::Sigmoid,
                                            Activation::Elu,  Activation::Gelu, Activation::Silu};
  return v;
}
template <>
const std::vector<Init>& all_choices() {
  static const std::vector<Init> v = {Init::Default, Init::Xavier, Init::Kaiming};
  return v;
}
template <>
const std::vector<Pooling>& all_choices() {
  static const std::vector<Pooling> v = {Pooling::Max, Pooling::Avg, Pooling::None};
  return v;
}
template <>
const std::vector<Optimizer>& all_choices() {
  static const std::vector<Optimizer> v = {Optimizer::Sgd, Optimizer::Adam, Optimizer::Adamw,
                                           Optimizer::Rmsprop};
  return v;
}
template <>
const std::vector<Schedule>& all_choices() {
  static const std::vector<Schedule> v = {Schedule::Constant, Schedule::Step, Schedule::Cosine};
  return v;
}
template <>
const std::vector<Loss>& all_choices() {
  static const std::vector<Loss> v = {Loss::Mse, Loss::Mae, Loss::Huber, Loss::CrossEntropy};
  return v;
}
template <>
const std::vector<Metric>& all_choices() {
  static const std::vector<Metric> v = {Metric::Mse, Metric::Mae, Metric::RelativeL2};
  return v;
}

}  // namespace hsicho::train
