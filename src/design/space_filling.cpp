// Space-filling search over Latin hypercubes: simulated annealing of in-column swaps with
// O(n) incremental updates of the criterion (Jin, Chen and Sudjianto 2005).
#include <algorithm>
#include <cmath>
#include <vector>

#include "hsicho/design/lhs.hpp"

namespace hsicho::design {
namespace {

// Above this many points an n x n cache (8 n^2 bytes) costs more memory than it saves time;
// pairwise terms are then recomputed in O(d) when needed.
constexpr Eigen::Index kMaxCachedPoints = 4096;

// Centered L2 discrepancy squared, kept as its single-point and pairwise products.
class Discrepancy {
 public:
  explicit Discrepancy(Eigen::MatrixXd& x) : x_(x), n_(x.rows()), d_(x.cols()) {
    g_.resize(n_);
    for (Eigen::Index i = 0; i < n_; ++i) {
      g_[i] = 1;
      for (Eigen::Index k = 0; k < d_; ++k)
        g_[i] *= h(x_(i, k));
    }
    cached_ = n_ <= kMaxCachedPoints;
    double pairs = 0;
    if (cached_) c_.resize(n_, n_);
    for (Eigen::Index i = 0; i < n_; ++i) {
      for (Eigen::Index j = 0; j < n_; ++j) {
        const double p = product(i, j);
        if (cached_) c_(i, j) = p;
        pairs += p;
      }
    }
    const double n = static_cast<double>(n_);
    value_ = std::pow(13.0 / 12.0, static_cast<double>(d_)) - 2.0 / n * g_.sum() + pairs / (n * n);
  }

  double value() const { return value_; }

  double delta(Eigen::Index a, Eigen::Index b, Eigen::Index c) const {
    const double xa = x_(a, c), xb = x_(b, c);
    const double ha = h(xa), hb = h(xb);
    const double d_single = g_[a] * (hb / ha - 1) + g_[b] * (ha / hb - 1);
    // Sum over all j without a branch (the loop vectorizes), then take out j = a and j = b.
    // Per j: C_ja (fb/fa - 1) + C_jb (fa/fb - 1) = (fb - fa)(C_ja fb - C_jb fa) / (fa fb).
    auto term = [&](Eigen::Index j, double ca, double cb) {
      const double xj = x_(j, c);
      const double fa = f(xa, xj), fb = f(xb, xj);
      return (fb - fa) * (ca * fb - cb * fa) / (fa * fb);
    };
    double d_pairs = 0;
    if (cached_) {
      const double* ca = c_.col(a).data();
      const double* cb = c_.col(b).data();
      for (Eigen::Index j = 0; j < n_; ++j)
        d_pairs += term(j, ca[j], cb[j]);
      d_pairs -= term(a, ca[a], cb[a]) + term(b, ca[b], cb[b]);
    } else {
      for (Eigen::Index j = 0; j < n_; ++j) {
        if (j != a && j != b) d_pairs += term(j, product(j, a), product(j, b));
      }
    }
    const double da = 1 + std::fabs(xa - 0.5), db = 1 + std::fabs(xb - 0.5);
    const double d_diag = pair(a, a) * (db / da - 1) + pair(b, b) * (da / db - 1);
    const double n = static_cast<double>(n_);
    return -2.0 / n * d_single + (2 * d_pairs + d_diag) / (n * n);
  }

  void apply(Eigen::Index a, Eigen::Index b, Eigen::Index c, double delta) {
    const double xa = x_(a, c), xb = x_(b, c);
    if (cached_) {
      for (Eigen::Index j = 0; j < n_; ++j) {
        if (j == a || j == b) continue;
        const double xj = x_(j, c);
        const double fa = f(xa, xj), fb = f(xb, xj);
        c_(a, j) = c_(j, a) = c_(j, a) * fb / fa;
        c_(b, j) = c_(j, b) = c_(j, b) * fa / fb;
      }
      const double da = 1 + std::fabs(xa - 0.5), db = 1 + std::fabs(xb - 0.5);
      c_(a, a) *= db / da;
      c_(b, b) *= da / db;
    }
    const double ha = h(xa), hb = h(xb);
    g_[a] *= hb / ha;
    g_[b] *= ha / hb;
    std::swap(x_(a, c), x_(b, c));
    value_ += delta;
  }

 private:
  static double h(double x) {
    const double z = std::fabs(x - 0.5);
    return 1 + 0.5 * z - 0.5 * z * z;
  }
  static double f(double xi, double xj) {
    return 1 + 0.5 * std::fabs(xi - 0.5) + 0.5 * std::fabs(xj - 0.5) - 0.5 * std::fabs(xi - xj);
  }
  double product(Eigen::Index i, Eigen::Index j) const {
    double p = 1;
    for (Eigen::Index k = 0; k < d_; ++k)
      p *= f(x_(i, k), x_(j, k));
    return p;
  }
  double pair(Eigen::Index i, Eigen::Index j) const { return cached_ ? c_(i, j) : product(i, j); }

  Eigen::MatrixXd& x_;
  Eigen::Index n_, d_;
  Eigen::VectorXd g_;
  Eigen::MatrixXd c_;
  bool cached_ = false;
  double value_ = 0;
};

// Morris-Mitchell phi_p = sum over pairs of (dist / s)^-p, a smooth stand-in for the minimum
// distance (p = 50). Distances are scaled by s = n^(-1/d), a typical neighbour spacing, so the
// terms stay within double range.
class Maximin {
 public:
  explicit Maximin(Eigen::MatrixXd& x) : x_(x), n_(x.rows()), d_(x.cols()) {
    s2_ = std::pow(static_cast<double>(n_), -2.0 / static_cast<double>(d_));
    cached_ = n_ <= kMaxCachedPoints;
    if (cached_) q_.resize(n_, n_);
    for (Eigen::Index i = 0; i < n_; ++i) {
      for (Eigen::Index j = 0; j < n_; ++j) {
        const double q = squared(i, j);
        if (cached_) q_(i, j) = q;
        if (j > i) value_ += term(q);
      }
    }
    peak_ = value_;
  }

  double value() const { return value_; }

  double delta(Eigen::Index a, Eigen::Index b, Eigen::Index c) const {
    const double xa = x_(a, c), xb = x_(b, c);
    double d = 0;
    for (Eigen::Index j = 0; j < n_; ++j) {
      if (j == a || j == b) continue;
      const double xj = x_(j, c);
      const double change = (xb - xj) * (xb - xj) - (xa - xj) * (xa - xj);
      const double qa = dist2(j, a), qb = dist2(j, b);  // column access: contiguous
      d += term(qa + change) - term(qa) + term(qb - change) - term(qb);
    }
    return d;
  }

  void apply(Eigen::Index a, Eigen::Index b, Eigen::Index c, double delta) {
    const double xa = x_(a, c), xb = x_(b, c);
    if (cached_) {
      for (Eigen::Index j = 0; j < n_; ++j) {
        if (j == a || j == b) continue;
        const double xj = x_(j, c);
        const double change = (xb - xj) * (xb - xj) - (xa - xj) * (xa - xj);
        q_(a, j) = q_(j, a) = q_(j, a) + change;
        q_(b, j) = q_(j, b) = q_(j, b) - change;
      }
    }
    std::swap(x_(a, c), x_(b, c));
    value_ += delta;
    // A close pair's term can dwarf all others; when it leaves, the running sum has lost the
    // digits of the rest. Sum afresh once the value has fallen far below its recent peak.
    peak_ = std::max(peak_, value_);
    if (value_ < 1e-7 * peak_) value_ = peak_ = from_scratch();
  }

 private:
  double from_scratch() const {
    double v = 0;
    for (Eigen::Index i = 0; i < n_; ++i) {
      for (Eigen::Index j = i + 1; j < n_; ++j)
        v += term(dist2(i, j));
    }
    return v;
  }
  double term(double q) const {
    const double r = s2_ / std::max(q, 1e-300);  // (dist/s)^-2
    const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4, r16 = r8 * r8;
    return r16 * r8 * r;  // (dist/s)^-50
  }
  double squared(Eigen::Index i, Eigen::Index j) const {
    return (x_.row(i) - x_.row(j)).squaredNorm();
  }
  double dist2(Eigen::Index i, Eigen::Index j) const { return cached_ ? q_(i, j) : squared(i, j); }

  Eigen::MatrixXd& x_;
  Eigen::Index n_, d_;
  double s2_ = 1;
  double peak_ = 0;  // largest value since the last sum from scratch
  Eigen::MatrixXd q_;
  bool cached_ = false;
  double value_ = 0;
};

template <class Criterion>
SearchReport anneal(Eigen::MatrixXd& x, Criterion& crit, std::size_t iterations, Rng& rng,
                    std::uint64_t first) {
  const auto n = static_cast<std::uint64_t>(x.rows()) - first,
             d = static_cast<std::uint64_t>(x.cols());
  SearchReport report;
  auto pick = [&](Eigen::Index& a, Eigen::Index& b, Eigen::Index& c) {
    c = static_cast<Eigen::Index>(rng.below(d));
    a = static_cast<Eigen::Index>(rng.below(n));
    b = static_cast<Eigen::Index>(rng.below(n - 1));
    if (b >= a) ++b;
    a += static_cast<Eigen::Index>(first), b += static_cast<Eigen::Index>(first);
  };
  // Temperature in units of relative change of the criterion: start where a typical uphill
  // swap is often accepted, end where practically none is (a greedy finish).
  // The median, not the mean: one swap that creates a close pair can change phi_p by orders of
  // magnitude, and a mean would make every later swap look small.
  std::vector<double> probe(65);
  for (auto& p : probe) {
    Eigen::Index a, b, c;
    pick(a, b, c);
    p = std::fabs(crit.delta(a, b, c)) / std::fabs(crit.value());
  }
  std::nth_element(probe.begin(), probe.begin() + 32, probe.end());
  const double typical = probe[32];
  const double t0 = 0.1 * typical, t1 = 1e-4 * typical;
  const double cooling =
      iterations > 1 ? std::pow(t1 / t0, 1.0 / static_cast<double>(iterations - 1)) : 1;
  double temperature = t0;
  for (std::size_t it = 0; it < iterations; ++it, temperature *= cooling) {
    Eigen::Index a, b, c;
    pick(a, b, c);
    const double delta = crit.delta(a, b, c);
    const double rel = delta / std::fabs(crit.value());
    ++report.tried;
    if (rel < 0 || (temperature > 0 && rng.uniform() < std::exp(-rel / temperature))) {
      crit.apply(a, b, c, delta);
      ++report.accepted;
    }
  }
  return report;
}

std::size_t automatic_iterations(std::size_t n, std::size_t d) {
  // About 20 tries per entry of the design, within ~1e9 elementary updates.
  const double per_try =
      static_cast<double>(n) * (n <= kMaxCachedPoints ? 1.0 : static_cast<double>(d));
  const double cap = 1e9 / per_try;
  return static_cast<std::size_t>(std::min(20.0 * static_cast<double>(n * d), cap));
}

}  // namespace

SearchReport improve_design(Eigen::MatrixXd& x, space::DesignCriterion criterion,
                            std::size_t iterations, Rng& rng, std::size_t first_free) {
  const auto n = static_cast<std::size_t>(x.rows()), d = static_cast<std::size_t>(x.cols());
  SearchReport report;
  if (criterion == space::DesignCriterion::None || n < first_free + 2 || d == 0) return report;
  if (n > kMaxSearchPoints) {
    report.skipped = true;
    return report;
  }
  // Tries in proportion to the entries that may move.
  if (iterations == 0) iterations = automatic_iterations(n, d) * (n - first_free) / n;
  if (criterion == space::DesignCriterion::Discrepancy) {
    report.initial = centered_discrepancy(x);
    Discrepancy crit(x);
    const auto r = anneal(x, crit, iterations, rng, first_free);
    report.tried = r.tried, report.accepted = r.accepted;
    report.final = centered_discrepancy(x);
    report.tracked = crit.value();
    report.recomputed = Discrepancy(x).value();
  } else {
    report.initial = min_distance(x);
    Maximin crit(x);
    const auto r = anneal(x, crit, iterations, rng, first_free);
    report.tried = r.tried, report.accepted = r.accepted;
    report.final = min_distance(x);
    report.tracked = crit.value();
    report.recomputed = Maximin(x).value();
  }
  return report;
}

}  // namespace hsicho::design
