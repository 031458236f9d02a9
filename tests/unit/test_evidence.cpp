// The ranking's evidence (issue 37, evidence.hpp): its tests against their definitions with
// explicit kernel matrices, the combination's p-value against Monte Carlo, calibration under no
// effect, and the ranking's rules on constructed data: an input that acts only through an
// interaction ranks as relevant; an irrelevant conditional child measured on few rows does not
// outrank a relevant input; a relevant conditional child ranks with the relevant inputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/hsic/evidence.hpp"
#include "hsicho/hsic/special.hpp"
#include "hsicho/random.hpp"

using namespace hsicho;
using namespace hsicho::hsic;

namespace {

// A standard normal draw (Box-Muller).
double normal(Rng& rng) {
  const double u = 1 - rng.uniform(), v = rng.uniform();
  return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
}

Eigen::MatrixXd dense(const InputKernel& k) {
  const auto n = k.rows();
  Eigen::MatrixXd m(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      m(i, j) = k.at(i, j);
  }
  return m;
}

// Gretton et al.'s Gamma law from explicit n x n matrices: HSIC_V = tr(K H L H) / n^2, mean
// (1/n)(mean diag K - mu_K)(mean diag L - mu_L), variance from the off-diagonal (Kc o Lc)^2.
struct Dense {
  double stat, mean, var, pvalue;
};
Dense dense_test(const Eigen::MatrixXd& k, const Eigen::MatrixXd& l) {
  const auto n = k.rows();
  const double nd = static_cast<double>(n);
  const Eigen::MatrixXd h =
      Eigen::MatrixXd::Identity(n, n) - Eigen::MatrixXd::Constant(n, n, 1.0 / nd);
  const Eigen::MatrixXd kc = h * k * h, lc = h * l * h;
  Dense d{};
  d.stat = (k * lc).trace() / (nd * nd);
  auto off_mean = [&](const Eigen::MatrixXd& m) { return (m.sum() - m.trace()) / (nd * (nd - 1)); };
  d.mean = (k.trace() / nd - off_mean(k)) * (l.trace() / nd - off_mean(l)) / nd;
  Eigen::MatrixXd b = kc.cwiseProduct(lc);
  b = b.cwiseProduct(b);
  const double off = b.sum() - b.trace();
  d.var = 2 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) * off / (nd * (nd - 1));
  d.pvalue = gamma_q(d.mean * d.mean / d.var, d.stat * d.mean / d.var);
  return d;
}

double cov_dense(const Eigen::MatrixXd& k, const Eigen::MatrixXd& l1, const Eigen::MatrixXd& l2) {
  const auto n = k.rows();
  const double nd = static_cast<double>(n);
  const Eigen::MatrixXd h =
      Eigen::MatrixXd::Identity(n, n) - Eigen::MatrixXd::Constant(n, n, 1.0 / nd);
  const Eigen::MatrixXd kc = h * k * h;
  const Eigen::MatrixXd p = kc.cwiseProduct(kc).cwiseProduct(h * l1 * h).cwiseProduct(h * l2 * h);
  return 2 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) * (p.sum() - p.trace()) /
         (nd * (nd - 1));
}

std::size_t rank_of(const Analysis& an, const std::string& name) {
  for (const auto& r : an.inputs) {
    if (r.name == name) return r.rank;
  }
  return 0;
}

}  // namespace

TEST_CASE("the goal and order tests equal their definitions with explicit matrices", "[evidence]") {
  Rng rng(17);
  const int n = 90;
  Eigen::VectorXd x(n), y(n), lv(n);
  for (int i = 0; i < n; ++i) {
    x[i] = rng.uniform();
    lv[i] = std::floor(rng.uniform() * 4) / 4 + 0.1;  // a 4-level input
    y[i] = std::sin(6 * x[i]) + 0.5 * rng.uniform();
  }
  y[7] = INFINITY;  // a diverged training
  const EvidenceTargets t = evidence_targets(y, 0.1);
  const Discrete levels{{0, 0.25, 0.5, 0.75, 1}, false};
  for (const auto* disc : {static_cast<const Discrete*>(nullptr), &levels}) {
    INFO((disc ? "categorical" : "continuous") << " input");
    const InputKernel k = input_kernel(disc ? lv : x, disc);
    const Eigen::MatrixXd km = dense(k);
    const Eigen::MatrixXd lg = t.goal * t.goal.transpose(), lo = t.order * t.order.transpose();
    const MainTests m = main_tests(k, t, 5);
    const Dense g = dense_test(km, lg), o = dense_test(km, lo);
    CHECK(m.goal.stat == Approx(g.stat).epsilon(1e-11));
    CHECK(m.order.stat == Approx(o.stat).epsilon(1e-11));
    CHECK(m.goal.pvalue == Approx(g.pvalue).epsilon(1e-9));
    CHECK(m.order.pvalue == Approx(o.pvalue).epsilon(1e-9));
    CHECK(m.rho == Approx(cov_dense(km, lg, lo) / std::sqrt(g.var * o.var)).epsilon(1e-9));
  }
}

TEST_CASE("the targets: the smooth goal weight and the order's polynomials", "[evidence]") {
  // y = 0..9, alpha 0.2: q = sorted(y)[floor(0.2 * 9)] = 1; IQR of 0..9 = 6.75 - 2.25 = 4.5;
  // scale 0.5 * 4.5 / 1.349; w = 1 up to q, exp(-(y - q) / scale) above; +inf: 0.
  Eigen::VectorXd y(10);
  for (int i = 0; i < 10; ++i)
    y[i] = i;
  y[9] = INFINITY;  // the IQR of the finite 0..8: 6 - 2 = 4
  const auto t = evidence_targets(y, 0.2);
  const double scale = 0.5 * 4.0 / 1.349;
  Eigen::VectorXd w(10), z(10);
  for (int i = 0; i < 10; ++i) {
    w[i] = i <= 1 ? 1.0 : (i == 9 ? 0.0 : std::exp(-(i - 1) / scale));
    z[i] = i <= 1 ? 1.0 : 0.0;  // the goal set: y <= q
  }
  w.array() -= w.mean();
  z.array() -= z.mean();
  for (int i = 0; i < 10; ++i) {
    CHECK(t.goal(i, 0) == Approx(w[i]).margin(1e-14));
    CHECK(t.goal(i, 1) == Approx(z[i]).margin(1e-14));
    // Mid-ranks 0..9 (no ties): u = 2 (r + 0.5) / 10 - 1, centred (its mean is 0 already).
    const double u = 2 * (i + 0.5) / 10 - 1;
    CHECK(t.order(i, 0) == Approx(u).margin(1e-14));
  }
  CHECK(t.order.col(1).sum() == Approx(0).margin(1e-13));
}

TEST_CASE("the main p-value is the capped combination's tail under the joint normal law",
          "[evidence]") {
  // Monte Carlo of M = (A + min(B, A + 1)) / sqrt(2), (A, B) standard normal, correlation r.
  Rng rng(99);
  const int draws = 400000;
  for (double r : {0.0, 0.5, -0.3}) {
    std::vector<double> m(draws);
    for (int i = 0; i < draws; ++i) {
      const double a = normal(rng), e = normal(rng);
      const double b = r * a + std::sqrt(1 - r * r) * e;
      m[static_cast<std::size_t>(i)] = (a + std::min(b, a + 1.0)) / std::sqrt(2.0);
    }
    for (double zg : {-0.5, 0.8, 2.0}) {
      for (double zo : {0.3, 1.5, 4.0}) {
        const double observed = (zg + std::min(zo, zg + 1.0)) / std::sqrt(2.0);
        const double mc = static_cast<double>(std::count_if(
                              m.begin(), m.end(), [&](double v) { return v > observed; })) /
                          draws;
        INFO("r " << r << ", z_goal " << zg << ", z_order " << zo);
        const double p = main_pvalue(normal_sf(zg), normal_sf(zo), r);
        CHECK(p == Approx(mc).margin(4 * std::sqrt(mc * (1 - mc) / draws) + 1e-5));
      }
    }
  }
  // Fully correlated tests count once: M = sqrt(2) A, p = P(N > m / sqrt(2)).
  CHECK(main_pvalue(normal_sf(2.0), normal_sf(2.0), 0.99) == Approx(normal_sf(2.0)).epsilon(0.05));
  // No order test: the goal test alone.
  CHECK(main_pvalue(0.03, NAN, 0.2) == 0.03);
}

TEST_CASE("the evidence's p-value is calibrated where nothing matters", "[evidence]") {
  // Inert inputs (a continuous, an integer, a categorical; a conditional child on a quarter of
  // the rows): the share of p < 0.05 stays at the level or below (the Bonferroni factor makes it
  // conservative), whatever the sample size.
  const Discrete integer{{0, 0.25, 0.5, 0.75, 1}, true}, category{{0, 1.0 / 3, 2.0 / 3, 1}, false};
  for (int n : {16, 40, 120}) {
    std::size_t below = 0, tests = 0;
    for (int rep = 0; rep < 150; ++rep) {
      Rng rng(1000 + rep, static_cast<std::uint64_t>(n));
      Eigen::MatrixXd x(n, 4);
      Eigen::VectorXd y(n);
      for (int i = 0; i < n; ++i) {
        for (int c = 0; c < 4; ++c)
          x(i, c) = rng.uniform();
        if (x(i, 1) >= 0.25) x(i, 3) = NAN;  // exists for one level of the integer
        y[i] = normal(rng);
      }
      const auto ev = evidence(x, y, 0.1, {{}, integer, category, {}}, true);
      for (const auto& e : ev) {
        if (std::isnan(e.pvalue)) continue;
        ++tests;
        below += e.pvalue < 0.05;
      }
    }
    INFO(n << " rows: " << below << " of " << tests << " below 0.05");
    // 0.05 plus three binomial standard errors.
    CHECK(static_cast<double>(below) / static_cast<double>(tests) <=
          0.05 + 3 * std::sqrt(0.05 * 0.95 / static_cast<double>(tests)));
  }
}

TEST_CASE("the pair test's p-value is not piled at 1 where nothing matters", "[evidence]") {
  // Its two halves (the best total within a pair, the best interaction, each the least of m
  // partners' p-values) enter Stouffer's sum as normal scores, so each must be near uniform
  // under no effect. A Bonferroni product capped at 1 gave any input whose best partner had
  // p >= 1/m a score of -8, and 240 of these 300 pair p-values were above 0.99 (one null half
  // vetoed the other); Sidak's correction gives 30 (a uniform law 3: the partners' tests are
  // positively dependent, so the least of them is conservative).
  std::size_t above = 0, below = 0, tests = 0;
  for (int rep = 0; rep < 60; ++rep) {
    Rng rng(3000 + rep);
    const int n = 48;
    Eigen::MatrixXd x(n, 5);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 5; ++c)
        x(i, c) = rng.uniform();
      y[i] = normal(rng);
    }
    for (const auto& e : evidence(x, y, 0.1, {}, true)) {
      ++tests;
      above += e.pair_p > 0.99;
      below += e.pair_p < 0.05;
    }
  }
  INFO(above << " of " << tests << " pair p-values above 0.99, " << below << " below 0.05");
  const double share_above = static_cast<double>(above) / static_cast<double>(tests);
  CHECK(share_above <= 0.15);
  // Still not anticonservative: 0.05 plus three binomial standard errors.
  CHECK(static_cast<double>(below) / static_cast<double>(tests) <=
        0.05 + 3 * std::sqrt(0.05 * 0.95 / static_cast<double>(tests)));
}

TEST_CASE("an input that acts only through an interaction ranks as relevant", "[evidence]") {
  // The authors' example: y depends on x1 and on "exactly one of x2 > 1/2, x3 > 1/2" (no main
  // effect of x2 or x3); x4, x5 inert.
  Rng rng(4);
  const int n = 200;
  Eigen::MatrixXd x(n, 5);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < 5; ++c)
      x(i, c) = rng.uniform();
    y[i] = x(i, 0) + ((x(i, 1) > 0.5) != (x(i, 2) > 0.5) ? 1.0 : 0.0) + 0.1 * normal(rng);
  }
  Options o;
  o.alpha = 0.1;
  const auto an = analyze(x, y, {"x1", "x2", "x3", "x4", "x5"}, o);
  for (const char* name : {"x1", "x2", "x3"}) {
    INFO(name);
    CHECK(rank_of(an, name) <= 3);
  }
  // x2's and x3's own tests see nothing; their pair tests do, each with the other.
  CHECK(an.inputs[1].main_pvalue > 0.05);
  CHECK(an.inputs[1].evidence_pvalue < 0.01);
  CHECK(an.inputs[1].partner == "x3");
  CHECK(an.inputs[2].partner == "x2");
  // Ranked by the index, they fall among the inert inputs.
  Options by_index = o;
  by_index.rank_by = RankBy::Index;
  const auto ai = analyze(x, y, {"x1", "x2", "x3", "x4", "x5"}, by_index);
  CHECK(std::max(rank_of(ai, "x2"), rank_of(ai, "x3")) > 3);
}

TEST_CASE("an irrelevant conditional child on few rows does not outrank a relevant input",
          "[evidence]") {
  // x1 matters (moderately); the child exists on a quarter of the rows (where its parent is
  // level 0 of 4) and is inert. Its raw index, measured on about 8 of 32 rows with the V
  // statistic's larger bias there, beats x1's in 26 of these 60 data sets; by evidence the child
  // ranks above x1 in none (measured when written: at most 10% is asserted).
  const Discrete parent{{0, 0.25, 0.5, 0.75, 1}, false};
  std::size_t above_by_evidence = 0, above_by_index = 0;
  const int sets = 60, n = 32;
  for (int rep = 0; rep < sets; ++rep) {
    Rng rng(500 + rep);
    Eigen::MatrixXd x(n, 4);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 4; ++c)
        x(i, c) = rng.uniform();
      if (x(i, 1) >= 0.25) x(i, 2) = NAN;
      y[i] = 1.5 * x(i, 0) + 0.3 * normal(rng);
    }
    Options o;
    o.alpha = 0.1;
    o.conditional = true;
    o.discrete = {{}, parent, {}, {}};
    const auto an = analyze(x, y, {"x1", "parent", "child", "inert"}, o);
    above_by_evidence += rank_of(an, "child") < rank_of(an, "x1");
    above_by_index += an.inputs[2].hsic > an.inputs[0].hsic;
  }
  INFO("child above x1: by evidence " << above_by_evidence << ", by index " << above_by_index
                                      << " of " << sets);
  CHECK(above_by_evidence <= sets / 10);
  CHECK(above_by_index > above_by_evidence);
}

TEST_CASE("an inert conditional child without evidence ranks after the inputs on every row",
          "[evidence]") {
  // One weak effect (its range equal to the noise's sd) among inert inputs: nothing has much
  // evidence at n = 32, so the order among the inert ones is chance. The child, measured on the
  // quarter of the rows where its parent is level 0, would then fill one of the top 2 places
  // about as often as any inert input; the issue asks for at most 0.1.
  const Discrete parent{{0, 0.25, 0.5, 0.75, 1}, false};
  std::size_t child_top2 = 0, child_top2_without = 0;
  const int sets = 60, n = 32;
  for (int rep = 0; rep < sets; ++rep) {
    Rng rng(1300 + rep);
    Eigen::MatrixXd x(n, 6);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 6; ++c)
        x(i, c) = rng.uniform();
      if (x(i, 1) >= 0.25) x(i, 2) = NAN;
      y[i] = x(i, 0) + normal(rng);
    }
    Options o;
    o.alpha = 0.1;
    o.conditional = true;
    o.discrete = {{}, parent, {}, {}, {}, {}};
    const auto an = analyze(x, y, {"x1", "parent", "child", "a", "b", "c"}, o);
    child_top2 += rank_of(an, "child") <= 2;
    // Where the child would rank without the rule: as if it were measured on every row.
    auto as_if = an.inputs;
    as_if[2].conditional = false;
    const auto order = ranking_order(as_if, RankBy::Evidence);
    child_top2_without += order[0] == 2 || order[1] == 2;
    // The rule itself: without evidence the child comes after every input on all rows.
    if (an.inputs[2].evidence_pvalue > kChildEvidence) CHECK(rank_of(an, "child") == 6);
  }
  INFO("child in the top 2 in " << child_top2 << " of " << sets << ", without the rule "
                                << child_top2_without);
  CHECK(child_top2 <= sets / 10);
  CHECK(child_top2_without > 2 * child_top2);
}

TEST_CASE("a relevant conditional child ranks with the relevant inputs", "[evidence]") {
  // SGD-like: the child (momentum) exists where the parent is level 0 of 2 and decides there
  // whether a training is among the best; x1 matters too; two inert inputs.
  const Discrete parent{{0, 0.5, 1}, false};
  std::size_t with_relevant = 0;
  const int sets = 20, n = 128;
  for (int rep = 0; rep < sets; ++rep) {
    Rng rng(900 + rep);
    Eigen::MatrixXd x(n, 5);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 5; ++c)
        x(i, c) = rng.uniform();
      const bool sgd = x(i, 1) < 0.5;
      if (!sgd) x(i, 2) = NAN;
      y[i] = (sgd ? 1.6 * (1 - x(i, 2)) - 0.3 : 0.3) + 0.5 * x(i, 0) + 0.2 * normal(rng);
    }
    Options o;
    o.alpha = 0.1;
    o.conditional = true;
    o.discrete = {{}, parent, {}, {}, {}};
    const auto an = analyze(x, y, {"x1", "optimizer", "momentum", "inert1", "inert2"}, o);
    // With x1 in the first two places, above the inert inputs.
    with_relevant += rank_of(an, "momentum") <= 2;
  }
  INFO("momentum in the first two places in " << with_relevant << " of " << sets);
  CHECK(with_relevant >= sets * 8 / 10);
}
