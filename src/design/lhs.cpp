#include "hsicho/design/lhs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hsicho::design {

Eigen::MatrixXd latin_hypercube(std::size_t n, std::size_t d, Rng& rng,
                                const std::vector<bool>& centered) {
  Eigen::MatrixXd x(n, d);
  std::vector<std::size_t> perm(n);
  for (std::size_t c = 0; c < d; ++c) {
    std::iota(perm.begin(), perm.end(), 0);
    rng.shuffle(perm.data(), n);
    const bool mid = c < centered.size() && centered[c];
    for (std::size_t i = 0; i < n; ++i) {
      const double offset = mid ? 0.5 : rng.uniform();
      x(i, c) = (static_cast<double>(perm[i]) + offset) / static_cast<double>(n);
    }
  }
  return x;
}

Eigen::MatrixXd random_design(std::size_t n, std::size_t d, Rng& rng) {
  Eigen::MatrixXd x(n, d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c)
      x(i, c) = rng.uniform();
  }
  return x;
}

double centered_discrepancy(const Eigen::MatrixXd& x) {
  const auto n = x.rows(), d = x.cols();
  double single = 0, pairs = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    double s = 1;
    for (Eigen::Index k = 0; k < d; ++k) {
      const double z = std::fabs(x(i, k) - 0.5);
      s *= 1 + 0.5 * z - 0.5 * z * z;
    }
    single += s;
    for (Eigen::Index j = 0; j < n; ++j) {
      double p = 1;
      for (Eigen::Index k = 0; k < d; ++k) {
        p *= 1 + 0.5 * std::fabs(x(i, k) - 0.5) + 0.5 * std::fabs(x(j, k) - 0.5) -
             0.5 * std::fabs(x(i, k) - x(j, k));
      }
      pairs += p;
    }
  }
  const double nn = static_cast<double>(n);
  return std::pow(13.0 / 12.0, static_cast<double>(d)) - 2.0 / nn * single + pairs / (nn * nn);
}

double min_distance(const Eigen::MatrixXd& x) {
  double best = INFINITY;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = i + 1; j < x.rows(); ++j)
      best = std::min(best, (x.row(i) - x.row(j)).squaredNorm());
  }
  return std::sqrt(best);
}

}  // namespace hsicho::design
