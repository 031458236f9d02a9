// HSIC-ANOVA of pairs (issue 19): what a pair adds beyond its main effects. Checked against its
// definition with explicit kernel matrices, on the authors' example (two inputs that matter only
// together), and on a study where one input matters alone: its pairs with inert inputs must not
// come out as interactions more often than the test's level.
#include <catch2/catch.hpp>

#include <cmath>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/hsic/pairwise.hpp"
#include "hsicho/random.hpp"
#include "reference.hpp"

using namespace hsicho;
using namespace hsicho::hsic;

namespace {

Eigen::MatrixXd anova_kernel(const Eigen::VectorXd& x, double s) {
  const auto n = x.size();
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      k(i, j) = std::exp(-(x[i] - x[j]) * (x[i] - x[j]) / (2 * s * s));
  }
  // Centred under the sample: k0(x, x') = k(x, x') - mu(x) mu(x') / M, mu = row means, M = mean.
  const Eigen::VectorXd mu = k.rowwise().mean();
  return k - mu * mu.transpose() / k.mean();
}

double hsic_v(const Eigen::MatrixXd& k, const Eigen::VectorXd& z) {
  const Eigen::VectorXd c = z.array() - z.mean();
  return c.dot(k * c) / static_cast<double>(k.rows() * k.rows());
}

}  // namespace

TEST_CASE("HSIC-ANOVA terms: the definition, and the split of the joint index", "[anova]") {
  Rng rng(8);
  const int n = 80;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd z(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c)
      x(i, c) = rng.uniform();
    z[i] = x(i, 0) + 0.3 * x(i, 1) + 0.2 * rng.uniform() < 0.45 ? 1 : 0;
  }
  const std::vector<double> s = {0.3, 0.25, 0.4};
  const auto av = anova_interactions(x, z, s, 0.1, Scaling::Hsic, 99, Partition{});
  std::vector<Eigen::MatrixXd> k0;
  for (int c = 0; c < 3; ++c)
    k0.push_back(anova_kernel(x.col(c), s[static_cast<std::size_t>(c)]));
  for (int a = 0; a < 3; ++a) {
    CHECK(av.term(a, a) == Approx(hsic_v(k0[a], z)).epsilon(1e-11));
    for (int b = a + 1; b < 3; ++b) {
      CHECK(av.term(a, b) == Approx(hsic_v(k0[a].cwiseProduct(k0[b]), z)).epsilon(1e-11));
      // (1 + K0_a) o (1 + K0_b): the joint index is the sum of the three terms.
      const Eigen::MatrixXd one = Eigen::MatrixXd::Ones(n, n);
      const double joint = hsic_v((one + k0[a]).cwiseProduct(one + k0[b]), z);
      CHECK(joint == Approx(av.term(a, a) + av.term(b, b) + av.term(a, b)).epsilon(1e-10));
    }
  }
  CHECK(av.pvalue(0, 0) < 0.02);  // x0 drives z
}

TEST_CASE("two inputs that matter only together are an interaction, a main effect is not",
          "[anova]") {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  test::authors_interaction_example(300, x, y);
  Options o;
  o.alpha = 0.2;
  o.interactions = true;
  const Analysis an = analyze(x, y, {"x1", "x2", "x3", "x4"}, o);
  const auto& t = an.interaction_anova;
  const auto& p = an.interaction_pvalue;
  INFO("x2 x x3: " << t(1, 2) << " (p " << p(1, 2) << "); x1 x x4: " << t(0, 3) << " (p " << p(0, 3)
                   << "); x1 x x2: " << t(0, 1) << " (p " << p(0, 1) << ")");
  CHECK(p(1, 2) < 0.01);
  CHECK(t(1, 2) > 5 * std::max({t(0, 1), t(0, 2), t(0, 3), t(1, 3), t(2, 3)}));
  // x1 x x4 (x1 matters, x4 not) is one draw of a valid test here (p 0.027 with this seed): its
  // calibration is checked over many studies below, not on one.
  CHECK(p(1, 1) > 0.05);  // x2 alone does not change the odds of landing among the best
}

namespace {
// Share of studies where the pair (main effect, inert input) is declared an interaction.
double false_interactions(int reps, int n) {
  int found = 0, tests = 0;
  for (int r = 0; r < reps; ++r) {
    Rng rng(500 + static_cast<std::uint64_t>(r));
    Eigen::MatrixXd x(n, 4);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 4; ++c)
        x(i, c) = rng.uniform();
      y[i] = std::log(1e-3 + x(i, 0)) + 0.5 * rng.uniform();  // "lr" alone matters
    }
    Options o;
    o.alpha = 0.15;
    o.interactions = true;
    o.pvalues = PValueMethod::None;
    const Analysis an = analyze(x, y, {"lr", "a", "b", "c"}, o);
    for (int c = 1; c < 4; ++c, ++tests)
      found += an.interaction_pvalue(0, c) < 0.05;
  }
  return static_cast<double>(found) / tests;
}
}  // namespace

TEST_CASE("a strong main effect does not make interactions with inert inputs", "[anova]") {
  const double share = false_interactions(60, 120);  // 180 tests at the 5% level
  INFO("share of (lr, inert) pairs with p < 0.05: " << share);
  CHECK(share < 0.1);
}

TEST_CASE("false interactions of a main effect, measured", "[.][anova-bench]") {
  WARN("share of (lr, inert) pairs with p < 0.05 over 400 studies of 120: " << false_interactions(
           400, 120));
}

TEST_CASE("bootstrap intervals and top-k shares: a strong input is always on top", "[bootstrap]") {
  Rng rng(77);
  const int n = 150;
  Eigen::MatrixXd x(n, 4);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < 4; ++c)
      x(i, c) = rng.uniform();
    y[i] = x(i, 0) + 0.2 * rng.uniform();  // x0 decides, the others are inert
  }
  Options o;
  o.alpha = 0.1;
  o.bootstrap = 200;
  o.top_k = 1;
  const Analysis a = analyze(x, y, {"strong", "inert1", "inert2", "inert3"}, o);
  CHECK(a.bootstrap == 200);
  CHECK(a.top_k == 1);
  const auto& s = a.inputs[0];
  INFO("strong: " << s.hsic << " in [" << s.ci_low << ", " << s.ci_high << "], top share "
                  << s.top_share);
  CHECK(s.top_share == 1.0);
  CHECK(s.ci_low < s.hsic);
  CHECK(s.hsic < s.ci_high);
  for (int c = 1; c < 4; ++c) {
    CHECK(a.inputs[static_cast<std::size_t>(c)].top_share == 0.0);
    CHECK(a.inputs[static_cast<std::size_t>(c)].ci_high < s.ci_low);
  }
  double shares = 0;
  for (const auto& r : a.inputs)
    shares += r.top_share;
  CHECK(shares == Approx(1.0));  // top 1: one input per resample
  // Deterministic: the same resamples again.
  const Analysis b = analyze(x, y, {"strong", "inert1", "inert2", "inert3"}, o);
  CHECK(b.inputs[2].ci_high == a.inputs[2].ci_high);
}
