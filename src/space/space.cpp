#include "hsicho/space/space.hpp"

#include <cmath>
#include <limits>

#include "hsicho/random.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::space {

void Space::add(Hyperparameter p) {
  if (auto i = find(p.name)) {
    throw InputError(p.mark, "duplicate hyperparameter name '" + p.name + "' (first defined at " +
                                 params_[*i].mark.str() + "); each name must be unique");
  }
  params_.push_back(std::move(p));
}

std::optional<std::size_t> Space::find(const std::string& name) const {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> Space::names() const {
  std::vector<std::string> v;
  for (const auto& p : params_)
    v.push_back(p.name);
  return v;
}

static bool numeric_domain(const Hyperparameter& p) {
  switch (p.type) {
    case Type::Continuous:
    case Type::Log:
    case Type::Integer:
      return true;
    case Type::Categorical:
      return is_number(p.categories.front());
    case Type::Fixed:
      return is_number(p.fixed_value);
    case Type::Boolean:
      return false;
  }
  return false;
}

static void resolve_condition(Hyperparameter& child, const Space& space) {
  Condition& c = *child.condition;
  const auto parent = space.find(c.parent);
  if (!parent) {
    throw InputError(c.mark, "'" + child.name + "' has a condition on unknown hyperparameter '" +
                                 c.parent + "'" + did_you_mean(c.parent, space.names()));
  }
  c.parent_index = *parent;
  const Hyperparameter& p = space[*parent];
  const bool ordering =
      c.op != Condition::Op::Eq && c.op != Condition::Op::Ne && c.op != Condition::Op::In;
  if (ordering && !numeric_domain(p)) {
    throw InputError(c.mark, "condition '" + c.text + "' orders '" + p.name + "', whose values " +
                                 p.describe_domain() + " have no order; use == , != or in");
  }
  c.operands.clear();
  for (const auto& text : c.operand_texts) {
    if (ordering) {
      char* end = nullptr;
      const double x = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(x)) {
        throw InputError(c.mark, "condition '" + c.text + "' compares '" + p.name + "' with '" +
                                     text + "', which is not a number");
      }
      c.operands.emplace_back(x);
    } else {
      try {
        c.operands.push_back(p.parse(text));
      } catch (const InputError&) {
        std::vector<std::string> values;
        if (p.levels() > 0) {
          for (std::size_t j = 0; j < p.levels(); ++j)
            values.push_back(to_text(p.level_value(j)));
        }
        throw InputError(c.mark, "condition '" + c.text + "' compares '" + p.name + "' with '" +
                                     text + "', which is not one of its values " +
                                     p.describe_domain() + did_you_mean(text, values));
      }
    }
  }
  // A continuous parent takes any one value with probability 0: == and in never hold, and an
  // order must leave some of the range.
  if (p.levels() == 0 && p.type != Type::Fixed) {
    if (c.op == Condition::Op::Eq || c.op == Condition::Op::In) {
      throw InputError(c.mark, "'" + child.name + "' is never active: '" + p.name +
                                   "' is continuous, so '" + c.text +
                                   "' holds for none of its sampled values; use an order "
                                   "(<, <=, >, >=), or make '" +
                                   p.name + "' categorical");
    }
    const double x = c.operands.empty() ? 0 : as_number(c.operands.front());
    const bool ever = c.op == Condition::Op::Ne || (c.op == Condition::Op::Lt && p.lo < x) ||
                      (c.op == Condition::Op::Le && p.lo <= x) ||
                      (c.op == Condition::Op::Gt && p.hi > x) ||
                      (c.op == Condition::Op::Ge && p.hi >= x);
    if (!ever) {
      throw InputError(c.mark, "'" + child.name + "' is never active: no value of '" + p.name +
                                   "' " + p.describe_domain() + " satisfies '" + c.text +
                                   "'; change the condition or widen the range of '" + p.name +
                                   "'");
    }
  }
  // A child that no value of a discrete (or fixed) parent activates is a mistake in the deck.
  if (p.levels() > 0 || p.type == Type::Fixed) {
    bool ever = false;
    if (p.type == Type::Fixed) ever = c.holds(p.fixed_value);
    for (std::size_t j = 0; j < p.levels() && !ever; ++j)
      ever = c.holds(p.level_value(j));
    if (!ever) {
      throw InputError(c.mark, "'" + child.name + "' is never active: no value of '" + p.name +
                                   "' " + p.describe_domain() + " satisfies '" + c.text +
                                   "'; change the condition or widen the range of '" + p.name +
                                   "'");
    }
  }
}

void Space::finalize() {
  for (auto& p : params_) {
    if (p.condition && !p.never_active) resolve_condition(p, *this);
  }
  // Each child has one parent, so the condition graph is a forest unless a chain loops.
  const std::size_t n = params_.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> chain{i};
    std::size_t cur = i;
    while (params_[cur].condition) {
      cur = params_[cur].condition->parent_index;
      chain.push_back(cur);
      if (cur == i) {
        std::vector<std::string> names;
        for (auto k : chain)
          names.push_back(params_[k].name);
        throw InputError(params_[i].condition->mark,
                         "cyclic conditions: " + join(names, " -> ") +
                             "; a hyperparameter cannot depend on itself, directly or not");
      }
      if (chain.size() > n + 1) break;  // a loop not through i; found when i reaches it
    }
  }
  // Parents before children: order by depth in the forest (stable, keeps deck order in a level).
  std::vector<std::size_t> depth(n, 0);
  std::size_t max_depth = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t cur = i;
    while (params_[cur].condition)
      cur = params_[cur].condition->parent_index, ++depth[i];
    max_depth = std::max(max_depth, depth[i]);
  }
  order_.clear();
  for (std::size_t level = 0; level <= max_depth; ++level) {
    for (std::size_t i = 0; i < n; ++i) {
      if (depth[i] == level) order_.push_back(i);
    }
  }
  free_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (params_[i].is_free()) free_.push_back(i);
  }
}

Config Space::config_at(const double* u) const {
  Config config(params_.size());
  std::size_t c = 0;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].never_active) continue;  // stays nullopt
    config[i] = params_[i].is_free() ? params_[i].value_at(u[c++]) : params_[i].fixed_value;
  }
  apply_conditions(config);
  return config;
}

void Space::apply_conditions(Config& config) const {
  for (std::size_t i : order_) {
    if (params_[i].never_active) {
      config[i].reset();
      continue;
    }
    const auto& cond = params_[i].condition;
    if (!cond) continue;
    const auto& parent = config[cond->parent_index];
    if (!parent || !cond->holds(*parent)) config[i].reset();
  }
}

void Space::normalize(const Config& config, std::uint64_t seed, std::uint64_t row,
                      double* out) const {
  for (std::size_t c = 0; c < free_.size(); ++c) {
    const auto& value = config[free_[c]];
    out[c] = value ? params_[free_[c]].unit_of(*value, hashed_unit(seed, row, c, 0x6A177E5))
                   : std::numeric_limits<double>::quiet_NaN();
  }
}

}  // namespace hsicho::space
