#include "hsicho/hsic/gauss_transform.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace hsicho::hsic {
namespace {

constexpr double kTolerance = 1e-18;    // truncation bound per source, relative to its weight
constexpr double kHalfWidth = 0.5;      // box half-width in units of s
constexpr std::size_t kBlockSize = 64;  // targets per block

// Smallest P whose remainder bound is below the tolerance for every target distance u.
std::size_t choose_terms(double r) {
  for (std::size_t p = 1; p < 200; ++p) {
    double worst = -INFINITY;
    for (double u = r; u < r + 60; u += 0.01) {
      const double log_bound =
          (p + 1) * std::log(u * r) - std::lgamma(p + 2.0) - 0.5 * (u - r) * (u - r);
      worst = std::max(worst, log_bound);
    }
    if (worst < std::log(kTolerance)) return p;
  }
  return 200;
}

}  // namespace

GaussTransform::GaussTransform(const double* x, std::size_t n, double s) : s_(s) {
  if (!(s > 0) || !std::isfinite(s)) throw std::invalid_argument("Gaussian bandwidth must be > 0");
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  sorted_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    sorted_[k] = x[order_[k]] / s;
    if (!std::isfinite(sorted_[k]))
      throw std::invalid_argument("an input value is not finite or too large for its bandwidth");
  }
  // Boxes of width 2 r over the occupied range only (empty stretches cost nothing). Every box
  // holds at least its first point, also where start + 1 == start (values beyond 2^53 s).
  for (std::size_t k = 0; k < n;) {
    const double start = sorted_[k];
    std::size_t e = k + 1;
    while (e < n && sorted_[e] < start + 2 * kHalfWidth)
      ++e;
    box_start_.push_back(k);
    box_centre_.push_back(0.5 * (start + sorted_[e - 1]));
    k = e;
  }
  box_start_.push_back(n);
  static const std::size_t terms = choose_terms(kHalfWidth);
  terms_ = terms;
  cutoff_ = kHalfWidth + std::sqrt(2 * std::log(1 / kTolerance));
  for (std::size_t k = 0; k < n; k += kBlockSize)
    block_start_.push_back(k);
  block_start_.push_back(n);
}

Eigen::MatrixXd GaussTransform::moments(const Eigen::MatrixXd& w) const {
  const std::size_t boxes = box_centre_.size(), p = terms_ + 1;
  const Eigen::Index q = w.cols();
  // Rows [box * p, box * p + p): sum over the box of exp(-v^2/2) v^k / k! w_j.
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(boxes * p), q);
  std::vector<double> power(p);
  for (std::size_t b = 0; b < boxes; ++b) {
    for (std::size_t k = box_start_[b]; k < box_start_[b + 1]; ++k) {
      const double v = sorted_[k] - box_centre_[b];
      power[0] = std::exp(-0.5 * v * v);
      for (std::size_t t = 1; t < p; ++t)
        power[t] = power[t - 1] * v / static_cast<double>(t);
      const auto row = w.row(static_cast<Eigen::Index>(order_[k]));
      for (std::size_t t = 0; t < p; ++t)
        m.row(static_cast<Eigen::Index>(b * p + t)) += power[t] * row;
    }
  }
  return m;
}

void GaussTransform::apply_block(std::size_t blk, const Eigen::MatrixXd& m, Eigen::Index q,
                                 std::vector<std::size_t>& rows, Eigen::MatrixXd& out) const {
  const std::size_t first = block_start_[blk], last = block_start_[blk + 1];
  const auto count = static_cast<Eigen::Index>(last - first);
  const auto p = static_cast<Eigen::Index>(terms_ + 1);
  rows.assign(order_.begin() + static_cast<std::ptrdiff_t>(first),
              order_.begin() + static_cast<std::ptrdiff_t>(last));
  out.setZero(count, q);
  // Boxes within the cutoff of the block's span (boxes are sorted by position).
  const double lo = sorted_[first] - cutoff_, hi = sorted_[last - 1] + cutoff_;
  const std::size_t boxes = box_centre_.size();
  std::size_t b0 = static_cast<std::size_t>(
      std::lower_bound(box_centre_.begin(), box_centre_.end(), lo - kHalfWidth) -
      box_centre_.begin());
  Eigen::MatrixXd u(count, p);
  for (std::size_t b = b0; b < boxes && box_centre_[b] <= hi + kHalfWidth; ++b) {
    for (Eigen::Index i = 0; i < count; ++i) {
      const double d = sorted_[first + static_cast<std::size_t>(i)] - box_centre_[b];
      // exp(-d^2/2) d^k, built up from the small prefactor so that no power overflows.
      double val = std::exp(-0.5 * d * d);
      for (Eigen::Index t = 0; t < p; ++t) {
        u(i, t) = val;
        val *= d;
      }
    }
    out.noalias() += u * m.middleRows(static_cast<Eigen::Index>(b) * p, p);
  }
}

Eigen::MatrixXd GaussTransform::apply(const Eigen::MatrixXd& w) const {
  const Eigen::MatrixXd m = moments(w);
  Eigen::MatrixXd result(w.rows(), w.cols()), out;
  std::vector<std::size_t> rows;
  for (std::size_t b = 0; b < blocks(); ++b) {
    apply_block(b, m, w.cols(), rows, out);
    for (std::size_t i = 0; i < rows.size(); ++i)
      result.row(static_cast<Eigen::Index>(rows[i])) = out.row(static_cast<Eigen::Index>(i));
  }
  return result;
}

}  // namespace hsicho::hsic
