// Bandwidths, global HSIC, interactions, conditional inputs and block HSIC.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/hsic/pairwise.hpp"
#include "hsicho/random.hpp"
#include "reference.hpp"

using namespace hsicho;
using namespace hsicho::hsic;

namespace {

// numpy.median of |x_i - x_j| over all n^2 ordered pairs, by brute force.
double median_brute(const std::vector<double>& x) {
  std::vector<double> d;
  for (double a : x) {
    for (double b : x)
      d.push_back(std::fabs(a - b));
  }
  std::sort(d.begin(), d.end());
  const std::size_t k = d.size();
  return k % 2 ? d[k / 2] : 0.5 * (d[k / 2 - 1] + d[k / 2]);
}

// Target V index of a kernel given entry by entry, from its definition (m/n)^2 MMD^2.
template <class Kernel>
double index_brute(int n, const Eigen::VectorXd& z, Kernel k) {
  double all = 0, ss = 0, as = 0;
  const double m = z.sum();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      all += k(i, j);
      ss += z[i] * z[j] * k(i, j);
      as += z[j] * k(i, j);
    }
  }
  const double mmd2 = all / (double(n) * n) + ss / (m * m) - 2 * as / (double(n) * m);
  return (m / n) * (m / n) * mmd2;
}

}  // namespace

TEST_CASE("median bandwidth is numpy's median over all pairs, diagonal included",
          "[hsic][bandwidth]") {
  Rng rng(12);
  for (int n : {1, 2, 3, 10, 101, 250}) {
    std::vector<double> x(static_cast<std::size_t>(n));
    for (auto& v : x)
      v = rng.uniform() * 3 - 1;
    if (n > 5) x[3] = x[4];  // a tie
    INFO("n = " << n);
    CHECK(median_bandwidth(x.data(), x.size()) == median_brute(x));
  }
  // Uniform on [0, 1]: the median distance tends to 1 - 1/sqrt(2).
  std::vector<double> u(4000);
  for (auto& v : u)
    v = rng.uniform();
  CHECK(median_bandwidth(u.data(), u.size()) == Approx(1 - 1 / std::sqrt(2.0)).epsilon(0.02));
  const double sd[] = {1, 2, 3, 4};
  CHECK(std_bandwidth(sd, 4) == Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-15));
  CHECK(BandwidthRule::parse("0.25").value == 0.25);
  CHECK_THROWS(BandwidthRule::parse("-1"));
  CHECK_THROWS(BandwidthRule::parse("wide"));
}

TEST_CASE("global HSIC, R2 and Gamma p-values equal OpenTURNS", "[hsic][openturns]") {
  const auto ref = test::read_reference(HSICHO_REFERENCE "/hsic_openturns.txt");
  const Eigen::MatrixXd data = test::read_numeric_csv(HSICHO_REFERENCE "/hsic_data.csv");
  const auto& s = ref.at("bandwidth");
  const double sy = ref.at("global_output_bandwidth")[0];
  const Eigen::MatrixXd x = data.leftCols(3);
  const auto v = global_hsic(x, data.col(3), s, sy, Estimator::V, Partition{});
  const auto u = global_hsic(x, data.col(3), s, sy, Estimator::U, Partition{});
  for (std::size_t c = 0; c < 3; ++c) {
    INFO("input " << c);
    CHECK(v[c].hsic == Approx(ref.at("global_v_hsic")[c]).epsilon(1e-10));
    CHECK(v[c].r2 == Approx(ref.at("global_v_r2")[c]).epsilon(1e-10));
    CHECK(v[c].pvalue == Approx(ref.at("global_v_pvalue_gamma")[c]).epsilon(1e-7));
    CHECK(u[c].hsic == Approx(ref.at("global_u_hsic")[c]).epsilon(0).margin(1e-12));
    CHECK(u[c].r2 == Approx(ref.at("global_u_r2")[c]).epsilon(0).margin(1e-10));
    CHECK(u[c].pvalue == Approx(ref.at("global_u_pvalue_gamma")[c]).epsilon(1e-6));
  }
}

TEST_CASE("a smooth goal weight equals OpenTURNS's target HSIC with an exponential filter",
          "[hsic][openturns]") {
  const auto ref = test::read_reference(HSICHO_REFERENCE "/hsic_openturns.txt");
  const Eigen::MatrixXd data = test::read_numeric_csv(HSICHO_REFERENCE "/hsic_data.csv");
  const Eigen::MatrixXd x = data.leftCols(3);
  for (const auto& [est, name] :
       {std::make_pair(Estimator::V, "v"), std::make_pair(Estimator::U, "u")}) {
    Options o;
    o.alpha = ref.at("alpha")[0];
    o.estimator = est;
    o.bandwidth = BandwidthRule::parse("0.25");  // replaced per input below
    o.smooth_goal = ref.at("smooth_relative_scale")[0];
    // One bandwidth per input, as the reference: analyse each input alone.
    for (std::size_t c = 0; c < 3; ++c) {
      o.bandwidth.value = ref.at("bandwidth")[c];
      const Analysis a = analyze(x.col(static_cast<Eigen::Index>(c)), data.col(3), {"x"}, o);
      INFO(name << " input " << c);
      const std::string key = std::string("smooth_") + name;
      if (est == Estimator::V) {
        CHECK(a.inputs[0].hsic == Approx(ref.at(key + "_hsic")[c]).epsilon(1e-10));
        CHECK(a.inputs[0].r2 == Approx(ref.at(key + "_r2")[c]).epsilon(1e-10));
      } else {
        CHECK(a.inputs[0].hsic == Approx(ref.at(key + "_hsic")[c]).epsilon(0).margin(1e-12));
        CHECK(a.inputs[0].r2 == Approx(ref.at(key + "_r2")[c]).epsilon(0).margin(1e-10));
      }
      CHECK(a.inputs[0].pvalue == Approx(ref.at(key + "_pvalue_gamma")[c]).epsilon(1e-6));
    }
  }
}

TEST_CASE("interactions: inputs that matter only together have a clear joint index",
          "[hsic][interactions]") {
  const int n = 600;
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  test::authors_interaction_example(n, x, y);
  const Goal g = goal_set(y, 0.2);
  const std::vector<double> s = {0.3, 0.3, 0.3, 0.3};
  const Eigen::MatrixXd m =
      target_interactions(x, g.z, s, 0.2, Estimator::V, Scaling::Hsic, Partition{});
  // Against the definition with the product kernel.
  auto k = [&](int a, int b) {
    return [&, a, b](int i, int j) {
      const double da = x(i, a) - x(j, a), db = x(i, b) - x(j, b);
      return std::exp(-da * da / 0.18) * (a == b ? 1.0 : std::exp(-db * db / 0.18));
    };
  };
  CHECK(m(1, 2) == Approx(index_brute(n, g.z, k(1, 2))).epsilon(1e-10));
  CHECK(m(0, 3) == Approx(index_brute(n, g.z, k(0, 3))).epsilon(1e-10));
  CHECK(m(2, 2) == Approx(index_brute(n, g.z, k(2, 2))).epsilon(1e-10));
  CHECK(m(1, 2) == m(2, 1));
  // The pair stands out from its members and from the dummy pair.
  CHECK(m(1, 2) > 5 * std::max(m(1, 1), m(2, 2)));
  CHECK(m(1, 2) > 5 * m(3, 3));
}

TEST_CASE("a conditional input is analysed where it is active, with its own quantile",
          "[hsic][conditional]") {
  Rng rng(5);
  const int n = 400;
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = rng.uniform();                        // parent: child exists when > 0.5
    x(i, 1) = x(i, 0) > 0.5 ? rng.uniform() : NAN;  // child
    y[i] = (x(i, 0) > 0.5 ? x(i, 1) : 0.5) + 0.1 * rng.uniform();
  }
  Options o;
  o.alpha = 0.2;
  CHECK_THROWS_WITH(analyze(x, y, {"parent", "child"}, o), Catch::Contains("--conditional"));
  o.conditional = true;
  const Analysis an = analyze(x, y, {"parent", "child"}, o);
  const auto& child = an.inputs[1];
  CHECK(child.conditional);
  // The same numbers as an analysis of the active rows alone.
  std::vector<int> rows;
  for (int i = 0; i < n; ++i) {
    if (x(i, 0) > 0.5) rows.push_back(i);
  }
  Eigen::MatrixXd xs(static_cast<Eigen::Index>(rows.size()), 1);
  Eigen::VectorXd ys(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k)
    xs(static_cast<Eigen::Index>(k), 0) = x(rows[k], 1),
                                     ys[static_cast<Eigen::Index>(k)] = y[rows[k]];
  const Analysis sub = analyze(xs, ys, {"child"}, o);
  CHECK(child.n == rows.size());
  CHECK(child.hsic == sub.inputs[0].hsic);
  CHECK(child.threshold == sub.threshold);
  CHECK(child.threshold != an.threshold);
  CHECK(child.pvalue < 1e-6);         // inside its sub-sample the child drives the error
  CHECK(child.active_pvalue < 0.05);  // and whether it exists matters too
}

TEST_CASE("the max bandwidth maximizes the index", "[hsic][bandwidth]") {
  Rng rng(9);
  const int n = 300;
  Eigen::VectorXd x(n), y(n);
  for (int i = 0; i < n; ++i)
    x[i] = rng.uniform(), y[i] = std::sin(12 * x[i]) + 0.2 * rng.uniform();
  const Goal g = goal_set(y, 0.15);
  const double s = max_bandwidth(x, g.z, 0.15, Estimator::V, Scaling::Hsic, Partition{});
  auto index = [&](double bw) {
    return target_stats(target_sums(x, g.z, bw, Partition{}), g.z, 0.15, Estimator::V,
                        Scaling::Hsic)
        .hsic;
  };
  CHECK(s >= 1e-4);
  CHECK(s <= 5);
  double best_grid = 0;
  for (double ls = std::log(1e-4); ls <= std::log(5.0); ls += 0.01)
    best_grid = std::max(best_grid, index(std::exp(ls)));
  CHECK(index(s) >= best_grid * (1 - 1e-6));
}

TEST_CASE("block HSIC is the mean of the blocks' U statistics and tests independence",
          "[hsic][block]") {
  Rng rng(21);
  const int n = 2000;
  Eigen::VectorXd x1(n), x2(n), y(n);
  for (int i = 0; i < n; ++i)
    x1[i] = rng.uniform(), x2[i] = rng.uniform(), y[i] = x1[i] + 0.3 * rng.uniform();
  const Goal g = goal_set(y, 0.1);
  const BlockResult drive = block_hsic(x1, g.z, 0.3, 0.1, Scaling::Hsic, 100, 3, Partition{});
  const BlockResult noise = block_hsic(x2, g.z, 0.3, 0.1, Scaling::Hsic, 100, 3, Partition{});
  CHECK(drive.blocks == 20);
  CHECK(drive.pvalue < 1e-6);
  CHECK(noise.pvalue > 0.01);
  // The exact U statistic of the whole sample estimates the same quantity as the block mean.
  const double full =
      target_stats(target_sums(x1, g.z, 0.3, Partition{}), g.z, 0.1, Estimator::U, Scaling::Hsic)
          .hsic;
  CHECK(std::fabs(drive.hsic - full) < 4 * drive.stderr_);
  CHECK_THROWS(block_hsic(x1, g.z, 0.3, 0.1, Scaling::Hsic, 1500, 3, Partition{}));
}

TEST_CASE("bad analysis input is rejected", "[hsic]") {
  Eigen::MatrixXd x = Eigen::MatrixXd::Random(10, 2);
  Eigen::VectorXd y = Eigen::VectorXd::Random(10);
  Options o;
  o.alpha = 1.5;
  CHECK_THROWS_WITH(analyze(x, y, {"a", "b"}, o), Catch::Contains("alpha"));
  o.alpha = 0.2;
  y[3] = NAN;
  CHECK_THROWS_WITH(analyze(x, y, {"a", "b"}, o), Catch::Contains("NaN"));
}
