// The expected kernel of discrete inputs (issue 19): its closed form against quadrature, the
// index it gives against the paper's index averaged over jitter and category order (Monte Carlo),
// invariance to the order of categories and to the seed, calibration of its p-values under
// independence and its power against the paper's jittered kernel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/hsic/discrete.hpp"
#include "hsicho/random.hpp"

using namespace hsicho;
using namespace hsicho::hsic;

namespace {

// HSIC_V = tr(K H L H) / n^2 with L = z z', straight from its definition (an n x n kernel).
double naive_hsic_v(const Eigen::MatrixXd& k, const Eigen::VectorXd& z) {
  const auto n = k.rows();
  const Eigen::MatrixXd h = Eigen::MatrixXd::Identity(n, n) -
                            Eigen::MatrixXd::Constant(n, n, 1.0 / static_cast<double>(n));
  return (k * h * z * z.transpose() * h).trace() / static_cast<double>(n * n);
}

Discrete uniform_bins(std::size_t levels, bool ordered) {
  Discrete d;
  for (std::size_t j = 0; j <= levels; ++j)
    d.edges.push_back(static_cast<double>(j) / static_cast<double>(levels));
  d.ordered = ordered;
  return d;
}

// Jittered value of level l (the paper's normalization): a uniform point of its bin.
double jittered(const Discrete& d, int l, Rng& rng) {
  const auto j = static_cast<std::size_t>(l);
  return d.edges[j] + rng.uniform() * (d.edges[j + 1] - d.edges[j]);
}

Eigen::MatrixXd gaussian_gram(const Eigen::VectorXd& x, double s) {
  const auto n = x.size();
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      k(i, j) = std::exp(-(x[i] - x[j]) * (x[i] - x[j]) / (2 * s * s));
  }
  return k;
}

// n rows of L levels (each level present), a goal set of m rows leaning toward level 0.
void draw_levels(std::size_t n, int levels, Rng& rng, std::vector<int>& lv, Eigen::VectorXd& z) {
  lv.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    lv[i] = i < static_cast<std::size_t>(levels) ? static_cast<int>(i)
                                                 : static_cast<int>(rng.below(levels));
  z = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i)
    z[static_cast<Eigen::Index>(i)] = (lv[i] == 0 ? rng.uniform() < 0.5 : rng.uniform() < 0.15);
}

}  // namespace

TEST_CASE("the expected Gaussian over two bins matches quadrature", "[discrete]") {
  struct Box {
    double a0, a1, b0, b1, s;
  };
  for (const Box& b :
       {Box{0, 0.25, 0.25, 0.5, 0.3}, Box{0, 0.5, 0, 0.5, 0.29}, Box{0.1, 0.2, 0.7, 1.0, 0.05},
        Box{0, 1, 0, 1, 2.0}, Box{0.3, 0.31, 0.3, 0.31, 0.01}}) {
    const int q = 2000;  // midpoint rule, q^2 points: error ~ 1e-7 relative here
    double sum = 0;
    for (int i = 0; i < q; ++i) {
      const double u = b.a0 + (b.a1 - b.a0) * (i + 0.5) / q;
      for (int j = 0; j < q; ++j) {
        const double v = b.b0 + (b.b1 - b.b0) * (j + 0.5) / q;
        sum += std::exp(-(u - v) * (u - v) / (2 * b.s * b.s));
      }
    }
    INFO(b.a0 << " " << b.a1 << " " << b.b0 << " " << b.b1 << " s " << b.s);
    CHECK(expected_gaussian(b.a0, b.a1, b.b0, b.b1, b.s) ==
          Approx(sum / (static_cast<double>(q) * q)).epsilon(1e-6).margin(1e-12));
  }
  // A point against a bin, and two points: the single integral and the kernel itself.
  CHECK(expected_gaussian(0.5, 0.5, 0.5, 0.5, 0.2) == 1.0);
  CHECK(expected_gaussian(0.2, 0.2, 0.0, 0.4, 1e6) == Approx(1.0));
}

TEST_CASE("the expected-kernel index is the paper's index averaged over jitter and order",
          "[discrete]") {
  for (const bool ordered : {true, false}) {
    const Discrete d = uniform_bins(4, ordered);
    Rng rng(ordered ? 3 : 4);
    std::vector<int> lv;
    Eigen::VectorXd z;
    draw_levels(30, 4, rng, lv, z);
    const double s = 0.3;
    // With the expected kernel: naively, and through the engine's row sums.
    const Eigen::MatrixXd g = expected_kernel(d, s);
    Eigen::MatrixXd k(30, 30);
    for (int i = 0; i < 30; ++i) {
      for (int j = 0; j < 30; ++j)
        k(i, j) =
            i == j ? 1.0 : g(lv[static_cast<std::size_t>(i)], lv[static_cast<std::size_t>(j)]);
    }
    const double exact = naive_hsic_v(k, z);
    const TargetSums sums = discrete_sums(lv, g, z, true);
    const auto stats = target_stats(sums, z, 0.1, Estimator::V, Scaling::Hsic);
    CHECK(stats.hsic == Approx(exact).epsilon(1e-12));
    // The paper's: jitter each row in its bin (and, unordered, shuffle which bin a level owns).
    const int draws = 20000;
    double mean = 0, sq = 0;
    std::vector<int> bin_of(4);
    Eigen::VectorXd x(30);
    for (int r = 0; r < draws; ++r) {
      std::iota(bin_of.begin(), bin_of.end(), 0);
      if (!ordered) rng.shuffle(bin_of.data(), bin_of.size());
      for (int i = 0; i < 30; ++i)
        x[i] = jittered(d, bin_of[static_cast<std::size_t>(lv[static_cast<std::size_t>(i)])], rng);
      const double v = naive_hsic_v(gaussian_gram(x, s), z);
      mean += v, sq += v * v;
    }
    mean /= draws;
    const double se = std::sqrt((sq / draws - mean * mean) / draws);
    INFO((ordered ? "ordered" : "unordered")
         << ": expected kernel " << exact << ", Monte Carlo " << mean << " +- " << se);
    CHECK(std::fabs(mean - exact) < 4 * se);
  }
}

TEST_CASE("discrete indices do not depend on the order of categories or on the seed",
          "[discrete]") {
  Rng rng(11);
  const std::size_t n = 120;
  std::vector<int> lv;
  Eigen::VectorXd z;
  draw_levels(n, 3, rng, lv, z);
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i)
    y[static_cast<Eigen::Index>(i)] = (lv[i] == 0 ? 0.0 : 1.0) + rng.uniform();
  const Discrete d = uniform_bins(3, false);
  auto run = [&](const std::vector<int>& bin_of, std::uint64_t seed) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 2);
    Rng jitter(seed);
    for (std::size_t i = 0; i < n; ++i) {
      x(static_cast<Eigen::Index>(i), 0) =
          jittered(d, bin_of[static_cast<std::size_t>(lv[i])], jitter);
      x(static_cast<Eigen::Index>(i), 1) = jitter.uniform();
    }
    Options o;
    o.alpha = 0.2;
    o.seed = seed;
    o.interactions = true;
    o.discrete = {d, {}};
    return analyze(x, y, {"category", "noise"}, o);
  };
  const auto a = run({0, 1, 2}, 1);
  for (const auto& [order, seed] :
       {std::make_pair(std::vector<int>{2, 0, 1}, 1), std::make_pair(std::vector<int>{1, 2, 0}, 7),
        std::make_pair(std::vector<int>{0, 1, 2}, 99)}) {
    const auto b = run(order, static_cast<std::uint64_t>(seed));
    CHECK(b.inputs[0].hsic == Approx(a.inputs[0].hsic).epsilon(1e-13));
    CHECK(b.inputs[0].pvalue == Approx(a.inputs[0].pvalue).epsilon(1e-10));
    CHECK(b.inputs[0].bandwidth == a.inputs[0].bandwidth);
  }
  CHECK(a.inputs[0].pvalue < 1e-3);  // the category matters here
}

namespace {

// Share of p-values below 0.05, and how far their law goes above the uniform one (a valid test
// has P(p <= t) <= t for every t; the p-values of a discrete statistic take few values, so they
// are below the uniform law between those values, never above it), for `reps` studies of n rows
// where a 3-level category shifts y by `effect` (0: inert).
struct Calibration {
  double rejected = 0, excess = 0;
};
Calibration rejection(DiscreteKernel kernel, double effect, int reps, std::size_t n) {
  const Discrete d = uniform_bins(3, false);
  std::vector<double> p;
  for (int r = 0; r < reps; ++r) {
    Rng rng(1000 + static_cast<std::uint64_t>(r));
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 1);
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const int l = static_cast<int>(rng.below(3));
      x(static_cast<Eigen::Index>(i), 0) = jittered(d, l, rng);
      const double u1 = 1 - rng.uniform(), u2 = rng.uniform();  // Box-Muller
      const double noise = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
      y[static_cast<Eigen::Index>(i)] = (l == 1 ? -effect : 0.0) + noise;
    }
    Options o;
    o.alpha = 0.1;
    o.discrete_kernel = kernel;
    o.discrete = {d};
    p.push_back(analyze(x, y, {"c"}, o).inputs[0].pvalue);
  }
  std::sort(p.begin(), p.end());
  Calibration c;
  for (std::size_t k = 0; k < p.size(); ++k) {
    c.rejected += p[k] < 0.05;
    const auto at_or_below = std::upper_bound(p.begin(), p.end(), p[k]) - p.begin();
    c.excess = std::max(c.excess, static_cast<double>(at_or_below) / p.size() - p[k]);
  }
  c.rejected /= static_cast<double>(p.size());
  return c;
}

}  // namespace

TEST_CASE("p-values of an inert category are uniform, an active one is found as often",
          "[discrete]") {
  const auto inert = rejection(DiscreteKernel::Expected, 0.0, 400, 100);
  INFO("inert: rejected " << inert.rejected << ", excess over uniform " << inert.excess);
  CHECK(inert.rejected > 0.02);
  CHECK(inert.rejected < 0.09);
  CHECK(inert.excess < 0.07);  // one-sided KS, 1% critical value for 400 draws: 0.076
  const auto expected = rejection(DiscreteKernel::Expected, 0.6, 300, 100);
  const auto jitter = rejection(DiscreteKernel::Jitter, 0.6, 300, 100);
  INFO("power: expected kernel " << expected.rejected << ", paper's jitter " << jitter.rejected);
  CHECK(expected.rejected >= jitter.rejected - 0.02);
}

TEST_CASE("calibration and power, measured", "[.][discrete-bench]") {
  for (const double effect : {0.0, 0.3, 0.6, 1.0}) {
    const auto e = rejection(DiscreteKernel::Expected, effect, 2000, 100);
    const auto j = rejection(DiscreteKernel::Jitter, effect, 2000, 100);
    WARN("effect " << effect << ": share of p < 0.05 (largest excess over uniform): expected "
                   << "kernel " << e.rejected << " (" << e.excess << "), paper's jitter "
                   << j.rejected << " (" << j.excess << ")");
  }
}
