// The fast Gauss transform against direct summation, over bandwidths from tiny to huge.
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/hsic/gauss_transform.hpp"
#include "hsicho/random.hpp"

using namespace hsicho;

TEST_CASE("Gauss transform equals direct summation to rounding", "[hsic][fgt]") {
  const int n = 700;
  Rng rng(8);
  for (double s : {1e-4, 3e-3, 0.05, 0.29, 5.0}) {
    for (bool clustered : {false, true}) {
      std::vector<double> x(n);
      for (auto& v : x)
        v = clustered ? std::floor(rng.uniform() * 4) * 0.25 + 1e-3 * rng.uniform() : rng.uniform();
      Eigen::MatrixXd w(n, 3);
      for (int i = 0; i < n; ++i)
        w.row(i) << 1.0, (i % 7 == 0 ? 1.0 : 0.0), rng.uniform() - 0.5;
      const Eigen::MatrixXd fast = hsic::GaussTransform(x.data(), n, s).apply(w);
      for (int i = 0; i < n; ++i) {
        double direct[3] = {0, 0, 0}, scale = 0;
        for (int j = 0; j < n; ++j) {
          const double e = std::exp(-(x[i] - x[j]) * (x[i] - x[j]) / (2 * s * s));
          for (int c = 0; c < 3; ++c)
            direct[c] += e * w(j, c);
          scale += e;  // the sum of |terms| bounds what rounding can reach
        }
        for (int c = 0; c < 3; ++c) {
          INFO("s = " << s << ", clustered = " << clustered << ", row " << i << ", column " << c);
          REQUIRE(std::fabs(fast(i, c) - direct[c]) <= 1e-12 * scale);
        }
      }
    }
  }
}

TEST_CASE("Gauss transform of values far beyond the bandwidth ends and stays exact",
          "[hsic][fgt]") {
  // x / s beyond 2^53: start + 1 == start, where a box once held no point and the loop never
  // ended (found by fuzzing the CSV path of `hsicho analyze`).
  const std::vector<double> x = {0.0, 1.0, 1e17, 1e17 + 16, 3e17, -2e18};
  const auto n = static_cast<int>(x.size());
  const Eigen::MatrixXd w = Eigen::MatrixXd::Ones(n, 1);
  const Eigen::MatrixXd fast = hsic::GaussTransform(x.data(), x.size(), 1.0).apply(w);
  for (int i = 0; i < n; ++i) {
    double direct = 0;
    for (int j = 0; j < n; ++j)
      direct += std::exp(-0.5 * (x[i] - x[j]) * (x[i] - x[j]));
    REQUIRE(std::fabs(fast(i, 0) - direct) <= 1e-12 * direct);
  }
  // Values whose ratio to the bandwidth overflows are refused, not turned into NaN.
  const std::vector<double> huge = {0.0, 1e300};
  REQUIRE_THROWS_AS(hsic::GaussTransform(huge.data(), 2, 1e-10), std::invalid_argument);
}
