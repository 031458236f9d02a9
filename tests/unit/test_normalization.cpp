// The HSIC normalization: a hyperparameter sampled uniformly in its own scale becomes a uniform
// variable on [0, 1], whatever its type (Kolmogorov-Smirnov bound).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/io/deck_file.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/deck.hpp"

using namespace hsicho;
using namespace hsicho::space;

namespace {

// Kolmogorov-Smirnov statistic of a sample against U(0, 1).
double ks_uniform(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    d = std::max({d, (i + 1) / n - x[i], x[i] - i / n});
  }
  return d;
}

// Values drawn uniformly in each type's own sense: uniform level, log-uniform, uniform.
Value draw(const Hyperparameter& p, Rng& rng) {
  switch (p.type) {
    case Type::Continuous:
      return p.lo + rng.uniform() * (p.hi - p.lo);
    case Type::Log:
      return std::exp(std::log(p.lo) + rng.uniform() * std::log(p.hi / p.lo));
    default:
      break;
  }
  if (p.type == Type::Integer && p.log_scale) {
    // P(v) proportional to ln((v+1)/v): the log-uniform law on [lo, hi+1), floored.
    return static_cast<std::int64_t>(
        std::floor(std::exp(std::log(p.lo) + rng.uniform() * std::log((p.hi + 1) / p.lo))));
  }
  return p.level_value(rng.below(p.levels()));
}

}  // namespace

TEST_CASE("normalized uniform samples of every type are uniform on [0,1]", "[space][hsic]") {
  const auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  const std::size_t n = 20000;
  // P(D_n > 1.95 / sqrt(n)) < 0.001 under the null (asymptotic KS quantile).
  const double bound = 1.95 / std::sqrt(static_cast<double>(n));
  for (std::size_t c = 0; c < deck.space.dimension(); ++c) {
    const auto& p = deck.space[deck.space.free_columns()[c]];
    Rng rng(2024, c);
    std::vector<double> u(n);
    for (std::size_t i = 0; i < n; ++i)
      u[i] = p.unit_of(draw(p, rng), hashed_unit(99, i, c));
    INFO(p.name << " (" << type_name(p.type) << ")");
    CHECK(ks_uniform(u) < bound);
  }
}

TEST_CASE("a variable sampled uniformly in the wrong scale is detected as non-uniform", "[space]") {
  // The KS check above has power: a log-integer drawn uniformly (not log-uniformly) fails it.
  Hyperparameter p;
  p.name = "units";
  p.type = Type::Integer;
  p.lo = 8, p.hi = 256, p.log_scale = true;
  Rng rng(5);
  std::vector<double> u(20000);
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = p.unit_of(p.level_value(rng.below(p.levels())), hashed_unit(1, i));
  }
  CHECK(ks_uniform(u) > 0.2);
}

TEST_CASE("normalization marks inactive children and is the same for any evaluation order",
          "[space]") {
  const auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  const auto& sp = deck.space;
  const std::size_t d = sp.dimension();
  std::vector<double> u(d, 0.1), out(d), again(d);  // n_layers = 1, optimizer = sgd
  const auto config = sp.config_at(u.data());
  sp.normalize(config, 3, 17, out.data());
  for (std::size_t c = 0; c < d; ++c) {
    const auto& name = sp[sp.free_columns()[c]].name;
    INFO(name);
    if (name == "units_3") {
      CHECK(std::isnan(out[c]));
    } else {
      CHECK(out[c] >= 0);
      CHECK(out[c] <= 1);
    }
  }
  sp.normalize(config, 3, 17, again.data());
  for (std::size_t c = 0; c < d; ++c)
    CHECK((std::isnan(out[c]) ? std::isnan(again[c]) : out[c] == again[c]));
}
