#include "hsicho/space/hyperparameter.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include "hsicho/space/scalar.hpp"

namespace hsicho::space {

const char* type_name(Type t) {
  switch (t) {
    case Type::Continuous:
      return "continuous";
    case Type::Log:
      return "log";
    case Type::Integer:
      return "integer";
    case Type::Categorical:
      return "categorical";
    case Type::Boolean:
      return "boolean";
    case Type::Fixed:
      return "fixed";
  }
  return "?";
}

bool Condition::holds(const Value& v) const {
  switch (op) {
    case Op::Eq:
      return same_value(v, operands.at(0));
    case Op::Ne:
      return !same_value(v, operands.at(0));
    case Op::In:
      return std::any_of(operands.begin(), operands.end(),
                         [&](const Value& o) { return same_value(v, o); });
    default:
      break;
  }
  // Ordering: both sides were checked to be numbers when the condition was read.
  const double a = as_number(v), b = as_number(operands.at(0));
  switch (op) {
    case Op::Lt:
      return a < b;
    case Op::Le:
      return a <= b;
    case Op::Gt:
      return a > b;
    case Op::Ge:
      return a >= b;
    default:
      return false;
  }
}

std::size_t Hyperparameter::levels() const {
  switch (type) {
    case Type::Integer:
      return static_cast<std::size_t>(hi - lo) + 1;
    case Type::Categorical:
    case Type::Boolean:
      return categories.size();
    default:
      return 0;
  }
}

double Hyperparameter::edge(std::size_t j) const {
  const std::size_t k = levels();
  if (j >= k) return 1.0;
  if (type == Type::Integer && log_scale) {
    return (std::log(lo + static_cast<double>(j)) - std::log(lo)) /
           (std::log(hi + 1) - std::log(lo));
  }
  return static_cast<double>(j) / static_cast<double>(k);
}

Value Hyperparameter::level_value(std::size_t j) const {
  if (type == Type::Integer) return static_cast<std::int64_t>(lo) + static_cast<std::int64_t>(j);
  return categories.at(j);
}

// A whole number that an int64 holds (2^63 itself does not).
static bool is_whole(double x) {
  return std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 9.2233720368547758e18;
}

std::size_t Hyperparameter::level_of(const Value& v) const {
  if (type == Type::Integer) {
    if (is_number(v) && is_whole(as_number(v)) && as_number(v) >= lo && as_number(v) <= hi) {
      return static_cast<std::size_t>(as_number(v) - lo);
    }
  } else {
    for (std::size_t j = 0; j < categories.size(); ++j) {
      if (same_value(v, categories[j])) return j;
    }
  }
  throw InputError(
      mark, "value '" + to_text(v) + "' is not one of " + name + "'s values " + describe_domain());
}

Value Hyperparameter::value_at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  switch (type) {
    case Type::Continuous:
      return lo + u * (hi - lo);
    case Type::Log:
      return std::clamp(std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo))), lo, hi);
    case Type::Fixed:
      return fixed_value;
    default:
      break;
  }
  const std::size_t k = levels();
  // First guess from the inverse of the bin edges (linear or logarithmic), then step to the bin
  // whose edges hold u: exact whatever the rounding of the guess, and a step or two at most (a
  // linear guess for log bins once walked a billion levels, one at a time).
  double guess = std::floor(u * static_cast<double>(k));
  if (type == Type::Integer && log_scale)
    guess = std::floor(lo * std::exp(u * (std::log(hi + 1) - std::log(lo))) - lo);
  auto j = static_cast<std::size_t>(std::clamp(guess, 0.0, static_cast<double>(k - 1)));
  while (j > 0 && u < edge(j))
    --j;
  while (j + 1 < k && u >= edge(j + 1))
    ++j;
  return level_value(j);
}

double Hyperparameter::unit_of(const Value& v, double jitter) const {
  switch (type) {
    case Type::Continuous:
      return (as_number(v) - lo) / (hi - lo);
    case Type::Log:
      return (std::log(as_number(v)) - std::log(lo)) / (std::log(hi) - std::log(lo));
    case Type::Fixed:
      return 0.5;
    default:
      break;
  }
  const std::size_t j = level_of(v);
  const double a = edge(j), b = edge(j + 1);
  return a + jitter * (b - a);
}

bool Hyperparameter::contains(const Value& v) const {
  switch (type) {
    case Type::Continuous:
    case Type::Log:
      return is_number(v) && as_number(v) >= lo && as_number(v) <= hi;
    case Type::Fixed:
      return same_value(v, fixed_value);
    default:
      break;
  }
  try {
    level_of(v);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

// The deck's own scalar rules (space/scalar.hpp): --set, CSV cells and deck values agree.
using scalar::to_boolean;
using scalar::to_number;

Value Hyperparameter::parse(const std::string& text) const {
  std::optional<Value> v;
  auto typed_like = [&](const Value& example) -> std::optional<Value> {
    if (std::holds_alternative<std::string>(example)) return Value(text);
    if (std::holds_alternative<bool>(example)) {
      if (auto b = to_boolean(text)) return Value(*b);
      return std::nullopt;
    }
    if (auto x = to_number(text)) {
      if (std::holds_alternative<std::int64_t>(example) && is_whole(*x)) {
        return Value(static_cast<std::int64_t>(*x));
      }
      return Value(*x);
    }
    return std::nullopt;
  };
  switch (type) {
    case Type::Continuous:
    case Type::Log:
      if (auto x = to_number(text)) v = *x;
      break;
    case Type::Integer:
      if (auto x = to_number(text); x && is_whole(*x)) v = static_cast<std::int64_t>(*x);
      break;
    case Type::Boolean:
      if (auto b = to_boolean(text)) v = *b;
      break;
    case Type::Categorical:
      v = typed_like(categories.front());
      break;
    case Type::Fixed:
      v = typed_like(fixed_value);
      break;
  }
  if (!v || !contains(*v)) {
    throw InputError("value '" + text + "' for " + name + " is outside its domain: expected " +
                     std::string(type_name(type)) + " " + describe_domain());
  }
  return *v;
}

std::string Hyperparameter::describe_domain() const {
  auto list = [](const std::vector<Value>& values) {
    std::string s = "{";
    for (std::size_t i = 0; i < values.size(); ++i)
      s += (i ? ", " : "") + to_text(values[i]);
    return s + "}";
  };
  switch (type) {
    case Type::Continuous:
      return "[" + to_text(lo) + ", " + to_text(hi) + "]";
    case Type::Log:
      return "[" + to_text(lo) + ", " + to_text(hi) + "] (log scale)";
    case Type::Integer:
      return "[" + to_text(static_cast<std::int64_t>(lo)) + ", " +
             to_text(static_cast<std::int64_t>(hi)) + "]" + (log_scale ? " (log scale)" : "");
    case Type::Categorical:
    case Type::Boolean:
      return list(categories);
    case Type::Fixed:
      return "{" + to_text(fixed_value) + "}";
  }
  return "";
}

}  // namespace hsicho::space
