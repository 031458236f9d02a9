// Estimators whose kernel is not one-dimensional, computed directly over blocks of kernel rows
// (never an n x n matrix): the global HSIC with a Gaussian kernel on Y, and the joint target
// index of every pair of inputs (product of their Gaussian kernels). Row blocks are spread over
// threads and the partition; per-row sums are combined exactly, as in target.hpp.
#pragma once

#include <vector>

#include <Eigen/Core>

#include "hsicho/hsic/partition.hpp"
#include "hsicho/hsic/target.hpp"

namespace hsicho::hsic {

struct GlobalStats {
  double hsic = 0, r2 = 0, pvalue = 0, hsic_xx = 0, hsic_yy = 0;
};

// HSIC(X_c, Y) for every column c, Gaussian kernels with bandwidths s[c] and s_y.
std::vector<GlobalStats> global_hsic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                     const std::vector<double>& s, double s_y, Estimator est,
                                     const Partition& part);

// A column's kernel when it is not the Gaussian on x: a discrete input's expected kernel
// (discrete.hpp), entry G(l_i, l_j) off the diagonal and 1 on it.
struct LevelKernel {
  std::vector<int> levels;
  Eigen::MatrixXd g;  // empty: the Gaussian kernel on the column
};

// d x d: entry (a, b) is the target index of the pair (X_a, X_b) with the kernel K_a o K_b; the
// diagonal holds the single indices. `kernels`: empty, or one per column.
Eigen::MatrixXd target_interactions(const Eigen::MatrixXd& x, const Eigen::VectorXd& z,
                                    const std::vector<double>& s, double alpha, Estimator est,
                                    Scaling scaling, const Partition& part,
                                    const std::vector<LevelKernel>& kernels = {});

// HSIC-ANOVA (da Veiga 2021) of every pair: each column's kernel is centred under the sample's
// marginal, K0 = K - k k' / (1'K1) with k = K1 (an ANOVA kernel: zero mean over the other
// point), and the joint kernel (1 + K0_a) o (1 + K0_b) splits the pair's V index exactly into
// HSIC(K0_a) + HSIC(K0_b) + HSIC(K0_a o K0_b). The last term is what the pair adds beyond its
// two main effects: zero in expectation when one of the two is independent of the goal and of
// the other. term(a, b) holds it, term(a, a) the first-order HSIC(K0_a). p-values from
// `permutations` permutations (fixed seed): of Z for a first-order term; for a pair, of each
// input's column in turn, the larger p-value (each input independent of the other and of the
// goal; permuting Z would break the main effects too and declare a strong input interacting
// with inert ones). V statistic, scaled as `scaling` says.
struct AnovaPairs {
  Eigen::MatrixXd term, pvalue;
  std::size_t permutations = 0;
};
AnovaPairs anova_interactions(const Eigen::MatrixXd& x, const Eigen::VectorXd& z,
                              const std::vector<double>& s, double alpha, Scaling scaling,
                              std::size_t permutations, const Partition& part,
                              const std::vector<LevelKernel>& kernels = {});

}  // namespace hsicho::hsic
