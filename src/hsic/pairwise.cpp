#include "hsicho/hsic/pairwise.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "hsicho/hsic/special.hpp"
#include "hsicho/random.hpp"

namespace hsicho::hsic {
namespace {

constexpr Eigen::Index kRowBlock = 32;

Eigen::Index blocks_of(Eigen::Index n) {
  return (n + kRowBlock - 1) / kRowBlock;
}

double seq_sum(const Eigen::VectorXd& v) {
  double s = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i)
    s += v[i];
  return s;
}

double u_stat(double n, double tr, double sk, double sl, double kl) {
  return (tr + sk * sl / ((n - 1) * (n - 2)) - 2.0 / (n - 2) * kl) / (n * (n - 3));
}

// HSIC(X, X) by estimator from row sums of K and K o K.
double self_hsic(const Eigen::VectorXd& k, const Eigen::VectorXd& k2, Estimator est) {
  const double n = static_cast<double>(k.size()), a = seq_sum(k), a2 = seq_sum(k2);
  if (est == Estimator::V) return (a2 - 2.0 / n * k.squaredNorm() + a * a / (n * n)) / (n * n);
  double k1 = 0;
  for (Eigen::Index i = 0; i < k.size(); ++i)
    k1 += (k[i] - 1) * (k[i] - 1);
  return u_stat(n, a2 - n, a - n, a - n, k1);
}

}  // namespace

std::vector<GlobalStats> global_hsic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                     const std::vector<double>& s, double s_y, Estimator est,
                                     const Partition& part) {
  const Eigen::Index n = x.rows(), d = x.cols();
  const double nd = static_cast<double>(n);
  // Row sums of every kernel and its square through the Gauss transform.
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  auto sums = [&](const Eigen::VectorXd& v, double bw) {
    return target_sums(v, ones, bw, part, true);  // k, k2 (t duplicates k here)
  };
  const TargetSums ly = sums(y, s_y);
  std::vector<TargetSums> kx;
  for (Eigen::Index c = 0; c < d; ++c)
    kx.push_back(sums(x.col(c), s[static_cast<std::size_t>(c)]));
  const double al = seq_sum(ly.k);

  // Direct pass: r_i = sum_j K_ij L_ij and, for the Gamma law, g_i = sum_{j != i} (Kc_ij Lc_ij)^2
  // with Kc = HKH written from the row sums: Kc_ij = K_ij - k_i/n - k_j/n + A/n^2.
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(n, d), g = Eigen::MatrixXd::Zero(n, d);
  std::vector<double> a(static_cast<std::size_t>(d));
  for (Eigen::Index c = 0; c < d; ++c)
    a[static_cast<std::size_t>(c)] = seq_sum(kx[static_cast<std::size_t>(c)].k);
  const Eigen::Index blocks = blocks_of(n);
#pragma omp parallel for schedule(dynamic)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    if (!part.owns(static_cast<std::size_t>(b))) continue;
    for (Eigen::Index i = b * kRowBlock; i < std::min(n, (b + 1) * kRowBlock); ++i) {
      for (Eigen::Index j = 0; j < n; ++j) {
        const double dy = y[i] - y[j];
        const double l = std::exp(-dy * dy / (2 * s_y * s_y));
        const double lc = l - ly.k[i] / nd - ly.k[j] / nd + al / (nd * nd);
        for (Eigen::Index c = 0; c < d; ++c) {
          const double sc = s[static_cast<std::size_t>(c)];
          const double dx = x(i, c) - x(j, c);
          const double k = std::exp(-dx * dx / (2 * sc * sc));
          r(i, c) += k * l;
          if (j != i) {
            const auto& kc = kx[static_cast<std::size_t>(c)].k;
            const double kk =
                (k - kc[i] / nd - kc[j] / nd + a[static_cast<std::size_t>(c)] / (nd * nd)) * lc;
            g(i, c) += kk * kk;
          }
        }
      }
    }
  }
  part.reduce(r.data(), static_cast<std::size_t>(r.size()));
  part.reduce(g.data(), static_cast<std::size_t>(g.size()));

  const double hyy = self_hsic(ly.k, ly.k2, est);
  std::vector<GlobalStats> out(static_cast<std::size_t>(d));
  for (Eigen::Index c = 0; c < d; ++c) {
    auto& o = out[static_cast<std::size_t>(c)];
    const auto& kc = kx[static_cast<std::size_t>(c)];
    const double ak = a[static_cast<std::size_t>(c)], sr = seq_sum(r.col(c));
    double kl = 0, k1l1 = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      kl += kc.k[i] * ly.k[i];
      k1l1 += (kc.k[i] - 1) * (ly.k[i] - 1);
    }
    const double hv = (sr - 2.0 / nd * kl + ak * al / (nd * nd)) / (nd * nd);
    o.hsic = est == Estimator::V ? hv : u_stat(nd, sr - nd, ak - nd, al - nd, k1l1);
    o.hsic_xx = self_hsic(kc.k, kc.k2, est);
    o.hsic_yy = hyy;
    const double den = o.hsic_xx * o.hsic_yy;
    o.r2 = den > 0 ? o.hsic / std::sqrt(den) : std::numeric_limits<double>::quiet_NaN();
    // Gamma approximation of n HSIC_V under independence (Gretton et al. 2008).
    o.pvalue = std::numeric_limits<double>::quiet_NaN();
    if (n > 5) {
      const double mu_k = (ak - nd) / (nd * (nd - 1)), mu_l = (al - nd) / (nd * (nd - 1));
      const double mean = (1 - mu_k) * (1 - mu_l) / nd;
      const double var = 2 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) *
                         seq_sum(g.col(c)) / (nd * (nd - 1));
      // V: the Gamma law at n HSIC_V; U: at n (HSIC_U + mean), as OpenTURNS's HSICUStat.
      const double stat = est == Estimator::V ? hv : o.hsic + mean;
      if (mean > 0 && var > 0) o.pvalue = gamma_q(mean * mean / var, nd * stat / (var * nd / mean));
    }
  }
  return out;
}

Eigen::MatrixXd target_interactions(const Eigen::MatrixXd& x, const Eigen::VectorXd& z,
                                    const std::vector<double>& s, double alpha, Estimator est,
                                    Scaling scaling, const Partition& part,
                                    const std::vector<LevelKernel>& kernels) {
  const Eigen::Index n = x.rows(), d = x.cols();
  const Eigen::Index pairs = d * (d + 1) / 2;
  std::vector<const LevelKernel*> level(static_cast<std::size_t>(d), nullptr);
  for (std::size_t c = 0; c < kernels.size() && c < level.size(); ++c) {
    if (kernels[c].g.size() > 0) level[c] = &kernels[c];
  }
  // Per block of rows and pair (a <= b): the sums A, C, B of the product kernel Ka o Kb, kept
  // per block (O(n d^2 / 32) memory) and added over blocks in a fixed order.
  const Eigen::Index blocks = blocks_of(n);
  Eigen::MatrixXd partial = Eigen::MatrixXd::Zero(3 * pairs, blocks);
#pragma omp parallel
  {
    std::vector<double> e(static_cast<std::size_t>(d));
    Eigen::VectorXd kr(pairs), tr(pairs);
#pragma omp for schedule(dynamic)
    for (Eigen::Index b = 0; b < blocks; ++b) {
      if (!part.owns(static_cast<std::size_t>(b))) continue;
      for (Eigen::Index i = b * kRowBlock; i < std::min(n, (b + 1) * kRowBlock); ++i) {
        kr.setZero();
        tr.setZero();
        for (Eigen::Index j = 0; j < n; ++j) {
          for (Eigen::Index c = 0; c < d; ++c) {
            const auto* lk = level[static_cast<std::size_t>(c)];
            if (lk) {
              e[static_cast<std::size_t>(c)] = i == j
                                                   ? 1.0
                                                   : lk->g(lk->levels[static_cast<std::size_t>(i)],
                                                           lk->levels[static_cast<std::size_t>(j)]);
            } else {
              const double dx = x(i, c) - x(j, c), sc = s[static_cast<std::size_t>(c)];
              e[static_cast<std::size_t>(c)] = std::exp(-dx * dx / (2 * sc * sc));
            }
          }
          Eigen::Index p = 0;
          for (Eigen::Index a = 0; a < d; ++a) {
            for (Eigen::Index bb = a; bb < d; ++bb, ++p) {
              const double prod =
                  a == bb ? e[static_cast<std::size_t>(a)]
                          : e[static_cast<std::size_t>(a)] * e[static_cast<std::size_t>(bb)];
              kr[p] += prod;
              tr[p] += prod * z[j];
            }
          }
        }
        for (Eigen::Index p = 0; p < pairs; ++p) {
          partial(3 * p, b) += kr[p];
          partial(3 * p + 1, b) += tr[p];
          partial(3 * p + 2, b) += z[i] * tr[p];
        }
      }
    }
  }
  part.reduce(partial.data(), static_cast<std::size_t>(partial.size()));
  const double nd = static_cast<double>(n), m = seq_sum(z);
  Eigen::MatrixXd out(d, d);
  Eigen::Index p = 0;
  for (Eigen::Index a = 0; a < d; ++a) {
    for (Eigen::Index bb = a; bb < d; ++bb, ++p) {
      double sa = 0, sc = 0, sb = 0;
      for (Eigen::Index blk = 0; blk < blocks; ++blk) {
        sa += partial(3 * p, blk);
        sc += partial(3 * p + 1, blk);
        sb += partial(3 * p + 2, blk);
      }
      out(a, bb) = out(bb, a) = target_index(nd, m, sa, sb, sc, alpha, est, scaling);
    }
  }
  return out;
}

AnovaPairs anova_interactions(const Eigen::MatrixXd& x, const Eigen::VectorXd& z,
                              const std::vector<double>& s, double alpha, Scaling scaling,
                              std::size_t permutations, const Partition& part,
                              const std::vector<LevelKernel>& kernels) {
  const Eigen::Index n = x.rows(), d = x.cols();
  const double nd = static_cast<double>(n), m = seq_sum(z), p = m / nd;
  // Each column's ANOVA kernel, centred under the sample's marginal.
  auto anova = [&](Eigen::Index c) {
    Eigen::MatrixXd k(n, n);
    const auto cs = static_cast<std::size_t>(c);
    const LevelKernel* lk =
        cs < kernels.size() && kernels[cs].g.size() > 0 ? &kernels[cs] : nullptr;
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) {
        if (lk) {
          k(i, j) = i == j ? 1.0
                           : lk->g(lk->levels[static_cast<std::size_t>(i)],
                                   lk->levels[static_cast<std::size_t>(j)]);
        } else {
          const double dx = x(i, c) - x(j, c);
          k(i, j) = std::exp(-dx * dx / (2 * s[cs] * s[cs]));
        }
      }
    }
    const Eigen::VectorXd r = k.rowwise().sum();
    const double a = r.sum();
    k -= r * r.transpose() / a;
    return k;
  };
  // The same permutations of the rows for every test (fixed seed).
  const Eigen::VectorXd zc = z.array() - p;
  std::vector<std::vector<std::size_t>> perms(
      permutations, std::vector<std::size_t>(static_cast<std::size_t>(n)));
  {
    Rng rng(0xA10F, 0x9E37);
    for (auto& perm : perms) {
      std::iota(perm.begin(), perm.end(), 0);
      rng.shuffle(perm.data(), perm.size());
    }
  }
  // z' (A o P B P') z for the row permutation P: the column of B's input shuffled. A and B are
  // symmetric: the diagonal once and each pair j < i twice (half the multiply-adds).
  auto permuted_stat = [&](const Eigen::MatrixXd& am, const Eigen::MatrixXd& bm,
                           const std::vector<std::size_t>& perm) {
    double diagonal = 0, below = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto pi = static_cast<Eigen::Index>(perm[static_cast<std::size_t>(i)]);
      const double* a = am.col(i).data();
      const double* b = bm.col(pi).data();
      double row = 0;
      for (Eigen::Index j = 0; j < i; ++j)
        row += a[j] * b[perm[static_cast<std::size_t>(j)]] * zc[j];
      below += zc[i] * row;
      diagonal += zc[i] * zc[i] * a[i] * b[pi];
    }
    return (diagonal + 2 * below) / (nd * nd);
  };
  // How many permutations give a statistic at least `observed`, over threads (a count: the same
  // whatever the threads).
  auto exceedances = [&](const Eigen::MatrixXd& am, const Eigen::MatrixXd& bm, double observed) {
    const auto count = static_cast<std::ptrdiff_t>(perms.size());
    std::size_t exceed = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : exceed)
    for (std::ptrdiff_t k = 0; k < count; ++k)
      exceed += permuted_stat(am, bm, perms[static_cast<std::size_t>(k)]) >= observed;
    return exceed;
  };
  const double scale = scaling == Scaling::Paper ? alpha * alpha / (p * p) : 1.0;
  std::vector<Eigen::MatrixXd> k0(static_cast<std::size_t>(d));
  AnovaPairs out;
  out.permutations = permutations;
  out.term = Eigen::MatrixXd::Zero(d, d);
  out.pvalue = Eigen::MatrixXd::Zero(d, d);
  auto pvalue = [&](std::size_t exceed) {
    return (1.0 + static_cast<double>(exceed)) / (1.0 + static_cast<double>(permutations));
  };
  Eigen::Index pair = 0;
  for (Eigen::Index a = 0; a < d; ++a) {
    for (Eigen::Index b = a; b < d; ++b, ++pair) {
      if (!part.owns(static_cast<std::size_t>(pair))) continue;
      for (Eigen::Index c : {a, b}) {
        if (k0[static_cast<std::size_t>(c)].size() == 0) k0[static_cast<std::size_t>(c)] = anova(c);
      }
      const auto& ka = k0[static_cast<std::size_t>(a)];
      const auto& kb = k0[static_cast<std::size_t>(b)];
      if (a == b) {
        // First order: Z permuted (the input independent of the goal).
        const double observed = zc.dot(ka * zc) / (nd * nd);
        std::size_t exceed = 0;
        Eigen::VectorXd zp(n);
        for (const auto& perm : perms) {
          for (Eigen::Index i = 0; i < n; ++i)
            zp[i] = zc[static_cast<Eigen::Index>(perm[static_cast<std::size_t>(i)])];
          exceed += zp.dot(ka * zp) / (nd * nd) >= observed;
        }
        out.term(a, a) = scale * observed;
        out.pvalue(a, a) = pvalue(exceed);
        continue;
      }
      // Second order. Permuting Z would also break each input's main effect and make the null
      // too narrow (a strong input then "interacts" with inert ones); instead each input's column
      // is permuted in turn (that input independent of the other and of the goal), and the pair
      // is an interaction when both tests say so: p = the larger.
      const double observed = zc.dot(ka.cwiseProduct(kb) * zc) / (nd * nd);
      const std::size_t exceed_b = exceedances(ka, kb, observed);
      const std::size_t exceed_a = exceedances(kb, ka, observed);
      out.term(a, b) = out.term(b, a) = scale * observed;
      out.pvalue(a, b) = out.pvalue(b, a) = std::max(pvalue(exceed_a), pvalue(exceed_b));
    }
  }
  part.reduce(out.term.data(), static_cast<std::size_t>(out.term.size()));
  part.reduce(out.pvalue.data(), static_cast<std::size_t>(out.pvalue.size()));
  return out;
}

}  // namespace hsicho::hsic
