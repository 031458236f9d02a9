// The hyperparameter space of a study: the hyperparameters in deck order, their conditions
// resolved into a parent-before-child order, and the maps between design rows and configurations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/space/hyperparameter.hpp"

namespace hsicho::space {

class Space {
 public:
  // Adds a hyperparameter; throws InputError on a duplicate name.
  void add(Hyperparameter p);
  // Resolves and checks conditions (unknown parents, operands, cycles, children never active)
  // and fixes the evaluation order. Call once, after the last add.
  void finalize();

  const std::vector<Hyperparameter>& params() const { return params_; }
  const Hyperparameter& operator[](std::size_t i) const { return params_[i]; }
  std::size_t size() const { return params_.size(); }
  std::optional<std::size_t> find(const std::string& name) const;
  std::vector<std::string> names() const;

  // Design column c holds hyperparameter free_columns()[c] (every type but Fixed).
  const std::vector<std::size_t>& free_columns() const { return free_; }
  std::size_t dimension() const { return free_.size(); }

  // The configuration at unit-cube point u (dimension() values). Inactive children are nullopt.
  Config config_at(const double* u) const;
  // Marks inactive the children whose condition fails, in parent-before-child order.
  void apply_conditions(Config& config) const;

  // The HSIC normalization of configuration `row`: one value in [0, 1] per design column,
  // NaN where inactive. The jitter of discrete levels is drawn from (seed, row, column), so it
  // does not depend on which rank normalizes which row.
  void normalize(const Config& config, std::uint64_t seed, std::uint64_t row, double* out) const;

 private:
  std::vector<Hyperparameter> params_;
  std::vector<std::size_t> free_;
  std::vector<std::size_t> order_;  // parents before children
};

}  // namespace hsicho::space
