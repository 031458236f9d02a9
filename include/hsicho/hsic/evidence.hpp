// The ranking every output of hsicho shows: hyperparameters ordered by the evidence that they
// decide whether a training lands among the best alpha fraction, on one scale for every input
// (a conditional one, measured on the rows where it exists, included). Why this and not the raw
// index: indices measured on different numbers of rows are not comparable (the V statistic's bias
// grows as rows shrink), the 0/1 goal of alpha n rows throws away the order of every other
// training, and an input that acts only through an interaction has no main effect (docs/hsic.md,
// "The ranking"; measured in docs/results.md).
//
// Per input, on its rows (a conditional input: where it is active, the goal recomputed there):
//   goal test   HSIC of the input with the goal: the kernel w w' + z z' of the smooth weight
//               w = exp(-max(0, y - q) / (0.5 r)) (q the alpha-quantile, r a robust spread of the
//               errors, IQR / 1.349; w = 0 for +inf) and the goal set's indicator z = 1{y <= q}:
//               how close the input brings a training to the goal, and how often into it
//   order test  HSIC with the errors' order: a kernel of the Legendre polynomials (degrees 1-3) of
//               their mid-ranks (a monotone, a U-shaped and an S-shaped trend)
//   main        M = (z_goal + min(z_order, z_goal + 1)) / sqrt(2): the order supports the goal
//               test but cannot replace it (an input that orders only the bad trainings is not
//               evidence of reaching the best); its p-value under the two tests' joint null law
//   pair        inputs without missing values, up to kMaxPairRows rows: for each other input j,
//               the input's total effect within the pair under the goal (first order plus
//               interaction, HSIC-ANOVA kernel K0_i o (1 + K0_j)) and the pure interaction
//               K0_i o K0_j under the order, each tested by permuting the input's column; the
//               best j with a Bonferroni factor d - 1; the two combined (Stouffer)
//   evidence    p = min(1, 2 min(p_main, p_pair)) for every input (a conditional one, without
//               pair tests, pays the same factor 2); the score is its normal quantile z, or 0
//               where p >= 0.5 (no evidence; ties are ordered by the index).
// p-values: the Gamma law of HSIC_V under independence (Gretton et al. 2008), its moments from
// the kernels; below kExactRows rows (where that law is too narrow) and for the pair tests, the
// moments of permutations. Each test is computed whole by one process: bit-identical results for
// any number of MPI ranks.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hsicho/hsic/discrete.hpp"
#include "hsicho/hsic/partition.hpp"

namespace hsicho::hsic {

// What the ranking is by, in one line: every output that ranks prints it.
inline constexpr const char* kEvidenceRule =
    "ranked by evidence of deciding the best: a goal test, supported by the errors' order, or an "
    "interaction (docs/hsic.md, \"The ranking\")";

// Below this many rows a test's null moments come from permutations.
constexpr std::size_t kExactRows = 20;
// Above this many rows the pair tests are not computed (n x n matrices per input).
constexpr std::size_t kMaxPairRows = 1000;

// The targets of the tests, from the errors y (+inf: a diverged training) at level alpha: centred
// columns V, the target kernel being V V'.
struct EvidenceTargets {
  Eigen::MatrixXd goal;   // n x 2: the smooth goal weight, and the goal set's indicator
  Eigen::MatrixXd order;  // n x 3: Legendre polynomials of degrees 1-3 of the mid-ranks
};
EvidenceTargets evidence_targets(const Eigen::VectorXd& y, double alpha);

// One input's kernel as the tests see it: the Gaussian of bandwidth s on x, or a discrete input's
// expected kernel g (levels x levels) on its levels; K_ii = 1 either way.
struct InputKernel {
  Eigen::VectorXd x;
  double s = 1;
  std::vector<int> levels;
  Eigen::MatrixXd g;

  bool discrete() const { return g.size() > 0; }
  Eigen::Index rows() const { return x.size(); }
  double at(Eigen::Index i, Eigen::Index j) const;
  // K W, or (K o K) W when `squared`.
  Eigen::MatrixXd apply(const Eigen::MatrixXd& w, bool squared) const;
};
// The kernel of values x (no NaN), bandwidth by the median rule (discrete.hpp for a discrete one).
InputKernel input_kernel(const Eigen::VectorXd& x, const Discrete* discrete);

struct KernelTest {
  double stat = 0;    // HSIC_V(K, V V')
  double pvalue = 1;  // under independence; 1 when the target or the kernel is constant
};
// The goal and the order tests of one input, and the correlation of their statistics under
// independence (the same null moments, with the product of the two targets: their p-values are
// combined, and correlated tests must not count twice).
struct MainTests {
  KernelTest goal, order;
  double rho = 0;
};
MainTests main_tests(const InputKernel& k, const EvidenceTargets& t, std::uint64_t seed);

struct Evidence {
  double goal_p = NAN, order_p = NAN, rho = NAN, main_p = NAN, pair_p = NAN;
  double pvalue = NAN, score = NAN;  // NaN: no evidence (fewer than 4 rows where active)
  std::ptrdiff_t partner = -1;       // the column of the best pair test, -1 without one
};

// Every column's evidence. x: n x d (NaN: inactive); y: n errors (no NaN); `discrete`: empty or
// one per column; `pairs`: compute the pair tests (the bootstrap leaves them out).
std::vector<Evidence> evidence(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double alpha,
                               const std::vector<Discrete>& discrete, bool pairs,
                               const Partition& part = {});

// The rules that turn the tests' p-values into the main part and the evidence (Evidence's fields
// from its parts; the bootstrap recombines resampled main parts with the pair part). The main
// part's p-value is that of M = (z_goal + min(z_order, z_goal + 1)) / sqrt(2) when the two normal
// scores are standard normal with correlation rho (their null law): exact for that law, by
// quadrature.
double main_pvalue(double goal_p, double order_p, double rho);
double evidence_pvalue(double main_p, double pair_p);
// The normal score of a p-value, clamped to [1e-300, 1 - 1e-16]; NaN for NaN.
double evidence_score(double p);

}  // namespace hsicho::hsic
