#include "hsicho/hsic/evidence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "hsicho/hsic/bandwidth.hpp"
#include "hsicho/hsic/gauss_transform.hpp"
#include "hsicho/hsic/special.hpp"
#include "hsicho/random.hpp"

namespace hsicho::hsic {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The smooth goal's scale, in robust spreads of the errors (the tuning record, bench/results:
// 0.5 and 1 alike on the benchmark; 0.5 keeps an input that only orders bad trainings lower).
constexpr double kGoalScale = 0.5;
// How far the order test may lead the goal test (normal scores).
constexpr double kOrderLead = 1.0;
// Permutations behind a small test's moments.
constexpr std::size_t kSmallPermutations = 500;
// Multiply-adds one input's pair tests may take (their permutations are fitted to it).
constexpr double kPairWork = 1e8;
constexpr std::size_t kMinPairPermutations = 40, kMaxPairPermutations = 200;

double seq_sum(const Eigen::VectorXd& v) {
  double s = 0;  // a fixed order: the same on every rank
  for (Eigen::Index i = 0; i < v.size(); ++i)
    s += v[i];
  return s;
}

double seq_dot(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  double s = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

// Ranks from 0, ties sharing their mean rank (+inf rows tie at the end).
Eigen::VectorXd mid_ranks(const Eigen::VectorXd& y) {
  const Eigen::Index n = y.size();
  std::vector<Eigen::Index> idx(static_cast<std::size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto b) { return y[a] < y[b]; });
  Eigen::VectorXd r(n);
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i;
    while (j + 1 < n &&
           y[idx[static_cast<std::size_t>(j + 1)]] == y[idx[static_cast<std::size_t>(i)]])
      ++j;
    const double mid = 0.5 * static_cast<double>(i + j);
    for (Eigen::Index k = i; k <= j; ++k)
      r[idx[static_cast<std::size_t>(k)]] = mid;
    i = j + 1;
  }
  return r;
}

// numpy.quantile's default (linear interpolation) of sorted values.
double linear_quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// A spread of the finite errors that heavy tails and near-divergences do not inflate: the
// interquartile range over 1.349 (the standard deviation for a normal law); the standard
// deviation when the quartiles tie; 1 when nothing varies.
double robust_spread(const Eigen::VectorXd& y) {
  std::vector<double> fin;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (std::isfinite(y[i])) fin.push_back(y[i]);
  }
  if (fin.size() < 2) return 1.0;
  std::sort(fin.begin(), fin.end());
  const double iqr = linear_quantile(fin, 0.75) - linear_quantile(fin, 0.25);
  if (iqr > 0) return iqr / 1.349;
  double mean = 0;
  for (double v : fin)
    mean += v;
  mean /= static_cast<double>(fin.size());
  double ss = 0;
  for (double v : fin)
    ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(fin.size() - 1));
  return sd > 0 ? sd : 1.0;
}

Eigen::MatrixXd centred(Eigen::MatrixXd v) {
  for (Eigen::Index c = 0; c < v.cols(); ++c) {
    const double mean = seq_sum(v.col(c)) / static_cast<double>(v.rows());
    v.col(c).array() -= mean;
  }
  return v;
}

// A p-value from the null law's mean and variance: a Gamma law fitted to them when the mean is
// positive (HSIC_V is), else a normal law.
double moment_pvalue(double stat, double mean, double var) {
  if (!(var > 0)) return stat > mean ? 0.0 : 1.0;
  if (mean > 0) return gamma_q(mean * mean / var, stat * mean / var);
  return normal_sf((stat - mean) / std::sqrt(var));
}

// Mean and variance of permuted statistics.
struct Moments {
  double sum = 0, sq = 0;
  std::size_t count = 0;
  void add(double v) { sum += v, sq += v * v, ++count; }
  double mean() const { return sum / static_cast<double>(count); }
  double var() const {
    const double m = mean();
    return std::max(0.0, sq / static_cast<double>(count) - m * m);
  }
};

// Below kExactRows rows: the null moments (and the two tests' covariance) from
// kSmallPermutations permutations of the targets' rows.
MainTests small_tests(const InputKernel& k, const EvidenceTargets& t, std::uint64_t seed) {
  const Eigen::Index n = k.rows();
  Eigen::MatrixXd km(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      km(i, j) = k.at(i, j);
  }
  const double nn = static_cast<double>(n) * static_cast<double>(n);
  auto stat_of = [&](const Eigen::MatrixXd& w) { return (w.transpose() * km * w).trace() / nn; };
  MainTests out;
  out.goal.stat = stat_of(t.goal);
  out.order.stat = stat_of(t.order);
  Rng rng(seed, 0x7E57);
  std::vector<std::size_t> perm(static_cast<std::size_t>(n));
  Eigen::MatrixXd gp(n, t.goal.cols()), op(n, t.order.cols());
  Moments mg, mo;
  double cross = 0;
  for (std::size_t b = 0; b < kSmallPermutations; ++b) {
    std::iota(perm.begin(), perm.end(), 0);
    rng.shuffle(perm.data(), perm.size());
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto pi = static_cast<Eigen::Index>(perm[static_cast<std::size_t>(i)]);
      gp.row(i) = t.goal.row(pi);
      op.row(i) = t.order.row(pi);
    }
    const double a = stat_of(gp), o = stat_of(op);
    mg.add(a);
    mo.add(o);
    cross += a * o;
  }
  const bool goal_flat = t.goal.cwiseAbs().maxCoeff() <= 0;
  const bool order_flat = t.order.cwiseAbs().maxCoeff() <= 0;
  out.goal.pvalue = goal_flat ? 1.0 : moment_pvalue(out.goal.stat, mg.mean(), mg.var());
  out.order.pvalue = order_flat ? 1.0 : moment_pvalue(out.order.stat, mo.mean(), mo.var());
  const double cov = cross / static_cast<double>(kSmallPermutations) - mg.mean() * mo.mean();
  if (mg.var() > 0 && mo.var() > 0) out.rho = cov / std::sqrt(mg.var() * mo.var());
  return out;
}

// The rows where column c is active.
std::vector<Eigen::Index> active_rows(const Eigen::MatrixXd& x, Eigen::Index c) {
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    if (!std::isnan(x(i, c))) rows.push_back(i);
  }
  return rows;
}

Eigen::VectorXd take(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k)
    out[static_cast<Eigen::Index>(k)] = v[rows[k]];
  return out;
}

const Discrete* discrete_of(const std::vector<Discrete>& discrete, Eigen::Index c) {
  const auto k = static_cast<std::size_t>(c);
  return k < discrete.size() && discrete[k].is_discrete() ? &discrete[k] : nullptr;
}

// The pair tests of input i (a column of `plain`) against every other plain column: the smallest
// Sidak-corrected p-value of each kind, combined, and the partner.
struct PairResult {
  double pvalue = kNaN;
  std::ptrdiff_t partner = -1;
};

class PairTests {
 public:
  PairTests(const std::vector<InputKernel>& kernels, const EvidenceTargets& t)
      : n_(t.goal.rows()), packed_(n_ * (n_ + 1) / 2) {
    // Each kernel centred under the sample's marginal (an ANOVA kernel, da Veiga 2021), kept as
    // its upper triangle.
    for (const auto& k : kernels) {
      Eigen::MatrixXd km(n_, n_);
      for (Eigen::Index i = 0; i < n_; ++i) {
        for (Eigen::Index j = 0; j < n_; ++j)
          km(i, j) = k.at(i, j);
      }
      const Eigen::VectorXd r = km.rowwise().sum();
      const double a = seq_sum(r);
      km -= r * r.transpose() / a;
      k0_.push_back(km);
    }
    // The goal's and the order's target matrices, off-diagonal entries counted twice (the
    // triangle stands for the whole symmetric sum).
    goal_.resize(packed_);
    order_.resize(packed_);
    Eigen::Index p = 0;
    for (Eigen::Index a = 0; a < n_; ++a) {
      for (Eigen::Index b = a; b < n_; ++b, ++p) {
        const double twice = a == b ? 1.0 : 2.0;
        goal_[p] = twice * t.goal.row(a).dot(t.goal.row(b));
        order_[p] = twice * t.order.row(a).dot(t.order.row(b));
      }
    }
  }

  PairResult test(std::size_t i, std::uint64_t seed) const {
    const std::size_t m = k0_.size() - 1;  // partners
    // Columns: the goal (first-order part), then per partner K0_j o goal and K0_j o order.
    Eigen::MatrixXd cols(packed_, static_cast<Eigen::Index>(1 + 2 * m));
    cols.col(0) = goal_;
    std::vector<std::size_t> partners;
    for (std::size_t j = 0; j < k0_.size(); ++j) {
      if (j == i) continue;
      const auto c = static_cast<Eigen::Index>(partners.size());
      Eigen::Index p = 0;
      for (Eigen::Index a = 0; a < n_; ++a) {
        for (Eigen::Index b = a; b < n_; ++b, ++p) {
          const double kj = k0_[j](a, b);
          cols(p, 1 + 2 * c) = kj * goal_[p];
          cols(p, 2 + 2 * c) = kj * order_[p];
        }
      }
      partners.push_back(j);
    }
    const Eigen::MatrixXd& ki = k0_[i];
    Eigen::VectorXd g(packed_);
    auto gather = [&](const std::vector<std::size_t>* perm) {
      Eigen::Index p = 0;
      for (Eigen::Index a = 0; a < n_; ++a) {
        const auto pa = perm ? static_cast<Eigen::Index>((*perm)[static_cast<std::size_t>(a)]) : a;
        for (Eigen::Index b = a; b < n_; ++b, ++p)
          g[p] = ki(pa, perm ? static_cast<Eigen::Index>((*perm)[static_cast<std::size_t>(b)]) : b);
      }
    };
    // Statistics: total within the pair under the goal (first order + interaction), and the
    // interaction under the order.
    auto stats = [&](const Eigen::VectorXd& r, std::size_t c, double* total, double* inter) {
      *total = r[0] + r[static_cast<Eigen::Index>(1 + 2 * c)];
      *inter = r[static_cast<Eigen::Index>(2 + 2 * c)];
    };
    gather(nullptr);
    const Eigen::VectorXd observed = cols.transpose() * g;
    const double work = static_cast<double>(packed_) * static_cast<double>(cols.cols());
    const auto permutations = static_cast<std::size_t>(
        std::clamp(kPairWork / work, static_cast<double>(kMinPairPermutations),
                   static_cast<double>(kMaxPairPermutations)));
    std::vector<Moments> total(m), inter(m);
    Rng rng(seed, 0xA1B2);
    std::vector<std::size_t> perm(static_cast<std::size_t>(n_));
    for (std::size_t b = 0; b < permutations; ++b) {
      std::iota(perm.begin(), perm.end(), 0);
      rng.shuffle(perm.data(), perm.size());
      gather(&perm);
      const Eigen::VectorXd r = cols.transpose() * g;
      for (std::size_t c = 0; c < m; ++c) {
        double t1, t2;
        stats(r, c, &t1, &t2);
        total[c].add(t1);
        inter[c].add(t2);
      }
    }
    double best_total = 1, best_inter = 1, best = 2;
    PairResult out;
    for (std::size_t c = 0; c < m; ++c) {
      double t1, t2;
      stats(observed, c, &t1, &t2);
      const double p1 = moment_pvalue(t1, total[c].mean(), total[c].var());
      const double p2 = moment_pvalue(t2, inter[c].mean(), inter[c].var());
      best_total = std::min(best_total, p1);
      best_inter = std::min(best_inter, p2);
      if (std::min(p1, p2) < best)
        best = std::min(p1, p2), out.partner = static_cast<std::ptrdiff_t>(partners[c]);
    }
    // The smallest of m p-values, made uniform again by Sidak's correction 1 - (1 - p)^m before
    // Stouffer's sum: a Bonferroni product capped at 1 would give a score of -8 to any input
    // whose best partner has p >= 1/m, and one null half would veto the other.
    const double md = static_cast<double>(m);
    auto sidak = [md](double p) { return -std::expm1(md * std::log1p(-std::min(p, 1.0))); };
    const double z =
        (evidence_score(sidak(best_total)) + evidence_score(sidak(best_inter))) / std::sqrt(2.0);
    out.pvalue = normal_sf(z);
    return out;
  }

 private:
  Eigen::Index n_;
  Eigen::Index packed_;
  std::vector<Eigen::MatrixXd> k0_;
  Eigen::VectorXd goal_, order_;
};

}  // namespace

EvidenceTargets evidence_targets(const Eigen::VectorXd& y, double alpha) {
  const Eigen::Index n = y.size();
  std::vector<double> sorted(y.data(), y.data() + n);
  std::sort(sorted.begin(), sorted.end());
  const double q = sorted[static_cast<std::size_t>(std::floor(alpha * static_cast<double>(n - 1)))];
  const double scale = kGoalScale * robust_spread(y);
  Eigen::MatrixXd w(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    // At or below the quantile: 1; above it, a weight that decays with the distance; diverged: 0.
    const bool in_goal = std::isfinite(y[i]) && y[i] <= q;
    w(i, 0) = std::isfinite(y[i]) ? (in_goal ? 1.0 : std::exp(-(y[i] - q) / scale)) : 0.0;
    w(i, 1) = in_goal ? 1.0 : 0.0;
  }
  const Eigen::VectorXd r = mid_ranks(y);
  Eigen::MatrixXd f(n, 3);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double u = 2 * (r[i] + 0.5) / static_cast<double>(n) - 1;  // in (-1, 1)
    f(i, 0) = u;
    f(i, 1) = (3 * u * u - 1) / 2;
    f(i, 2) = (5 * u * u * u - 3 * u) / 2;
  }
  return {centred(w), centred(f)};
}

double InputKernel::at(Eigen::Index i, Eigen::Index j) const {
  if (i == j) return 1.0;
  if (discrete())
    return g(levels[static_cast<std::size_t>(i)], levels[static_cast<std::size_t>(j)]);
  const double d = x[i] - x[j];
  return std::exp(-d * d / (2 * s * s));
}

Eigen::MatrixXd InputKernel::apply(const Eigen::MatrixXd& w, bool squared) const {
  if (!discrete()) {
    // K o K is the Gaussian kernel of bandwidth s / sqrt(2).
    return GaussTransform(x.data(), static_cast<std::size_t>(x.size()),
                          squared ? s / std::sqrt(2.0) : s)
        .apply(w);
  }
  // Rows of one level share their sums; a row counts itself as 1 instead of G(l, l).
  const Eigen::MatrixXd gk = squared ? Eigen::MatrixXd(g.cwiseProduct(g)) : g;
  Eigen::MatrixXd per_level = Eigen::MatrixXd::Zero(g.rows(), w.cols());
  for (std::size_t i = 0; i < levels.size(); ++i)
    per_level.row(levels[i]) += w.row(static_cast<Eigen::Index>(i));
  const Eigen::MatrixXd sums = gk * per_level;
  Eigen::MatrixXd out(w.rows(), w.cols());
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const int l = levels[i];
    const auto r = static_cast<Eigen::Index>(i);
    out.row(r) = sums.row(l) + (1 - gk(l, l)) * w.row(r);
  }
  return out;
}

InputKernel input_kernel(const Eigen::VectorXd& x, const Discrete* discrete) {
  InputKernel k;
  k.x = x;
  if (discrete) {
    k.levels = levels_of(x, *discrete);
    k.s = discrete_bandwidth(BandwidthRule{}, k.levels, *discrete);
    k.g = expected_kernel(*discrete, k.s);
  } else {
    const double s = median_bandwidth(x.data(), static_cast<std::size_t>(x.size()));
    k.s = s > 0 ? s : 1.0;
  }
  return k;
}

MainTests main_tests(const InputKernel& k, const EvidenceTargets& t, std::uint64_t seed) {
  const Eigen::Index n = k.rows();
  const double nd = static_cast<double>(n);
  if (n < 4) return {};  // nothing to test: p = 1
  if (static_cast<std::size_t>(n) < kExactRows) return small_tests(k, t, seed);
  // Row sums of K against 1, the targets v (the goal's column, the order's three) and the
  // products u of target columns; of K o K against the products: what the statistics, their null
  // moments (Gretton et al. 2008) and the two statistics' covariance need.
  const Eigen::MatrixXd& g = t.goal;
  const Eigen::MatrixXd& f = t.order;
  const Eigen::Index ng = g.cols(), nf = f.cols();
  // Products of target columns, each with its weight in the goal's variance (part 0), the
  // order's (1) or their covariance (2): Lc_ij^2 = sum_{a,b} (v_a v_b)_i (v_a v_b)_j, a pair
  // a != b of one target counted twice; L1c_ij L2c_ij = sum_{a,b} (g_a f_b)_i (g_a f_b)_j.
  std::vector<Eigen::VectorXd> u;
  std::vector<double> weight;
  std::vector<int> part;
  for (int which : {0, 1}) {
    const Eigen::MatrixXd& v = which == 0 ? g : f;
    for (Eigen::Index a = 0; a < v.cols(); ++a) {
      for (Eigen::Index b = a; b < v.cols(); ++b)
        u.push_back(v.col(a).cwiseProduct(v.col(b))), weight.push_back(a == b ? 1 : 2),
            part.push_back(which);
    }
  }
  for (Eigen::Index a = 0; a < ng; ++a) {
    for (Eigen::Index b = 0; b < nf; ++b)
      u.push_back(g.col(a).cwiseProduct(f.col(b))), weight.push_back(1), part.push_back(2);
  }
  const auto nu = static_cast<Eigen::Index>(u.size());
  const Eigen::Index first_u = 1 + ng + nf;
  Eigen::MatrixXd w(n, first_u + nu), uu(n, nu);
  w.col(0).setOnes();
  w.middleCols(1, ng) = g;
  w.middleCols(1 + ng, nf) = f;
  for (Eigen::Index c = 0; c < nu; ++c)
    w.col(first_u + c) = uu.col(c) = u[static_cast<std::size_t>(c)];
  const Eigen::MatrixXd r1 = k.apply(w, false), r2 = k.apply(uu, true);
  const Eigen::VectorXd kr = r1.col(0);
  const double a = seq_sum(kr);
  MainTests out;
  double sg = 0, so = 0;
  for (Eigen::Index c = 0; c < ng; ++c)
    sg += seq_dot(g.col(c), r1.col(1 + c));
  for (Eigen::Index c = 0; c < nf; ++c)
    so += seq_dot(f.col(c), r1.col(1 + ng + c));
  out.goal.stat = sg / (nd * nd);
  out.order.stat = so / (nd * nd);
  // Gretton et al.: mean (1/n)(mean diag K - mu_K)(mean diag L - mu_L), for centred targets
  // (1/n)(1 - mu_K) tr(L) / (n - 1); variance from sum_{i != j} (Kc_ij Lc_ij)^2 with
  // Kc_ij = K_ij - b_i - b_j and Lc_ij^2 = sum of products u_i u_j (for a covariance,
  // L1c_ij L2c_ij likewise).
  const double mu_k = (a - nd) / (nd * (nd - 1));
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i)
    b[i] = kr[i] / nd - a / (2 * nd * nd);
  double off[3] = {0, 0, 0};
  for (Eigen::Index c = 0; c < nu; ++c) {
    const Eigen::VectorXd& uc = u[static_cast<std::size_t>(c)];
    double s_u = 0, s_bu = 0, s_b2u = 0, s_bu_ku = 0, diag = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      s_u += uc[i];
      s_bu += b[i] * uc[i];
      s_b2u += b[i] * b[i] * uc[i];
      s_bu_ku += b[i] * uc[i] * r1(i, first_u + c);
      const double kc = 1 - 2 * b[i];
      diag += kc * kc * uc[i] * uc[i];
    }
    const double full = seq_dot(uc, r2.col(c)) - 4 * s_bu_ku + 2 * s_b2u * s_u + 2 * s_bu * s_bu;
    off[part[static_cast<std::size_t>(c)]] += weight[static_cast<std::size_t>(c)] * (full - diag);
  }
  const double scale =
      2 * (nd - 4) * (nd - 5) / (nd * (nd - 1) * (nd - 2) * (nd - 3)) / (nd * (nd - 1));
  auto pvalue = [&](const Eigen::MatrixXd& v, double stat, double var) {
    const double mean = (1 - mu_k) * v.squaredNorm() / (nd - 1) / nd;
    return mean > 0 && var > 0 ? gamma_q(mean * mean / var, stat * mean / var) : 1.0;
  };
  const double vg = scale * off[0], vo = scale * off[1], cov = scale * off[2];
  out.goal.pvalue = pvalue(g, out.goal.stat, vg);
  out.order.pvalue = pvalue(f, out.order.stat, vo);
  if (vg > 0 && vo > 0) out.rho = cov / std::sqrt(vg * vo);
  return out;
}

double evidence_score(double p) {
  if (std::isnan(p)) return kNaN;
  return normal_isf(std::clamp(p, 1e-300, 1 - 1e-16));
}

namespace {

// log P(N(0,1) > x), accurate in the far tail where the probability underflows.
double log_normal_sf(double x) {
  if (x < 30) return std::log(normal_sf(x));
  // Mills' ratio: P(N > x) = phi(x) / x (1 - 1/x^2 + 3/x^4 - ...).
  const double x2 = x * x;
  return -0.5 * x2 - std::log(x * std::sqrt(2 * M_PI)) + std::log1p(-1 / x2 + 3 / (x2 * x2));
}

}  // namespace

double main_pvalue(double goal_p, double order_p, double rho) {
  if (std::isnan(goal_p)) return kNaN;
  if (std::isnan(order_p)) return goal_p;
  const double zg = evidence_score(goal_p), zo = evidence_score(order_p);
  const double m = (zg + std::min(zo, zg + kOrderLead)) / std::sqrt(2.0);
  // P(M > m) for (A, B) standard normal with correlation r: M > m needs A > a0 =
  // (sqrt(2) m - lead) / 2 (else min(B, A + lead) is too small) and B > sqrt(2) m - A, so
  // p = int_{a0}^inf phi(a) P(B > sqrt(2) m - a | A = a) da, B | A = a ~ N(r a, 1 - r^2).
  // Simpson's rule on log values (the far tail underflows), over a0 .. a0 + 40.
  const double r = std::clamp(std::isnan(rho) ? 0.0 : rho, -0.99, 0.99);
  const double sr = std::sqrt(1 - r * r), t = std::sqrt(2.0) * m;
  const double a0 = (t - kOrderLead) / 2;
  constexpr int kSteps = 800;
  const double span = 40, h = span / kSteps;
  std::vector<double> logs(kSteps + 1);
  double peak = -INFINITY;
  for (int i = 0; i <= kSteps; ++i) {
    const double a = a0 + h * i;
    logs[static_cast<std::size_t>(i)] =
        -0.5 * a * a - 0.5 * std::log(2 * M_PI) + log_normal_sf((t - a - r * a) / sr);
    peak = std::max(peak, logs[static_cast<std::size_t>(i)]);
  }
  double sum = 0;
  for (int i = 0; i <= kSteps; ++i) {
    const double coef = i == 0 || i == kSteps ? 1 : (i % 2 ? 4 : 2);
    sum += coef * std::exp(logs[static_cast<std::size_t>(i)] - peak);
  }
  const double log_p = peak + std::log(sum * h / 3);
  return std::clamp(std::exp(log_p), 1e-300, 1.0);
}

double evidence_pvalue(double main_p, double pair_p) {
  if (std::isnan(main_p)) return kNaN;
  const double best = std::isnan(pair_p) ? main_p : std::min(main_p, pair_p);
  return std::min(1.0, 2 * best);
}

std::vector<Evidence> evidence(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, double alpha,
                               const std::vector<Discrete>& discrete, bool pairs,
                               const Partition& part) {
  const Eigen::Index n = x.rows(), d = x.cols();
  std::vector<Evidence> out(static_cast<std::size_t>(d));
  const EvidenceTargets all = evidence_targets(y, alpha);
  std::vector<Eigen::Index> plain;
  for (Eigen::Index c = 0; c < d; ++c) {
    if (!x.col(c).array().isNaN().any()) plain.push_back(c);
  }
  // Main tests, each input by the rank that owns it.
  for (Eigen::Index c = 0; c < d; ++c) {
    if (!part.owns(static_cast<std::size_t>(c))) continue;
    const auto rows = active_rows(x, c);
    if (rows.size() < 4) continue;
    const bool whole = static_cast<Eigen::Index>(rows.size()) == n;
    const EvidenceTargets t = whole ? all : evidence_targets(take(y, rows), alpha);
    const InputKernel k = input_kernel(whole ? Eigen::VectorXd(x.col(c)) : take(x.col(c), rows),
                                       discrete_of(discrete, c));
    const auto seed = static_cast<std::uint64_t>(c) * 7919 + 11;
    auto& e = out[static_cast<std::size_t>(c)];
    const MainTests m = main_tests(k, t, seed);
    e.goal_p = m.goal.pvalue, e.order_p = m.order.pvalue, e.rho = m.rho;
    e.main_p = main_pvalue(e.goal_p, e.order_p, e.rho);
  }
  // Pair tests among the inputs without missing values.
  if (pairs && plain.size() >= 2 && static_cast<std::size_t>(n) <= kMaxPairRows) {
    bool mine = false;
    for (auto c : plain)
      mine = mine || part.owns(static_cast<std::size_t>(c));
    if (mine) {
      std::vector<InputKernel> kernels;
      for (auto c : plain)
        kernels.push_back(input_kernel(x.col(c), discrete_of(discrete, c)));
      const PairTests tests(kernels, all);
      for (std::size_t k = 0; k < plain.size(); ++k) {
        if (!part.owns(static_cast<std::size_t>(plain[k]))) continue;
        const PairResult r = tests.test(k, static_cast<std::uint64_t>(plain[k]) * 104729 + 3);
        auto& e = out[static_cast<std::size_t>(plain[k])];
        e.pair_p = r.pvalue;
        e.partner = r.partner < 0
                        ? -1
                        : static_cast<std::ptrdiff_t>(plain[static_cast<std::size_t>(r.partner)]);
      }
    }
  }
  // Every rank takes the owners' numbers: the others add -0.0, exact for any value (NaN too).
  constexpr std::size_t kFields = 6;
  std::vector<double> buf(static_cast<std::size_t>(d) * kFields, -0.0);
  for (std::size_t c = 0; c < out.size(); ++c) {
    if (!part.owns(c)) continue;
    const auto& e = out[c];
    const double v[kFields] = {
        e.goal_p, e.order_p, e.main_p, e.pair_p, static_cast<double>(e.partner), e.rho};
    std::copy(v, v + kFields, buf.begin() + static_cast<std::ptrdiff_t>(c * kFields));
  }
  part.reduce(buf.data(), buf.size());
  for (std::size_t c = 0; c < out.size(); ++c) {
    const double* v = buf.data() + c * kFields;
    auto& e = out[c];
    e.goal_p = v[0], e.order_p = v[1], e.main_p = v[2], e.pair_p = v[3];
    e.partner = static_cast<std::ptrdiff_t>(v[4]);
    e.rho = v[5];
    e.pvalue = evidence_pvalue(e.main_p, e.pair_p);
    e.score = std::isnan(e.pvalue) ? kNaN : std::max(0.0, evidence_score(e.pvalue));
  }
  return out;
}

}  // namespace hsicho::hsic
