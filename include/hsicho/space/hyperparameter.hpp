// One hyperparameter: its type, its bounds or values, an optional activation condition, and the
// map between its values and the unit interval.
//
// The same map serves sampling and HSIC. Every type is sent to a variable that is uniform on
// [0, 1] when the hyperparameter is sampled uniformly in its own scale (linear, logarithmic, or
// one bin per discrete level), so one kernel bandwidth fits all inputs and indices are
// comparable (PAPER.md, "Normalization"). A discrete level owns a bin [edge(j), edge(j+1)); its
// normalized value is a jittered point inside that bin.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/error.hpp"
#include "hsicho/space/value.hpp"

namespace hsicho::space {

enum class Type { Continuous, Log, Integer, Categorical, Boolean, Fixed };

const char* type_name(Type t);

// "child is active when <parent> <op> <operands>", e.g. "n_layers >= 3", "optimizer == sgd",
// "optimizer in [sgd, rmsprop]".
struct Condition {
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge, In };
  std::string parent;
  std::size_t parent_index = 0;  // resolved by Space::finalize
  Op op = Op::Eq;
  std::vector<std::string> operand_texts;  // as written; typed by Space::finalize
  std::vector<Value> operands;             // one, or several for In
  std::string text;                        // as written, for messages
  SourceMark mark;

  bool holds(const Value& parent_value) const;
};

class Hyperparameter {
 public:
  std::string name;
  Type type = Type::Continuous;
  double lo = 0, hi = 1;          // Continuous, Log, Integer
  bool log_scale = false;         // Integer sampled on a log scale
  std::vector<Value> categories;  // Categorical; Boolean holds {false, true}
  Value fixed_value = 0.0;        // Fixed
  std::optional<Value> default_value;
  std::optional<Condition> condition;
  SourceMark mark;
  // Set by the optimizer when a frozen parent leaves this child inactive in every configuration.
  bool never_active = false;

  // A design column exists for every type but Fixed (and for no child that is never active).
  bool is_free() const { return type != Type::Fixed && !never_active; }
  // Number of discrete levels (0 for Continuous, Log and Fixed).
  std::size_t levels() const;
  // Lower edge of the bin of discrete level j in [0, 1]; edge(levels()) == 1.
  double edge(std::size_t j) const;
  // The discrete level a value stands for; throws InputError if it is not a value of this space.
  std::size_t level_of(const Value& v) const;
  Value level_value(std::size_t j) const;

  // Unit interval -> value. u outside [0, 1] is clipped.
  Value value_at(double u) const;
  // Value -> unit interval (the HSIC normalization). Discrete levels land at
  // edge(j) + jitter * (edge(j+1) - edge(j)); jitter in [0, 1) is ignored by continuous types.
  double unit_of(const Value& v, double jitter) const;

  bool contains(const Value& v) const;
  // Reads a value typed by a user (--set, CSV); throws InputError naming this hyperparameter.
  Value parse(const std::string& text) const;
  // "[1e-4, 0.1] (log)", "{relu, tanh}", ... for messages and reports.
  std::string describe_domain() const;
};

}  // namespace hsicho::space
