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

// d x d: entry (a, b) is the target index of the pair (X_a, X_b) with the kernel K_a o K_b; the
// diagonal holds the single indices.
Eigen::MatrixXd target_interactions(const Eigen::MatrixXd& x, const Eigen::VectorXd& z,
                                    const std::vector<double>& s, double alpha, Estimator est,
                                    Scaling scaling, const Partition& part);

}  // namespace hsicho::hsic
