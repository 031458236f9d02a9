// Target HSIC against a hand computation, the MMD identity, and OpenTURNS.
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/hsic/target.hpp"
#include "hsicho/random.hpp"
#include "reference.hpp"

using namespace hsicho;
using namespace hsicho::hsic;

namespace {

TargetStats stats_of(const Eigen::VectorXd& x, const Goal& g, double s, double alpha, Estimator e,
                     Scaling sc = Scaling::Hsic) {
  return target_stats(target_sums(x, g.z, s, Partition{}), g.z, alpha, e, sc);
}

// MMD_V^2 between all points and the goal set, straight from its definition.
double mmd2_direct(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s) {
  const auto n = x.size();
  double all = 0, ss = 0, as = 0, m = z.sum();
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const double k = std::exp(-(x[i] - x[j]) * (x[i] - x[j]) / (2 * s * s));
      all += k;
      ss += z[i] * z[j] * k;
      as += z[j] * k;
    }
  }
  const double nd = static_cast<double>(n);
  return all / (nd * nd) + ss / (m * m) - 2 * as / (nd * m);
}

}  // namespace

TEST_CASE("target HSIC of a hand-computed case", "[hsic]") {
  // x = (0, 0, 1, 1), goal = the first two, s = 1: MMD^2 = (1 - e) / 2, e = exp(-1/2),
  // HSIC = (m/n)^2 MMD^2 = (1 - e) / 8.
  Eigen::VectorXd x(4), y(4);
  x << 0, 0, 1, 1;
  y << 0, 0, 1, 1;
  const Goal g = goal_set(y, 0.5);
  REQUIRE(g.m == 2);
  CHECK(g.threshold == 0);
  const double e = std::exp(-0.5);
  CHECK(stats_of(x, g, 1.0, 0.5, Estimator::V).hsic == Approx((1 - e) / 8).epsilon(1e-13));
  // Paper scaling: alpha^2 MMD^2, here alpha = 0.3.
  CHECK(stats_of(x, g, 1.0, 0.3, Estimator::V, Scaling::Paper).hsic ==
        Approx(0.09 * (1 - e) / 2).epsilon(1e-13));
}

TEST_CASE("target HSIC_V = (m/n)^2 MMD^2 between P(X) and P(X | Z = 1)", "[hsic]") {
  Rng rng(4);
  const int n = 300;
  Eigen::VectorXd x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = rng.uniform();
    y[i] = x[i] * x[i] + 0.3 * rng.uniform();
  }
  for (double alpha : {0.1, 0.25}) {
    const Goal g = goal_set(y, alpha);
    const double m = static_cast<double>(g.m);
    for (double s : {0.05, 0.3, 2.0}) {
      const double mmd2 = mmd2_direct(x, g.z, s);
      CHECK(stats_of(x, g, s, alpha, Estimator::V).hsic ==
            Approx(m * m / (n * n) * mmd2).epsilon(1e-11));
      CHECK(stats_of(x, g, s, alpha, Estimator::V, Scaling::Paper).hsic ==
            Approx(alpha * alpha * mmd2).epsilon(1e-11));
    }
  }
}

TEST_CASE("target HSIC, R2 and Gamma p-values equal OpenTURNS", "[hsic][openturns]") {
  const auto ref = test::read_reference(HSICHO_REFERENCE "/hsic_openturns.txt");
  const Eigen::MatrixXd data = test::read_numeric_csv(HSICHO_REFERENCE "/hsic_data.csv");
  const double alpha = ref.at("alpha")[0];
  const Goal g = goal_set(data.col(3), alpha);
  CHECK(g.threshold == ref.at("threshold")[0]);
  for (int c = 0; c < 3; ++c) {
    const double s = ref.at("bandwidth")[static_cast<std::size_t>(c)];
    const Eigen::VectorXd x = data.col(c);
    const auto v = stats_of(x, g, s, alpha, Estimator::V);
    const auto u = stats_of(x, g, s, alpha, Estimator::U);
    INFO("input " << c);
    CHECK(v.hsic == Approx(ref.at("target_v_hsic")[c]).epsilon(1e-10));
    CHECK(v.r2 == Approx(ref.at("target_v_r2")[c]).epsilon(1e-10));
    CHECK(v.pvalue == Approx(ref.at("target_v_pvalue_gamma")[c]).epsilon(1e-8));
    // The U statistic is a small difference of O(1) sums: compare on the scale of those sums.
    CHECK(u.hsic == Approx(ref.at("target_u_hsic")[c]).epsilon(0).margin(1e-12));
    CHECK(u.r2 == Approx(ref.at("target_u_r2")[c]).epsilon(0).margin(1e-11));
    // OpenTURNS's asymptotic p-value of the U statistic (getPValuesAsymptotic with HSICUStat).
    CHECK(u.pvalue == Approx(ref.at("target_u_pvalue_gamma")[c]).epsilon(1e-6));
    // The null's 95% quantile: an index beyond it is exactly one with p < 0.05.
    CHECK((v.hsic > v.null95) == (v.pvalue < 0.05));
    CHECK((u.hsic > u.null95) == (u.pvalue < 0.05));
    CHECK(v.null95 > 0);
  }
}

TEST_CASE("an input independent of Y gets a large p-value, a driving one a tiny p-value",
          "[hsic]") {
  Rng rng(77);
  const int n = 400;
  Eigen::VectorXd x1(n), x2(n), y(n);
  for (int i = 0; i < n; ++i) {
    x1[i] = rng.uniform();
    x2[i] = rng.uniform();
    y[i] = x1[i] + 0.1 * rng.uniform();
  }
  const Goal g = goal_set(y, 0.1);
  const auto drive = stats_of(x1, g, 0.3, 0.1, Estimator::V);
  const auto noise = stats_of(x2, g, 0.3, 0.1, Estimator::V);
  CHECK(drive.pvalue < 1e-6);
  CHECK(noise.pvalue > 0.05);
  CHECK(permutation_pvalue(x1, g.z, 0.3, 0.1, Estimator::V, 200, 1, Partition{}) ==
        Approx(1.0 / 201));
  CHECK(permutation_pvalue(x2, g.z, 0.3, 0.1, Estimator::V, 200, 1, Partition{}) > 0.05);
}

TEST_CASE("+inf errors are never in the goal set, even when the quantile is +inf", "[hsic]") {
  // 8 diverged trainings of 10: the alpha = 0.5 quantile is +inf, but only the 2 finite rows
  // can be among the best (docs/hsic.md).
  Eigen::VectorXd y(10);
  y << INFINITY, 3, INFINITY, INFINITY, INFINITY, 1, INFINITY, INFINITY, INFINITY, INFINITY;
  const Goal g = goal_set(y, 0.5);
  CHECK(g.threshold == INFINITY);
  CHECK(g.m == 2);
  CHECK(g.z[1] == 1.0);
  CHECK(g.z[5] == 1.0);
  CHECK(g.z.sum() == 2.0);
  Eigen::VectorXd all(3);
  all << INFINITY, INFINITY, INFINITY;
  CHECK_THROWS_WITH(goal_set(all, 0.5), Catch::Contains("no row has a finite value"));
}
