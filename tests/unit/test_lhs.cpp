// Latin hypercubes: one point per stratum, exact criteria, and a search that really improves.
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/design/lhs.hpp"

using namespace hsicho;
using namespace hsicho::design;
using space::DesignCriterion;

namespace {
// Every column holds exactly one point in each stratum [k/n, (k+1)/n).
bool one_point_per_stratum(const Eigen::MatrixXd& x) {
  const auto n = x.rows();
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    std::vector<int> count(static_cast<std::size_t>(n), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = x(i, c) * static_cast<double>(n);
      const auto k = static_cast<Eigen::Index>(std::floor(v));
      if (k < 0 || k >= n) return false;
      ++count[static_cast<std::size_t>(k)];
    }
    for (int k : count) {
      if (k != 1) return false;
    }
  }
  return true;
}
}  // namespace

TEST_CASE("a Latin hypercube has one point per stratum in every column", "[lhs]") {
  for (std::size_t n : {1, 2, 7, 100, 333}) {
    for (std::size_t d : {1, 5}) {
      Rng rng(n * 31 + d);
      std::vector<bool> centered(d, false);
      centered[0] = true;
      const auto x = latin_hypercube(n, d, rng, centered);
      INFO("n = " << n << ", d = " << d);
      CHECK(one_point_per_stratum(x));
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double k = std::floor(x(i, 0) * static_cast<double>(n));
        CHECK(x(i, 0) == Approx((k + 0.5) / static_cast<double>(n)));  // centered column
      }
    }
  }
}

TEST_CASE("centered L2 discrepancy equals scipy's and the closed form", "[lhs]") {
  // n = 1, d = 1, x = 1/2: 13/12 - 2 * 1 + 1 = 1/12.
  Eigen::MatrixXd one(1, 1);
  one << 0.5;
  CHECK(centered_discrepancy(one) == Approx(1.0 / 12.0).epsilon(1e-14));
  // Values from tests/reference/make_discrepancy_reference.py (scipy.stats.qmc.discrepancy).
  Eigen::MatrixXd x(6, 3);
  x << 0.05, 0.61, 0.32, 0.21, 0.93, 0.74, 0.47, 0.12, 0.55, 0.58, 0.44, 0.08, 0.79, 0.27, 0.96,
      0.96, 0.78, 0.19;
  CHECK(centered_discrepancy(x) == Approx(0.028601891998758733).epsilon(1e-12));
  CHECK(centered_discrepancy(x.leftCols(1)) == Approx(0.0038222222222219493).epsilon(1e-12));
  CHECK(min_distance(x.leftCols(1)) == Approx(0.11));
}

TEST_CASE("the space-filling search keeps the hypercube and improves its criterion", "[lhs]") {
  for (auto criterion : {DesignCriterion::Discrepancy, DesignCriterion::Maximin}) {
    Rng rng(11);
    auto x = latin_hypercube(60, 4, rng, {false, true, false, false});
    const auto r = improve_design(x, criterion, 20000, rng);
    INFO(space::criterion_name(criterion));
    CHECK(one_point_per_stratum(x));
    CHECK(r.tried == 20000);
    CHECK(r.accepted > 0);
    // The O(n) incremental updates agree with a recomputation from scratch.
    CHECK(r.tracked == Approx(r.recomputed).epsilon(1e-9));
    if (criterion == DesignCriterion::Discrepancy) {
      CHECK(r.final < 0.7 * r.initial);
      CHECK(r.final == Approx(centered_discrepancy(x)));
    } else {
      CHECK(r.final > 1.2 * r.initial);
      CHECK(r.final == Approx(min_distance(x)));
    }
  }
}

TEST_CASE("the search works without the pairwise cache for large n", "[lhs]") {
  Rng rng(3);
  auto x = latin_hypercube(4500, 2, rng, {});
  const auto r = improve_design(x, DesignCriterion::Discrepancy, 3000, rng);
  CHECK(one_point_per_stratum(x));
  CHECK(r.final < r.initial);
  // CD^2 is a small difference of O(1) sums: compare on the scale of those sums.
  CHECK(r.tracked == Approx(r.recomputed).epsilon(0).margin(1e-11));
}
