// Goal-oriented (target) HSIC of one input x against Z = 1{y <= q}:
//   HSIC_V = (1/n^2) tr(K H L H), L = z z^T, which equals (m/n)^2 MMD_V^2(P_X, P_{X | Z=1}).
// Everything the estimators need (V and U statistics, R2-HSIC, the standard error, the Gamma
// approximation of the null law) is a function of four row-sum vectors of the n x n kernel:
//   k_i = sum_j K_ij,  t_i = sum_{j in S} K_ij,  and the same for K o K (a Gaussian kernel of
// bandwidth s / sqrt(2)). They come from the fast Gauss transform, so memory is O(n) and time
// O(n p) per input; no n x n matrix is ever formed.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hsicho/hsic/gauss_transform.hpp"
#include "hsicho/hsic/partition.hpp"

namespace hsicho::hsic {

enum class Estimator { V, U };
// Hsic: the index is HSIC(X, Z) = (m/n)^2 MMD^2. Paper: alpha^2 MMD^2, as the authors' code.
enum class Scaling { Hsic, Paper };

// The goal set: z_i = 1 where y_i <= q, q = sorted(y)[floor(alpha (n - 1))].
struct Goal {
  Eigen::VectorXd z;  // 0 / 1
  double threshold = 0;
  std::size_t m = 0;
};
// Throws std::invalid_argument for alpha outside (0, 1), fewer than 2 values or NaN in y.
Goal goal_set(const Eigen::VectorXd& y, double alpha);

struct TargetSums {
  Eigen::VectorXd k, t, k2, t2;
};

// Row sums through the Gauss transform, blocks of targets spread over the partition.
TargetSums target_sums(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s,
                       const Partition& part, bool squared = true);

struct TargetStats {
  double hsic = 0;     // the index, scaled as asked
  double stderr_ = 0;  // the authors' standard error (see target.cpp)
  double r2 = 0;       // HSIC(X,Z) / sqrt(HSIC(X,X) HSIC(Z,Z)), same estimator
  double pvalue = 0;   // Gamma approximation (for U: at n (HSIC_U + mean), as OpenTURNS)
  double null95 = 0;   // the index's 95% quantile under independence (that law); NaN if none
  double hsic_xx = 0, hsic_zz = 0;
};

TargetStats target_stats(const TargetSums& sums, const Eigen::VectorXd& z, double alpha,
                         Estimator est, Scaling scaling);

// The index alone from the sums A = sum K, B = sum_{S,S} K, C = sum_{i, j in S} K.
double target_index(double n, double m, double a, double b, double c, double alpha, Estimator est,
                    Scaling scaling);

// Permutation test of "index = 0": B seeded permutations of z, all served by one pass of the
// Gauss transform with the permuted indicators as columns. p = (1 + #{perm >= observed}) / (1 + B).
double permutation_pvalue(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s,
                          double alpha, Estimator est, std::size_t permutations, std::uint64_t seed,
                          const Partition& part);

}  // namespace hsicho::hsic
