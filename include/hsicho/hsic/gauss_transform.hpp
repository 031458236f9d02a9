// Sums of a one-dimensional Gaussian kernel against weights, for every point as target:
//   G(i, :) = sum_j exp(-(x_i - x_j)^2 / (2 s^2)) W(j, :)
// in O(n p q) instead of O(n^2 q) operations (p ~ 25 terms), to double precision.
//
// Why it is exact to rounding: sources are grouped in boxes of width s; around a box centre c,
//   exp(-(u - v)^2 / 2) = exp(-u^2/2) exp(-v^2/2) sum_k u^k v^k / k!     (u, v in units of s)
// and the series is cut where its remainder, bounded by (|u| r)^(P+1) / (P+1)! exp(-(|u|-r)^2/2)
// with r the box half-width, is below 1e-18 for every target (the fast Gauss transform of
// Greengard and Strain, with the truncation chosen from that bound). Targets farther than the
// distance where the kernel is below 1e-18 are not evaluated. Tests check the result against
// direct summation.
//
// Targets are processed in blocks of consecutive sorted points; a block's result depends only
// on the data, never on which thread or MPI rank computes it, so results are bit-identical for
// any partition of the blocks.
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Core>

namespace hsicho::hsic {

class GaussTransform {
 public:
  // x: n points (finite). s > 0: the kernel bandwidth.
  GaussTransform(const double* x, std::size_t n, double s);

  std::size_t size() const { return order_.size(); }
  std::size_t blocks() const { return block_start_.size() - 1; }
  std::size_t terms() const { return terms_; }

  // Rows of the result for target block b: the original indices of its targets, and their sums
  // against every column of W (n x q, rows in the original order of x).
  void apply_block(std::size_t b, const Eigen::MatrixXd& moments_all, Eigen::Index q,
                   std::vector<std::size_t>& rows, Eigen::MatrixXd& out) const;
  // The box moments of W (computed once, then shared by all blocks).
  Eigen::MatrixXd moments(const Eigen::MatrixXd& w) const;

  // All rows at once (serial): n x q.
  Eigen::MatrixXd apply(const Eigen::MatrixXd& w) const;

 private:
  double s_;
  std::size_t terms_ = 0;
  double cutoff_ = 0;                     // in units of s
  std::vector<std::size_t> order_;        // sorted position -> original index
  std::vector<double> sorted_;            // x in sorted order, in units of s
  std::vector<std::size_t> box_start_;    // sorted positions; box k = [start[k], start[k+1])
  std::vector<double> box_centre_;        // units of s
  std::vector<std::size_t> block_start_;  // target blocks in sorted positions
};

}  // namespace hsicho::hsic
