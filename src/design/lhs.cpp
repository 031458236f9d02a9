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

Eigen::MatrixXd augment_latin_hypercube(const Eigen::MatrixXd& x, std::size_t n, Rng& rng,
                                        const std::vector<bool>& centered) {
  const auto n0 = static_cast<std::size_t>(x.rows()), d = static_cast<std::size_t>(x.cols());
  Eigen::MatrixXd out(n, d);
  out.topRows(static_cast<Eigen::Index>(n0)) = x;
  const std::size_t m = n - n0;
  std::vector<char> used(n);
  std::vector<std::size_t> empty;
  for (std::size_t c = 0; c < d; ++c) {
    std::fill(used.begin(), used.end(), 0);
    for (std::size_t i = 0; i < n0; ++i) {
      const double s = std::floor(x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) *
                                  static_cast<double>(n));
      used[static_cast<std::size_t>(std::clamp(s, 0.0, static_cast<double>(n - 1)))] = 1;
    }
    empty.clear();
    for (std::size_t s = 0; s < n; ++s) {
      if (!used[s]) empty.push_back(s);
    }
    rng.shuffle(empty.data(), empty.size());  // a random subset of m, in a random order
    const bool mid = c < centered.size() && centered[c];
    for (std::size_t i = 0; i < m; ++i) {
      const double offset = mid ? 0.5 : rng.uniform();
      out(static_cast<Eigen::Index>(n0 + i), static_cast<Eigen::Index>(c)) =
          (static_cast<double>(empty[i]) + offset) / static_cast<double>(n);
    }
  }
  return out;
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
