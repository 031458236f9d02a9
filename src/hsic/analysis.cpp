#include "hsicho/hsic/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "hsicho/hsic/evidence.hpp"
#include "hsicho/hsic/pairwise.hpp"
#include "hsicho/hsic/special.hpp"
#include "hsicho/random.hpp"

namespace hsicho::hsic {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Permutations behind a discrete input's p-value when the Gamma law is asked for.
constexpr std::size_t kDiscretePermutations = 2000;

double index_at(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s, double alpha,
                Estimator est, Scaling scaling, const Partition& part) {
  const TargetSums sums = target_sums(x, z, s, part, false);
  const double n = static_cast<double>(x.size()), m = z.sum();
  double a = 0, b = 0, c = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i)
    a += sums.k[i], c += sums.t[i], b += z[i] * sums.t[i];
  return target_index(n, m, a, b, c, alpha, est, scaling);
}

double choose_bandwidth(const BandwidthRule& rule, const Eigen::VectorXd& x,
                        const Eigen::VectorXd& z, double alpha, Estimator est, Scaling scaling,
                        const Partition& part) {
  double s = 0;
  switch (rule.kind) {
    case BandwidthRule::Kind::Median:
      s = median_bandwidth(x.data(), static_cast<std::size_t>(x.size()));
      break;
    case BandwidthRule::Kind::Std:
      s = std_bandwidth(x.data(), static_cast<std::size_t>(x.size()));
      break;
    case BandwidthRule::Kind::Max:
      return max_bandwidth(x, z, alpha, est, scaling, part);
    case BandwidthRule::Kind::Value:
      return rule.value;
  }
  // A constant input has no spread: any bandwidth gives index 0; keep the kernel defined.
  return s > 0 ? s : 1.0;
}

struct Single {
  double hsic, stderr_, r2, pvalue, bandwidth, null95;
};

// The bandwidth in [1e-4, 5] that maximizes index(s) (log grid, then golden section).
double maximize_over_bandwidth(const std::function<double(double)>& index) {
  const double lo = std::log(1e-4), hi = std::log(5.0);
  auto f = [&](double log_s) { return index(std::exp(log_s)); };
  // The index can have several local maxima in s: scan a grid, then refine around the best.
  const int grid = 24;
  int best = 0;
  double best_f = -INFINITY;
  for (int g = 0; g <= grid; ++g) {
    const double v = f(lo + (hi - lo) * g / grid);
    if (v > best_f) best_f = v, best = g;
  }
  double a = lo + (hi - lo) * std::max(0, best - 1) / grid,
         b = lo + (hi - lo) * std::min(grid, best + 1) / grid;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double c = b - phi * (b - a), d = a + phi * (b - a), fc = f(c), fd = f(d);
  for (int it = 0; it < 40 && b - a > 1e-6; ++it) {
    if (fc > fd) {
      b = d, d = c, fd = fc, c = b - phi * (b - a), fc = f(c);
    } else {
      a = c, c = d, fc = fd, d = a + phi * (b - a), fd = f(d);
    }
  }
  const double mid = 0.5 * (a + b);
  return f(mid) >= best_f ? std::exp(mid) : std::exp(lo + (hi - lo) * best / grid);
}

// A discrete input with the expected kernel: bandwidth, index, p-value.
Single analyse_discrete(const Eigen::VectorXd& x, const Discrete& disc, const Goal& goal,
                        const Options& o, std::uint64_t stream) {
  Single r{};
  const auto levels = levels_of(x, disc);
  auto index_at_s = [&](double s) {
    const TargetSums sums = discrete_sums(levels, expected_kernel(disc, s), goal.z, false);
    double a = 0, b = 0, c = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i)
      a += sums.k[i], c += sums.t[i], b += goal.z[i] * sums.t[i];
    return target_index(static_cast<double>(x.size()), goal.z.sum(), a, b, c, o.alpha, o.estimator,
                        o.scaling);
  };
  switch (o.bandwidth.kind) {
    case BandwidthRule::Kind::Value:
      r.bandwidth = o.bandwidth.value;
      break;
    case BandwidthRule::Kind::Max:
      r.bandwidth = maximize_over_bandwidth(index_at_s);
      break;
    default:
      r.bandwidth = discrete_bandwidth(o.bandwidth, levels, disc);
  }
  const Eigen::MatrixXd g = expected_kernel(disc, r.bandwidth);
  const TargetStats t =
      target_stats(discrete_sums(levels, g, goal.z, true), goal.z, o.alpha, o.estimator, o.scaling);
  r.hsic = t.hsic, r.stderr_ = t.stderr_, r.r2 = t.r2, r.null95 = kNaN;
  // A permutation test is valid by construction whatever the few values a discrete statistic
  // takes (the Gamma law's fit is not guaranteed there), and costs O(n + L^2) per permutation
  // here, so it replaces the Gamma law. Its seed is fixed, not the analysis seed: nothing random
  // is left to change an input's p-value.
  r.pvalue =
      o.pvalues == PValueMethod::None
          ? kNaN
          : discrete_permutation_pvalue(
                levels, g, goal.z, o.alpha, o.estimator,
                o.pvalues == PValueMethod::Permutation ? o.permutations : kDiscretePermutations,
                0x5EED + stream, &r.null95);
  if (o.scaling == Scaling::Paper) {
    const double p = goal.z.sum() / static_cast<double>(x.size());
    r.null95 *= o.alpha * o.alpha / (p * p);
  }
  return r;
}

// The input's bins when the expected kernel applies to it; null otherwise.
const Discrete* discrete_of(const Options& o, Eigen::Index c) {
  if (o.discrete_kernel != DiscreteKernel::Expected || o.block_size > 0) return nullptr;
  const auto k = static_cast<std::size_t>(c);
  return k < o.discrete.size() && o.discrete[k].is_discrete() ? &o.discrete[k] : nullptr;
}

Single analyse_one(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Goal& goal,
                   const Options& o, const Partition& part, std::uint64_t stream,
                   const Discrete* disc = nullptr) {
  if (disc) return analyse_discrete(x, *disc, goal, o, stream);
  Single r{};
  r.bandwidth = choose_bandwidth(o.bandwidth, x, goal.z, o.alpha, o.estimator, o.scaling, part);
  if (o.block_size > 0) {
    const BlockResult b =
        block_hsic(x, goal.z, r.bandwidth, o.alpha, o.scaling, o.block_size, o.seed + stream, part);
    r.hsic = b.hsic, r.stderr_ = b.stderr_, r.pvalue = b.pvalue, r.r2 = kNaN, r.null95 = kNaN;
    return r;
  }
  (void)y;
  const TargetStats t = target_stats(target_sums(x, goal.z, r.bandwidth, part), goal.z, o.alpha,
                                     o.estimator, o.scaling);
  r.hsic = t.hsic, r.stderr_ = t.stderr_, r.r2 = t.r2, r.null95 = t.null95;
  switch (o.pvalues) {
    case PValueMethod::None:
      r.pvalue = kNaN;
      break;
    case PValueMethod::Gamma:
      r.pvalue = t.pvalue;
      break;
    case PValueMethod::Permutation:
      r.pvalue = permutation_pvalue(x, goal.z, r.bandwidth, o.alpha, o.estimator, o.permutations,
                                    o.seed + stream, part);
      break;
  }
  return r;
}

Eigen::VectorXd rows_of(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& rows) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t k = 0; k < rows.size(); ++k)
    out[static_cast<Eigen::Index>(k)] = v[rows[k]];
  return out;
}

// Everything about input c: its index on the rows where it is active, and for a conditional
// input the index of "is active" itself.
InputResult analyse_input(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Goal& goal,
                          Eigen::Index c, const std::string& name, const Options& o,
                          const Partition& part) {
  InputResult r;
  r.name = name;
  const Eigen::Index n = x.rows();
  {
    std::vector<Eigen::Index> active;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isnan(x(i, c))) active.push_back(i);
    }
    const auto stream = static_cast<std::uint64_t>(c) * 7919 + 1;
    if (static_cast<Eigen::Index>(active.size()) == n) {
      const Single s = analyse_one(x.col(c), y, goal, o, part, stream, discrete_of(o, c));
      r.hsic = s.hsic, r.stderr_ = s.stderr_, r.r2 = s.r2, r.pvalue = s.pvalue,
      r.bandwidth = s.bandwidth, r.null95 = s.null95;
      r.n = static_cast<std::size_t>(n), r.m = goal.m, r.threshold = goal.threshold;
      r.active_hsic = r.active_pvalue = kNaN;
    } else {
      r.conditional = true;
      // The child on the rows where it exists, with the quantile recomputed there.
      // A sub-sample too small, or whose errors all tie, has no index (NaN), not an error.
      std::optional<Goal> gc;
      if (active.size() >= 4) {
        try {
          gc = goal_set(rows_of(y, active), o.alpha);
        } catch (const std::invalid_argument&) {
        }
      }
      if (gc) {
        const Eigen::VectorXd yc = rows_of(y, active);
        const Single s =
            analyse_one(rows_of(x.col(c), active), yc, *gc, o, part, stream, discrete_of(o, c));
        r.hsic = s.hsic, r.stderr_ = s.stderr_, r.r2 = s.r2, r.pvalue = s.pvalue,
        r.bandwidth = s.bandwidth, r.null95 = s.null95;
        r.n = active.size(), r.m = gc->m, r.threshold = gc->threshold;
      } else {
        r.hsic = r.stderr_ = r.r2 = r.pvalue = r.bandwidth = r.threshold = r.null95 = kNaN;
        r.n = active.size();
      }
      // "Is active" as a boolean input on all rows (two bins, like any boolean).
      Eigen::VectorXd flag(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        flag[i] = (std::isnan(x(i, c)) ? 0.0 : 0.5) +
                  0.5 * hashed_unit(o.seed, static_cast<std::uint64_t>(i),
                                    static_cast<std::uint64_t>(c), 0xAC71);
      }
      Options plain = o;
      plain.block_size = 0;
      const Discrete boolean{{0.0, 0.5, 1.0}, false};
      const Single s =
          analyse_one(flag, y, goal, plain, part, stream + 1,
                      o.discrete_kernel == DiscreteKernel::Expected ? &boolean : nullptr);
      r.active_hsic = s.hsic, r.active_pvalue = s.pvalue;
    }
  }
  return r;
}

// Input c was analysed by rank c % size alone: every rank takes its numbers. Other ranks add
// -0.0, the one value whose sum with any x (signed zeros and NaN included) is exactly x.
void share_results(std::vector<InputResult>& inputs, const Partition& part) {
  constexpr std::size_t kFields = 12;
  std::vector<double> buf(inputs.size() * kFields, -0.0);
  for (std::size_t c = 0; c < inputs.size(); ++c) {
    if (!part.owns(c)) continue;
    const auto& r = inputs[c];
    const double v[kFields] = {r.hsic,
                               r.stderr_,
                               r.r2,
                               r.pvalue,
                               r.bandwidth,
                               static_cast<double>(r.n),
                               static_cast<double>(r.m),
                               r.threshold,
                               r.conditional ? 1.0 : 0.0,
                               r.active_hsic,
                               r.active_pvalue,
                               r.null95};
    std::copy(v, v + kFields, buf.begin() + static_cast<std::ptrdiff_t>(c * kFields));
  }
  part.reduce(buf.data(), buf.size());
  for (std::size_t c = 0; c < inputs.size(); ++c) {
    const double* v = buf.data() + c * kFields;
    auto& r = inputs[c];
    r.hsic = v[0], r.stderr_ = v[1], r.r2 = v[2], r.pvalue = v[3], r.bandwidth = v[4];
    r.n = static_cast<std::size_t>(v[5]), r.m = static_cast<std::size_t>(v[6]);
    r.threshold = v[7], r.conditional = v[8] > 0.5, r.active_hsic = v[9], r.active_pvalue = v[10];
    r.null95 = v[11];
  }
}

// The inputs without missing values (not conditional): their columns, data and bandwidths.
struct Complete {
  std::vector<Eigen::Index> cols;
  Eigen::MatrixXd x;
  std::vector<double> bandwidths;
};

Complete complete_inputs(const Eigen::MatrixXd& x, const std::vector<InputResult>& inputs) {
  Complete c;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].conditional) c.cols.push_back(static_cast<Eigen::Index>(k));
  }
  c.x.resize(x.rows(), static_cast<Eigen::Index>(c.cols.size()));
  for (std::size_t k = 0; k < c.cols.size(); ++k) {
    c.x.col(static_cast<Eigen::Index>(k)) = x.col(c.cols[k]);
    c.bandwidths.push_back(inputs[static_cast<std::size_t>(c.cols[k])].bandwidth);
  }
  return c;
}

// Percentile intervals and top-k shares from resamples of the rows: the whole analysis (goal set,
// bandwidths, indices) again on each, p-values and interactions left out. Resamples whose goal
// set is degenerate (every row tied) are skipped. The same resamples on every rank.
void bootstrap_indices(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                       const std::vector<std::string>& names, const Options& o,
                       const Partition& part, Analysis& an) {
  Options q = o;
  q.bootstrap = 0;
  q.interactions = false;
  q.pvalues = PValueMethod::None;
  q.pair_tests = false;
  const Eigen::Index n = x.rows();
  const std::size_t d = an.inputs.size();
  std::vector<std::vector<double>> draws(d);
  std::vector<std::size_t> top(d, 0);
  // The ranking's members: every input ranked by evidence; by index, those not conditional.
  std::vector<bool> members(d, true);
  std::size_t count = d;
  for (std::size_t c = 0; c < d && o.rank_by == RankBy::Index; ++c) {
    if (an.inputs[c].conditional) members[c] = false, --count;
  }
  const std::size_t k = std::min(o.top_k, count);
  Rng rng(o.seed, 0xB007);
  Eigen::MatrixXd xb(n, x.cols());
  Eigen::VectorXd yb(n);
  std::size_t used = 0;
  for (std::size_t b = 0; b < o.bootstrap; ++b) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto r = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(n)));
      xb.row(i) = x.row(r);
      yb[i] = y[r];
    }
    Analysis ab;
    try {
      ab = analyze(xb, yb, names, q, part);
    } catch (const std::invalid_argument&) {
      continue;
    }
    ++used;
    for (std::size_t c = 0; c < d; ++c) {
      if (!std::isnan(ab.inputs[c].hsic)) draws[c].push_back(ab.inputs[c].hsic);
    }
    // The resample's ranking as the analysis ranks: by evidence (the resample's goal and order
    // tests with the whole sample's pair tests, which are too costly to repeat), or by index.
    for (std::size_t c = 0; c < d && o.rank_by == RankBy::Evidence; ++c) {
      auto& r = ab.inputs[c];
      r.evidence_pvalue = evidence_pvalue(r.main_pvalue, an.inputs[c].pair_pvalue);
      r.evidence = evidence_score(r.evidence_pvalue);
    }
    const auto order = ranking_order(ab.inputs, o.rank_by);
    std::size_t placed = 0;
    for (std::size_t r = 0; r < order.size() && placed < k; ++r) {
      if (members[order[r]]) ++top[order[r]], ++placed;
    }
  }
  an.bootstrap = used;
  an.top_k = k;
  auto percentile = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  for (std::size_t c = 0; c < d; ++c) {
    auto& r = an.inputs[c];
    if (draws[c].size() >= 2) {
      r.ci_low = percentile(draws[c], 0.025);
      r.ci_high = percentile(draws[c], 0.975);
    }
    if (members[c] && used > 0)
      r.top_share = static_cast<double>(top[c]) / static_cast<double>(used);
  }
}

}  // namespace

double max_bandwidth(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double alpha,
                     Estimator est, Scaling scaling, const Partition& part) {
  return maximize_over_bandwidth(
      [&](double s) { return index_at(x, z, s, alpha, est, scaling, part); });
}

BlockResult block_hsic(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s, double alpha,
                       Scaling scaling, std::size_t block_size, std::uint64_t seed,
                       const Partition& part) {
  const auto n = static_cast<std::size_t>(x.size());
  if (block_size < 4) throw std::invalid_argument("block HSIC needs blocks of at least 4 rows");
  const std::size_t blocks = n / block_size;
  if (blocks < 2)
    throw std::invalid_argument("block HSIC needs at least two blocks: n >= 2 x block size");
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(seed, 0xB10C);
  rng.shuffle(perm.data(), n);
  Eigen::VectorXd stat = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(blocks));
  const Partition serial;  // each block is small: one process computes it whole
  for (std::size_t b = 0; b < blocks; ++b) {
    if (!part.owns(b)) continue;
    Eigen::VectorXd xb(static_cast<Eigen::Index>(block_size)),
        zb(static_cast<Eigen::Index>(block_size));
    for (std::size_t k = 0; k < block_size; ++k) {
      xb[static_cast<Eigen::Index>(k)] = x[static_cast<Eigen::Index>(perm[b * block_size + k])];
      zb[static_cast<Eigen::Index>(k)] = z[static_cast<Eigen::Index>(perm[b * block_size + k])];
    }
    const TargetSums sums = target_sums(xb, zb, s, serial, false);
    double a = 0, bb = 0, c = 0;
    for (Eigen::Index i = 0; i < xb.size(); ++i)
      a += sums.k[i], c += sums.t[i], bb += zb[i] * sums.t[i];
    stat[static_cast<Eigen::Index>(b)] = target_index(static_cast<double>(block_size), zb.sum(), a,
                                                      bb, c, alpha, Estimator::U, scaling);
  }
  part.reduce(stat.data(), static_cast<std::size_t>(stat.size()));
  BlockResult r;
  r.blocks = blocks;
  double mean = 0;
  for (Eigen::Index b = 0; b < stat.size(); ++b)
    mean += stat[b];
  mean /= static_cast<double>(blocks);
  double var = 0;
  for (Eigen::Index b = 0; b < stat.size(); ++b)
    var += (stat[b] - mean) * (stat[b] - mean);
  var /= static_cast<double>(blocks - 1);
  r.hsic = mean;
  r.stderr_ = std::sqrt(var / static_cast<double>(blocks));
  r.pvalue = r.stderr_ > 0 ? normal_sf(mean / r.stderr_) : (mean > 0 ? 0.0 : 1.0);
  return r;
}

Analysis analyze(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                 const std::vector<std::string>& names, const Options& o, const Partition& part) {
  const Eigen::Index n = x.rows(), d = x.cols();
  if (y.size() != n)
    throw std::invalid_argument("inputs and target have different numbers of rows");
  if (static_cast<Eigen::Index>(names.size()) != d)
    throw std::invalid_argument("one name per input is needed");
  if (n < 2) throw std::invalid_argument("at least 2 rows are needed, got " + std::to_string(n));
  if (o.estimator == Estimator::U && n < 4)
    throw std::invalid_argument("the U statistic needs at least 4 rows");
  Analysis an;
  const Goal goal = goal_set(y, o.alpha);
  an.n = static_cast<std::size_t>(n), an.m = goal.m, an.alpha = o.alpha,
  an.threshold = goal.threshold;

  // Missing values are checked up front, on every rank alike, so that all ranks fail together.
  for (Eigen::Index c = 0; c < d && !o.conditional; ++c) {
    const Eigen::Index missing = x.col(c).array().isNaN().count();
    if (missing > 0) {
      throw std::invalid_argument("input '" + names[static_cast<std::size_t>(c)] + "' has " +
                                  std::to_string(missing) +
                                  " missing values: analyse a conditional hyperparameter with "
                                  "--conditional");
    }
  }
  // With at least as many inputs as ranks, each rank analyses whole inputs (all the work of an
  // input, its bandwidth included, is then shared out); otherwise every input's kernel rows are
  // spread over the ranks. Either way an input's numbers do not depend on the partition.
  const bool by_input = part.size > 1 && d >= part.size;
  const Partition serial;
  for (Eigen::Index c = 0; c < d; ++c) {
    if (by_input && !part.owns(static_cast<std::size_t>(c))) {
      InputResult placeholder;
      placeholder.name = names[static_cast<std::size_t>(c)];
      an.inputs.push_back(placeholder);
      continue;
    }
    an.inputs.push_back(analyse_input(x, y, goal, c, names[static_cast<std::size_t>(c)], o,
                                      by_input ? serial : part));
  }
  if (by_input) share_results(an.inputs, part);
  double total = 0;
  for (const auto& r : an.inputs)
    total += std::isnan(r.hsic) ? 0 : std::max(0.0, r.hsic);
  for (auto& r : an.inputs)
    r.share = total > 0 && !std::isnan(r.hsic) ? std::max(0.0, r.hsic) / total : kNaN;

  if (o.smooth_goal > 0) {
    if (o.global)
      throw std::invalid_argument("a smooth goal and the global index exclude each other");
    // The smooth weight's index replaces the indicator's for complete inputs (same bandwidths).
    double mean = 0, sq = 0, count = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (std::isfinite(y[i])) mean += y[i], sq += y[i] * y[i], count += 1;
    }
    mean /= count;
    const double sd =
        count > 1 ? std::sqrt(std::max(0.0, (sq - count * mean * mean) / (count - 1))) : 0;
    const double scale = o.smooth_goal * (sd > 0 ? sd : 1.0);
    Eigen::VectorXd w(n);
    for (Eigen::Index i = 0; i < n; ++i)
      w[i] = y[i] < INFINITY ? std::exp(-std::max(0.0, y[i] - goal.threshold) / scale) : 0.0;
    const Complete c = complete_inputs(x, an.inputs);
    const auto g =
        global_hsic(c.x, w, c.bandwidths, 1 / std::sqrt(2 * std::log(2.0)), o.estimator, part);
    double gt = 0;
    for (const auto& v : g)
      gt += std::max(0.0, v.hsic);
    for (std::size_t k = 0; k < c.cols.size(); ++k) {
      auto& r = an.inputs[static_cast<std::size_t>(c.cols[k])];
      r.hsic = g[k].hsic, r.r2 = g[k].r2;
      r.pvalue = o.pvalues == PValueMethod::None ? kNaN : g[k].pvalue;
      r.stderr_ = r.null95 = kNaN;
      r.share = gt > 0 ? std::max(0.0, g[k].hsic) / gt : kNaN;
    }
  }

  if (o.global) {
    // The global index replaces the target one for complete inputs (same bandwidths).
    const Complete c = complete_inputs(x, an.inputs);
    const auto& cols = c.cols;
    const auto& xc = c.x;
    const auto& s = c.bandwidths;
    const double sy = std_bandwidth(y.data(), static_cast<std::size_t>(n));
    const auto g = global_hsic(xc, y, s, sy > 0 ? sy : 1.0, o.estimator, part);
    double gt = 0;
    for (const auto& v : g)
      gt += std::max(0.0, v.hsic);
    for (std::size_t k = 0; k < cols.size(); ++k) {
      auto& r = an.inputs[static_cast<std::size_t>(cols[k])];
      r.hsic = g[k].hsic, r.r2 = g[k].r2,
      r.pvalue = o.pvalues == PValueMethod::None ? kNaN : g[k].pvalue;
      r.stderr_ = kNaN, r.m = 0, r.threshold = kNaN, r.null95 = kNaN;
      r.share = gt > 0 ? std::max(0.0, g[k].hsic) / gt : kNaN;
    }
  }

  if (o.interactions) {
    const Complete c = complete_inputs(x, an.inputs);
    const auto& cols = c.cols;
    const auto& xc = c.x;
    const auto& s = c.bandwidths;
    std::vector<LevelKernel> kernels(cols.size());
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (const Discrete* disc = discrete_of(o, cols[k])) {
        kernels[k].levels = levels_of(xc.col(static_cast<Eigen::Index>(k)), *disc);
        kernels[k].g = expected_kernel(*disc, s[k]);
      }
    }
    const Eigen::MatrixXd m =
        target_interactions(xc, goal.z, s, o.alpha, o.estimator, o.scaling, part, kernels);
    an.interactions = Eigen::MatrixXd::Constant(d, d, kNaN);
    for (std::size_t a = 0; a < cols.size(); ++a) {
      for (std::size_t b = 0; b < cols.size(); ++b)
        an.interactions(cols[a], cols[b]) =
            m(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
    }
    if (static_cast<std::size_t>(n) <= kMaxAnovaRows && !cols.empty()) {
      // Permutations within about 2e9 multiply-adds over all pairs (two tests each): 999 for
      // small studies, 99 at least.
      const double work = static_cast<double>(cols.size() * (cols.size() + 1)) *
                          static_cast<double>(n) * static_cast<double>(n);
      const auto b = static_cast<std::size_t>(std::clamp(2e9 / work, 99.0, 999.0));
      const AnovaPairs av = anova_interactions(xc, goal.z, s, o.alpha, o.scaling, b, part, kernels);
      an.interaction_anova = Eigen::MatrixXd::Constant(d, d, kNaN);
      an.interaction_pvalue = Eigen::MatrixXd::Constant(d, d, kNaN);
      for (std::size_t a = 0; a < cols.size(); ++a) {
        for (std::size_t bb = 0; bb < cols.size(); ++bb) {
          const auto i = static_cast<Eigen::Index>(a), j = static_cast<Eigen::Index>(bb);
          an.interaction_anova(cols[a], cols[bb]) = av.term(i, j);
          an.interaction_pvalue(cols[a], cols[bb]) = av.pvalue(i, j);
        }
      }
    }
  }
  // The evidence behind the ranking: from the rows and errors alone, whatever the index's
  // options (bandwidth, estimator, scaling, global, smooth goal, block).
  {
    const auto ev = evidence(x, y, o.alpha, o.discrete, o.pair_tests, part);
    for (std::size_t c = 0; c < an.inputs.size(); ++c) {
      auto& r = an.inputs[c];
      const auto& e = ev[c];
      r.evidence = e.score, r.evidence_pvalue = e.pvalue;
      r.goal_pvalue = e.goal_p, r.order_pvalue = e.order_p, r.main_pvalue = e.main_p;
      r.pair_pvalue = e.pair_p;
      r.partner = e.partner >= 0 ? names[static_cast<std::size_t>(e.partner)] : "";
    }
  }
  an.ranked_by = o.rank_by;
  const auto order = ranking_order(an.inputs, o.rank_by);
  for (std::size_t r = 0; r < order.size(); ++r)
    an.inputs[order[r]].rank = r + 1;
  if (o.bootstrap > 0) bootstrap_indices(x, y, names, o, part, an);
  return an;
}

std::vector<std::size_t> ranking_order(const std::vector<InputResult>& inputs, RankBy by) {
  std::vector<std::size_t> order(inputs.size());
  std::iota(order.begin(), order.end(), 0);
  auto low = [](double v) { return std::isnan(v) ? -INFINITY : v; };
  auto key = [&](std::size_t i) {
    const auto& r = inputs[i];
    // Index: conditional inputs after the others (measured on a sub-sample with its own
    // quantile, their indices are not comparable with the rest).
    if (by == RankBy::Index)
      return std::make_tuple(r.conditional ? 0.0 : 1.0, low(r.hsic), 0.0, 0.0);
    // A conditional input without evidence (p above kChildEvidence) after the inputs measured on
    // every row: with no evidence the order is chance, and a child on a quarter of the rows
    // filled the top 2 in 13.6% of n = 32 data sets where it did nothing (docs/hsic.md).
    // Then evidence, then among inputs without any (all at 0, their p-values clamped at 1) the
    // smaller of their tests' p-values, which compare across inputs; the raw index last (it does
    // not: a conditional input's, on fewer rows, is biased upward).
    const bool late = r.conditional && !(r.evidence_pvalue <= kChildEvidence);
    const double best_test = std::fmin(std::isnan(r.main_pvalue) ? 2.0 : r.main_pvalue,
                                       std::isnan(r.pair_pvalue) ? 2.0 : r.pair_pvalue);
    return std::make_tuple(late ? 0.0 : 1.0, low(r.evidence), -best_test, low(r.hsic));
  };
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
  return order;
}

std::string goal_set_warning(const Analysis& an) {
  constexpr std::size_t kFew = 5;
  if (an.n == 0) return "";
  // Ties at the threshold (a target with few distinct values) put more rows in the goal set
  // than alpha asks for: the index then measures another question.
  const double asked = std::ceil(an.alpha * static_cast<double>(an.n));
  if (static_cast<double>(an.m) > 1.5 * asked + 1) {
    return "warning: ties at the threshold " + fmt::format("{:.4g}", an.threshold) + " put " +
           std::to_string(an.m) + " of " + std::to_string(an.n) +
           " rows in the goal set where alpha = " + fmt::format("{:.3g}", an.alpha) +
           " asks for about " + fmt::format("{:.0f}", asked) +
           ": the target has few distinct values; the indices describe 'at or below the "
           "threshold', not the best alpha fraction";
  }
  if (an.m >= kFew) return "";
  const std::string alpha =
      fmt::format("{:.2g}", std::min(0.5, static_cast<double>(kFew) / static_cast<double>(an.n)));
  return "warning: the goal set holds " + std::to_string(an.m) + " of " + std::to_string(an.n) +
         " trainings: too few for the index to say what matters (the ranking's evidence also "
         "reads the trainings near the goal and the errors' order); raise alpha (to " +
         alpha + " here) or train more";
}

}  // namespace hsicho::hsic
