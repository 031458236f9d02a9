// The training choices a deck names (activation, optimizer, loss, schedule, metric, init,
// pooling, model type), each parsed once into an enum where the deck is read (train::resolve)
// and dispatched by `switch` (-Wswitch names any case a new value leaves out). The names are
// those of the deck-key table (space/keys.cpp); a unit test checks that every name there parses
// here and back, so the two lists cannot drift. Plain C++: every layer may include it.
#pragma once

#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hsicho::train {

enum class ModelType { Mlp, Cnn };
enum class Activation { Relu, Tanh, Sigmoid, Elu, Gelu, Silu };
enum class Init { Default, Xavier, Kaiming };
enum class Pooling { Max, Avg, None };
enum class Optimizer { Sgd, Adam, Adamw, Rmsprop };
enum class Schedule { Constant, Step, Cosine };
enum class Loss { Mse, Mae, Huber, CrossEntropy };
enum class Metric { Mse, Mae, RelativeL2 };  // a regression's error

// The deck's name of a value.
std::string_view name(ModelType v);
std::string_view name(Activation v);
std::string_view name(Init v);
std::string_view name(Pooling v);
std::string_view name(Optimizer v);
std::string_view name(Schedule v);
std::string_view name(Loss v);
std::string_view name(Metric v);

// Printed by its name (test messages, logs).
template <class E, class = decltype(name(std::declval<E>()))>
std::ostream& operator<<(std::ostream& out, E value) {
  return out << name(value);
}

// Every value of E, in declaration order.
template <class E>
const std::vector<E>& all_choices();
template <>
const std::vector<ModelType>& all_choices();
template <>
const std::vector<Activation>& all_choices();
template <>
const std::vector<Init>& all_choices();
template <>
const std::vector<Pooling>& all_choices();
template <>
const std::vector<Optimizer>& all_choices();
template <>
const std::vector<Schedule>& all_choices();
template <>
const std::vector<Loss>& all_choices();
template <>
const std::vector<Metric>& all_choices();

// The value named `text`; std::invalid_argument naming the choices otherwise (the deck's reader
// has refused an unknown name before, with its line: this is the last line of defence).
template <class E>
E parse_choice(std::string_view text) {
  for (E v : all_choices<E>()) {
    if (name(v) == text) return v;
  }
  std::string names;
  for (E v : all_choices<E>())
    names += (names.empty() ? "" : ", ") + std::string(name(v));
  throw std::invalid_argument("'" + std::string(text) + "' is not one of " + names);
}

}  // namespace hsicho::train
