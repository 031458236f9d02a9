#include "hsicho/hsic/target.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "hsicho/hsic/special.hpp"
#include "hsicho/random.hpp"

namespace hsicho::hsic {

Goal goal_set(const Eigen::VectorXd& y, double alpha) {
  const auto n = static_cast<std::size_t>(y.size());
  if (!(alpha > 0 && alpha < 1)) throw std::invalid_argument("alpha must be in (0, 1)");
  if (n < 2) throw std::invalid_argument("at least 2 values are needed");
  // +inf is a valid error (a diverged training: never among the best); NaN is not a value.
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i]) || y[i] == -INFINITY) {
      throw std::invalid_argument("the target has a NaN or -inf value (row " +
                                  std::to_string(i + 1) + ")");
    }
  }
  std::vector<double> sorted(y.data(), y.data() + n);
  std::sort(sorted.begin(), sorted.end());
  Goal g;
  g.threshold = sorted[static_cast<std::size_t>(std::floor(alpha * static_cast<double>(n - 1)))];
  g.z.resize(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    // +inf is never among the best, even when the quantile itself is +inf (most rows diverged).
    const bool best = y[i] <= g.threshold && y[i] < INFINITY;
    g.z[i] = best ? 1.0 : 0.0;
    g.m += best ? 1 : 0;
  }
  if (g.m == 0) {
    throw std::invalid_argument(
        "no row has a finite value: every training diverged or failed, "
        "nothing to compare");
  }
  if (g.m == n) {
    throw std::invalid_argument("every row is in the goal set (ties at the threshold " +
                                std::to_string(g.threshold) +
                                "): the target does not separate rows");
  }
  return g;
}

namespace {

// Applies the transform to the columns of W; every rank ends with all n rows.
Eigen::MatrixXd distributed_apply(const GaussTransform& gt, const Eigen::MatrixXd& w,
                                  const Partition& part) {
  const Eigen::MatrixXd m = gt.moments(w);
  Eigen::MatrixXd result = Eigen::MatrixXd::Zero(w.rows(), w.cols());
  const auto blocks = static_cast<std::ptrdiff_t>(gt.blocks());
#pragma omp parallel
  {
    std::vector<std::size_t> rows;
    Eigen::MatrixXd out;
#pragma omp for schedule(dynamic)
    for (std::ptrdiff_t b = 0; b < blocks; ++b) {
      if (!part.owns(static_cast<std::size_t>(b))) continue;
      gt.apply_block(static_cast<std::size_t>(b), m, w.cols(), rows, out);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        result.row(static_cast<Eigen::Index>(rows[i])) = out.row(static_cast<Eigen::Index>(i));
      }
    }
  }
  part.reduce(result.data(), static_cast<std::size_t>(result.size()));
  return result;
}

double sum(const Eigen::VectorXd& v) {
  double s = 0;  // plain sequential order: the same on every rank and machine
  for (Eigen::Index i = 0; i < v.size(); ++i)
    s += v[i];
  return s;
}

double dot(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  double s = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

// U statistic of HSIC (Song et al. 2012) from the sums of the off-diagonal kernels:
// tr(K~L~), 1'K~1, 1'L~1, 1'K~L~1.
double u_statistic(double n, double tr_kl, double sum_k, double sum_l, double k_l) {
  return (tr_kl + sum_k * sum_l / ((n - 1) * (n - 2)) - 2.0 / (n - 2) * k_l) / (n * (n - 3));
}

}  // namespace

TargetSums target_sums(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s,
                       const Partition& part, bool squared) {
  const auto n = static_cast<std::size_t>(x.size());
  Eigen::MatrixXd w(x.size(), 2);
  w.col(0).setOnes();
  w.col(1) = z;
  TargetSums sums;
  const Eigen::MatrixXd r = distributed_apply(GaussTransform(x.data(), n, s), w, part);
  sums.k = r.col(0);
  sums.t = r.col(1);
  if (squared) {  // K o K is the Gaussian kernel of bandwidth s / sqrt(2)
    const Eigen::MatrixXd r2 =
        distributed_apply(GaussTransform(x.data(), n, s / std::sqrt(2.0)), w, part);
    sums.k2 = r2.col(0);
    sums.t2 = r2.col(1);
  }
  return sums;
}

double target_index(double n, double m, double a, double b, double c, double alpha, Estimator est,
                    Scaling scaling) {
  const double p = m / n;
  double hsic;
  if (est == Estimator::V) {
    hsic = b / (n * n) - 2 * m * c / (n * n * n) + m * m * a / (n * n * n * n);
  } else {
    // K~, L~: zero diagonals (K_ii = 1, L_ii = z_i); L~ 1 = (m - 1) z.
    hsic = u_statistic(n, b - m, a - n, m * (m - 1), (m - 1) * (c - m));
  }
  // Paper scaling: alpha^2 MMD^2 instead of (m/n)^2 MMD^2.
  return scaling == Scaling::Paper ? hsic * (alpha * alpha) / (p * p) : hsic;
}

TargetStats target_stats(const TargetSums& s, const Eigen::VectorXd& z, double alpha, Estimator est,
                         Scaling scaling) {
  const double n = static_cast<double>(z.size());
  const double m = sum(z), p = m / n;
  const double a = sum(s.k), c = sum(s.t), b = dot(z, s.t);
  const double a2 = sum(s.k2), c2 = sum(s.t2), b2 = dot(z, s.t2);
  TargetStats r;
  r.hsic = target_index(n, m, a, b, c, alpha, est, scaling);
  const double hsic_xz = target_index(n, m, a, b, c, alpha, est, Scaling::Hsic);

  // R2-HSIC, with HSIC(X,X) and HSIC(Z,Z) by the same estimator.
  const double sum_k_sq = dot(s.k, s.k);
  if (est == Estimator::V) {
    r.hsic_xx = (a2 - 2.0 / n * sum_k_sq + a * a / (n * n)) / (n * n);
    r.hsic_zz = (p * (1 - p)) * (p * (1 - p));
  } else {
    double k1_sq = 0;  // sum_i (k_i - 1)^2: row sums of K~
    for (Eigen::Index i = 0; i < s.k.size(); ++i)
      k1_sq += (s.k[i] - 1) * (s.k[i] - 1);
    r.hsic_xx = u_statistic(n, a2 - n, a - n, a - n, k1_sq);
    r.hsic_zz = u_statistic(n, m * (m - 1), m * (m - 1), m * (m - 1), m * (m - 1) * (m - 1));
  }
  const double denom = r.hsic_xx * r.hsic_zz;
  r.r2 = denom > 0 ? hsic_xz / std::sqrt(denom) : std::numeric_limits<double>::quiet_NaN();

  // Standard error as the authors report it: the variances of the entries of the three kernel
  // blocks (all pairs, goal x goal, all x goal), scale^2 [var_all + var_SS + 4 var_all,S], / n.
  const double scale = scaling == Scaling::Paper ? alpha * alpha : p * p;
  const double var_all = (a2 - a * a / (n * n)) / (n * n - 1);
  const double var_ss = m > 1 ? (b2 - b * b / (m * m)) / (m * m - 1) : 0;
  const double var_as = (c2 - c * c / (n * m)) / (n * m - 1);
  r.stderr_ = std::sqrt(std::max(0.0, scale * scale * (var_all + var_ss + 4 * var_as)) / n);

  // Gamma approximation of the null law of n HSIC_V (Gretton et al. 2008), with L = z z^T:
  // mean = (1/n)(mean diag K - mu_K)(mean diag L - mu_L); variance from the off-diagonal
  // squares of (HKH) o (HLH), expanded into the row sums (HLH = c c^T, c = z - p).
  // The U statistic (OpenTURNS's HSICUStat): the same law at n (HSIC_U + mean), mean being the
  // law's mean of HSIC_V: HSIC_U is close to HSIC_V minus its bias.
  if (n > 5) {
    const double mu_k = (a - n) / (n * (n - 1)), mu_l = m * (m - 1) / (n * (n - 1));
    const double mean = (1 - mu_k) * (p - mu_l) / n;
    const double w0 = p * p, w1 = (1 - p) * (1 - p);
    double t2 = 0, sw = 0, swb = 0, swb2 = 0, diag = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      const double w = z[i] > 0 ? w1 : w0;
      const double bi = s.k[i] / n - a / (2 * n * n);  // (HKH)_ij = K_ij - b_i - b_j
      const double kw = w0 * s.k[i] + (w1 - w0) * s.t[i];
      t2 += w * bi * kw;
      sw += w;
      swb += w * bi;
      swb2 += w * bi * bi;
      diag += w * w * (1 - 2 * bi) * (1 - 2 * bi);
    }
    const double t1 = w0 * w0 * a2 + 2 * w0 * (w1 - w0) * c2 + (w1 - w0) * (w1 - w0) * b2;
    const double full = t1 - 4 * t2 + 2 * sw * swb2 + 2 * swb * swb;
    const double off = full - diag;
    const double var =
        2 * (n - 4) * (n - 5) / (n * (n - 1) * (n - 2) * (n - 3)) * off / (n * (n - 1));
    const double stat = est == Estimator::V ? target_index(n, m, a, b, c, alpha, est, Scaling::Hsic)
                                            : hsic_xz + mean;
    r.null95 = std::numeric_limits<double>::quiet_NaN();
    if (mean > 0 && var > 0) {
      const double shape = mean * mean / var, scale_g = var * n / mean;
      r.pvalue = gamma_q(shape, n * stat / scale_g);
      // The index at which that p-value is 0.05, on the index's own scale.
      const double at = gamma_q_inverse(shape, 0.05) * scale_g / n;
      const double unscaled = est == Estimator::V ? at : at - mean;
      r.null95 = scaling == Scaling::Paper ? unscaled * alpha * alpha / (p * p) : unscaled;
    } else {
      r.pvalue = std::numeric_limits<double>::quiet_NaN();
    }
  } else {
    r.pvalue = r.null95 = std::numeric_limits<double>::quiet_NaN();
  }
  return r;
}

double permutation_pvalue(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s,
                          double alpha, Estimator est, std::size_t permutations, std::uint64_t seed,
                          const Partition& part) {
  const auto n = static_cast<std::size_t>(x.size());
  const double nd = static_cast<double>(n), m = sum(z);
  const GaussTransform gt(x.data(), n, s);
  // k (for C = z'k) and the observed index.
  Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(x.size(), 1);
  const Eigen::VectorXd k = distributed_apply(gt, ones, part).col(0);
  const double a = sum(k);
  auto index_for = [&](double b, double c) {
    return target_index(nd, m, a, b, c, alpha, est, Scaling::Hsic);
  };
  Eigen::MatrixXd zcol = z;
  const Eigen::VectorXd t = distributed_apply(gt, zcol, part).col(0);
  const double observed = index_for(dot(z, t), dot(z, k));

  // Permuted indicators, chunk by chunk (columns), so memory stays O(n chunk).
  const std::size_t chunk = 128;
  std::size_t exceed = 0;
  Rng rng(seed, 0x9E37);
  std::vector<std::size_t> perm(n);
  for (std::size_t first = 0; first < permutations; first += chunk) {
    const auto q = static_cast<Eigen::Index>(std::min(chunk, permutations - first));
    Eigen::MatrixXd zp(x.size(), q);
    for (Eigen::Index c = 0; c < q; ++c) {
      std::iota(perm.begin(), perm.end(), 0);
      rng.shuffle(perm.data(), n);
      for (std::size_t i = 0; i < n; ++i)
        zp(static_cast<Eigen::Index>(i), c) = z[static_cast<Eigen::Index>(perm[i])];
    }
    const Eigen::MatrixXd mom = gt.moments(zp);
    // B_b = sum_i zp_ib (K zp)_ib, accumulated per block, then over blocks in a fixed order.
    const auto blocks = static_cast<std::ptrdiff_t>(gt.blocks());
    Eigen::MatrixXd partial = Eigen::MatrixXd::Zero(q, blocks);
#pragma omp parallel
    {
      std::vector<std::size_t> rows;
      Eigen::MatrixXd out;
#pragma omp for schedule(dynamic)
      for (std::ptrdiff_t blk = 0; blk < blocks; ++blk) {
        if (!part.owns(static_cast<std::size_t>(blk))) continue;
        gt.apply_block(static_cast<std::size_t>(blk), mom, q, rows, out);
        for (std::size_t i = 0; i < rows.size(); ++i) {
          for (Eigen::Index c = 0; c < q; ++c) {
            partial(c, blk) +=
                zp(static_cast<Eigen::Index>(rows[i]), c) * out(static_cast<Eigen::Index>(i), c);
          }
        }
      }
    }
    part.reduce(partial.data(), static_cast<std::size_t>(partial.size()));
    for (Eigen::Index c = 0; c < q; ++c) {
      double b = 0;
      for (std::ptrdiff_t blk = 0; blk < blocks; ++blk)
        b += partial(c, blk);
      const double cc = zp.col(c).dot(k);
      if (index_for(b, cc) >= observed) ++exceed;
    }
  }
  return (1.0 + static_cast<double>(exceed)) / (1.0 + static_cast<double>(permutations));
}

}  // namespace hsicho::hsic
