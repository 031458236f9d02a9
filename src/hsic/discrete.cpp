#include "hsicho/hsic/discrete.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hsicho/random.hpp"

namespace hsicho::hsic {
namespace {

// Psi(d) = int_0^|d| (|d| - r) g(r) dr for g(r) = exp(-r^2 / (2 s^2)): Psi'' = g, so the double
// integral of g(u - v) over a rectangle is a signed sum of four Psi values.
double psi(double d, double s) {
  d = std::fabs(d);
  const double q = d / (s * std::sqrt(2.0));
  return d * s * std::sqrt(M_PI / 2) * std::erf(q) - s * s * (-std::expm1(-q * q));
}

}  // namespace

double expected_gaussian(double a0, double a1, double b0, double b1, double s) {
  const double wa = a1 - a0, wb = b1 - b0;
  if (wa <= 0 || wb <= 0) {
    // A point on one side (or both): the single integral, or the kernel itself.
    const double ua = 0.5 * (a0 + a1), ub = 0.5 * (b0 + b1);
    if (wa <= 0 && wb <= 0) return std::exp(-(ua - ub) * (ua - ub) / (2 * s * s));
    const double u = wa <= 0 ? ua : ub, lo = wa <= 0 ? b0 : a0, hi = wa <= 0 ? b1 : a1;
    const double c = s * std::sqrt(M_PI / 2) / (hi - lo);
    return c *
           (std::erf((hi - u) / (s * std::sqrt(2.0))) - std::erf((lo - u) / (s * std::sqrt(2.0))));
  }
  const double v = psi(a1 - b0, s) - psi(a1 - b1, s) - psi(a0 - b0, s) + psi(a0 - b1, s);
  return v / (wa * wb);
}

Eigen::MatrixXd expected_kernel(const Discrete& d, double s) {
  const auto l = static_cast<Eigen::Index>(d.levels());
  Eigen::MatrixXd g(l, l);
  for (Eigen::Index a = 0; a < l; ++a) {
    for (Eigen::Index b = a; b < l; ++b) {
      g(a, b) = g(b, a) = expected_gaussian(
          d.edges[static_cast<std::size_t>(a)], d.edges[static_cast<std::size_t>(a) + 1],
          d.edges[static_cast<std::size_t>(b)], d.edges[static_cast<std::size_t>(b) + 1], s);
    }
  }
  if (d.ordered || l < 2) return g;
  // Every assignment of categories to bins equally likely: a category with itself is a bin with
  // itself, two categories are two distinct bins, each on average.
  const double same = g.diagonal().sum() / static_cast<double>(l);
  const double other =
      (g.sum() - g.diagonal().sum()) / (static_cast<double>(l) * static_cast<double>(l - 1));
  Eigen::MatrixXd u = Eigen::MatrixXd::Constant(l, l, other);
  u.diagonal().setConstant(same);
  return u;
}

std::vector<int> levels_of(const Eigen::VectorXd& x, const Discrete& d) {
  std::vector<int> out(static_cast<std::size_t>(x.size()));
  const int l = static_cast<int>(d.levels());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    // The last edge at or below x: bins are [e_j, e_{j+1}), the last one closed.
    const auto it = std::upper_bound(d.edges.begin() + 1, d.edges.end() - 1, x[i]);
    out[static_cast<std::size_t>(i)] =
        std::clamp(static_cast<int>(it - (d.edges.begin() + 1)), 0, l - 1);
  }
  return out;
}

double discrete_bandwidth(const BandwidthRule& rule, const std::vector<int>& levels,
                          const Discrete& d) {
  const std::size_t n = levels.size();
  std::vector<double> points;
  points.reserve(n);
  if (d.ordered) {
    std::vector<std::size_t> count(d.levels(), 0);
    for (int l : levels)
      ++count[static_cast<std::size_t>(l)];
    for (std::size_t j = 0; j < count.size(); ++j) {
      const double lo = d.edges[j], w = d.edges[j + 1] - d.edges[j];
      for (std::size_t k = 0; k < count[j]; ++k)
        points.push_back(lo + w * (static_cast<double>(k) + 0.5) / static_cast<double>(count[j]));
    }
  } else {
    for (std::size_t k = 0; k < n; ++k)
      points.push_back((static_cast<double>(k) + 0.5) / static_cast<double>(n));
  }
  const double s = rule.kind == BandwidthRule::Kind::Std ? std_bandwidth(points.data(), n)
                                                         : median_bandwidth(points.data(), n);
  return s > 0 ? s : 1.0;
}

TargetSums discrete_sums(const std::vector<int>& levels, const Eigen::MatrixXd& g,
                         const Eigen::VectorXd& z, bool squared) {
  const auto l = g.rows();
  Eigen::VectorXd count = Eigen::VectorXd::Zero(l), goal = Eigen::VectorXd::Zero(l);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    count[levels[i]] += 1;
    goal[levels[i]] += z[static_cast<Eigen::Index>(i)];
  }
  // Row i: sum over j of G(l_i, l_j), with the row itself counted as 1 instead of G(l_i, l_i).
  auto fill = [&](const Eigen::MatrixXd& k, Eigen::VectorXd& rk, Eigen::VectorXd& rt) {
    const Eigen::VectorXd kc = k * count, kg = k * goal;
    const auto n = static_cast<Eigen::Index>(levels.size());
    rk.resize(n);
    rt.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const int a = levels[static_cast<std::size_t>(i)];
      const double self = 1 - k(a, a);
      rk[i] = kc[a] + self;
      rt[i] = kg[a] + self * z[i];
    }
  };
  TargetSums s;
  fill(g, s.k, s.t);
  if (squared) fill(g.cwiseProduct(g), s.k2, s.t2);
  return s;
}

double discrete_permutation_pvalue(const std::vector<int>& levels, const Eigen::MatrixXd& g,
                                   const Eigen::VectorXd& z, double alpha, Estimator est,
                                   std::size_t permutations, std::uint64_t seed, double* null95) {
  const std::size_t n = levels.size();
  const double nd = static_cast<double>(n), m = z.sum();
  const TargetSums s = discrete_sums(levels, g, z, false);
  const double a = s.k.sum();
  const Eigen::VectorXd off = Eigen::VectorXd::Ones(g.rows()) - g.diagonal();
  // B = sum_{i,j in S} K_ij = g_S' G g_S + sum_{i in S} (1 - G_{l_i l_i}); C = sum_{i in S} k_i.
  auto index_for = [&](const Eigen::VectorXd& zz) {
    Eigen::VectorXd goal = Eigen::VectorXd::Zero(g.rows());
    double c = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (zz[static_cast<Eigen::Index>(i)] > 0) {
        goal[levels[i]] += 1;
        c += s.k[static_cast<Eigen::Index>(i)];
      }
    }
    const double b = goal.dot(g * goal) + goal.dot(off);
    return target_index(nd, m, a, b, c, alpha, est, Scaling::Hsic);
  };
  const double observed = index_for(z);
  Rng rng(seed, 0x9E37);
  std::vector<std::size_t> perm(n);
  Eigen::VectorXd zp(static_cast<Eigen::Index>(n));
  std::size_t exceed = 0;
  std::vector<double> permuted(permutations);
  for (std::size_t p = 0; p < permutations; ++p) {
    std::iota(perm.begin(), perm.end(), 0);
    rng.shuffle(perm.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      zp[static_cast<Eigen::Index>(i)] = z[static_cast<Eigen::Index>(perm[i])];
    permuted[p] = index_for(zp);
    if (permuted[p] >= observed) ++exceed;
  }
  if (null95 && permutations > 0) {
    const auto k =
        static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(permutations))) - 1;
    std::nth_element(permuted.begin(), permuted.begin() + static_cast<std::ptrdiff_t>(k),
                     permuted.end());
    *null95 = permuted[k];
  }
  return (1.0 + static_cast<double>(exceed)) / (1.0 + static_cast<double>(permutations));
}

}  // namespace hsicho::hsic
