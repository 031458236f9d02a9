// Discrete inputs (categorical, boolean, integer) without a random draw or an order of
// categories. The paper maps level j to a jittered point of its bin [e_j, e_{j+1}) of [0, 1] and
// uses the Gaussian kernel there, so an index depends on the jitter's seed and, for categories,
// on the order the deck lists them. The expected kernel is that kernel in expectation:
//   ordered levels (integers):   G(a, b) = E k(U_a, U_b),   U_j ~ Uniform(bin j), independent;
//   unordered (categories):      the same averaged over every assignment of levels to bins:
//                                G(a, a) = mean_j E k(U_j, U'_j),  G(a, b) = mean_{j != k} ...
// with K_ii = 1 for a row with itself. HSIC_V is linear in the kernel, so the target index with
// this kernel is exactly the paper's index averaged over the jitter (and the order): on the same
// scale as a continuous input's, with nothing random left (docs/hsic.md, "Discrete inputs").
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hsicho/hsic/bandwidth.hpp"
#include "hsicho/hsic/target.hpp"

namespace hsicho::hsic {

// Above this many levels an input is analysed as continuous (its jittered values): bins are then
// narrow enough for the jitter to matter little, and the L x L kernel would grow large.
constexpr std::size_t kMaxExpectedLevels = 128;

struct Discrete {
  std::vector<double> edges;  // L + 1 bin edges in [0, 1]; empty: a continuous input
  bool ordered = true;        // integers: yes; categories and booleans: no

  bool is_discrete() const { return edges.size() >= 3 && edges.size() <= kMaxExpectedLevels + 1; }
  std::size_t levels() const { return edges.empty() ? 0 : edges.size() - 1; }
};

// E exp(-(U - V)^2 / (2 s^2)) for U, V uniform and independent on [a0, a1] and [b0, b1].
double expected_gaussian(double a0, double a1, double b0, double b1, double s);

// The L x L expected kernel for bandwidth s.
Eigen::MatrixXd expected_kernel(const Discrete& d, double s);

// The level (bin) of each value of x; NaN values must have been removed.
std::vector<int> levels_of(const Eigen::VectorXd& x, const Discrete& d);

// The bandwidth for a discrete input: the rule applied to points placed deterministically where
// the jitter puts them on average (counts spread evenly in each bin). Unordered inputs use the
// points of a balanced design (a uniform grid), so that no order of categories enters. Max and
// Value rules are handled by the caller.
double discrete_bandwidth(const BandwidthRule& rule, const std::vector<int>& levels,
                          const Discrete& d);

// The row sums target_stats needs (k, t and, if `squared`, those of K o K), exactly, in
// O(n + L^2): rows of one level share them.
TargetSums discrete_sums(const std::vector<int>& levels, const Eigen::MatrixXd& g,
                         const Eigen::VectorXd& z, bool squared);

// Permutation p-value of the target index with the expected kernel (as permutation_pvalue);
// `null95`, when given, receives the 95% quantile of the permuted indices (Hsic scaling).
double discrete_permutation_pvalue(const std::vector<int>& levels, const Eigen::MatrixXd& g,
                                   const Eigen::VectorXd& z, double alpha, Estimator est,
                                   std::size_t permutations, std::uint64_t seed,
                                   double* null95 = nullptr);

}  // namespace hsicho::hsic
