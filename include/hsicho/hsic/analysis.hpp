// The sensitivity analysis of a set of trainings: normalized inputs X (n x d, NaN where a
// conditional hyperparameter is inactive) and errors y (lower is better) -> one result per input,
// ranked by nothing (callers sort), plus optional interactions.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hsicho/fields.hpp"
#include "hsicho/hsic/bandwidth.hpp"
#include "hsicho/hsic/discrete.hpp"
#include "hsicho/hsic/partition.hpp"
#include "hsicho/hsic/target.hpp"

namespace hsicho::hsic {

enum class PValueMethod { None, Gamma, Permutation };

// Discrete inputs: the expected kernel (no jitter, no order of categories: discrete.hpp), or the
// paper's Gaussian kernel on jittered values (what the authors' code computes).
enum class DiscreteKernel { Expected, Jitter };

// What the ranking (InputResult::rank) is by: the evidence of deciding the best (evidence.hpp,
// every input on one scale), or the index alone with conditional inputs after the others (the
// paper's reading, and hsicho's before the evidence).
enum class RankBy { Evidence, Index };

// The level below which a p-value marks an input as significant, wherever hsicho says so.
inline constexpr double kSignificanceLevel = 0.05;

struct Options {
  double alpha = 0.1;
  Estimator estimator = Estimator::V;
  Scaling scaling = Scaling::Hsic;
  BandwidthRule bandwidth;
  PValueMethod pvalues = PValueMethod::Gamma;
  std::size_t permutations = 1000;
  std::uint64_t seed = 1;
  bool interactions = false;
  bool conditional = false;    // analyse inputs with NaN on the rows where they are active
  bool global = false;         // global HSIC (Gaussian kernel on y) instead of the target index
  std::size_t block_size = 0;  // > 0: block HSIC (average of U statistics over blocks)
  DiscreteKernel discrete_kernel = DiscreteKernel::Expected;
  // > 0: a smooth goal weight instead of the indicator, w = exp(-d / (smooth_goal std(y))) with d
  // the distance from y to (-inf, q], and a Gaussian kernel of scale 1/sqrt(2 ln 2) on w: the
  // target HSIC of OpenTURNS with an exponential DistanceToDomainFunction filter. Conditional
  // inputs keep the indicator.
  double smooth_goal = 0;
  // Read by the study, not by the engine: the goal "on the accuracy-cost front" (the errors the
  // engine gets are then Pareto layers), the cost of the front, and the pick's tolerance.
  bool pareto_goal = false;
  std::string cost = "parameters";
  double tolerance = NAN;  // NaN: unset (study/best.hpp's pick_limit chooses)
  // Bootstrap resamples of the rows (0: none) behind each index's interval and top-k share.
  std::size_t bootstrap = 0;
  std::size_t top_k = 3;
  // Per input (empty, or one per column): the bins of a discrete input; a column without bins
  // (or beyond kMaxExpectedLevels levels) is continuous. Block and global HSIC, and the smooth
  // goal, use the jittered values whatever this says.
  std::vector<Discrete> discrete;
  RankBy rank_by = RankBy::Evidence;
  bool pair_tests = true;  // the evidence's pair tests (the bootstrap's resamples leave them out)
};

struct InputResult {
  std::string name;
  double hsic = 0, stderr_ = 0, r2 = 0, share = 0, pvalue = 0, bandwidth = 0;
  std::size_t n = 0, m = 0;  // rows used and goal-set size (a conditional input: its active rows)
  double threshold = 0;      // the quantile used for this input
  bool conditional = false;
  double active_hsic = 0, active_pvalue = 0;  // index of "is active" (conditional inputs)
  // Bootstrap (Options::bootstrap > 0, else NaN): 2.5% and 97.5% percentiles of the index over
  // resamples of the rows, and the share of resamples where the input ranks in the top k of the
  // inputs that are not conditional (NaN for conditional ones).
  double ci_low = NAN, ci_high = NAN, top_share = NAN;
  // The index's 95% quantile under independence (the Gamma law, or the permutations of a
  // discrete input): a bar beyond it has p < 0.05. NaN where unknown (block, global, smooth).
  double null95 = NAN;
  // The ranking (1: the strongest; 0: none, a file written before it existed) and the evidence
  // behind it (evidence.hpp): its normal score and p-value, and the p-values of its parts (the
  // goal test, the order test, the two combined: main; the pair tests with the partner of the
  // best one, "" without).
  std::size_t rank = 0;
  double evidence = NAN, evidence_pvalue = NAN;
  double goal_pvalue = NAN, order_pvalue = NAN, main_pvalue = NAN, pair_pvalue = NAN;
  std::string partner;
};

struct Analysis {
  std::size_t n = 0, m = 0;
  RankBy ranked_by = RankBy::Evidence;
  std::size_t bootstrap = 0, top_k = 0;  // resamples used for the intervals (0: none)
  double alpha = 0, threshold = 0;
  std::vector<InputResult> inputs;
  Eigen::MatrixXd interactions;  // d x d when asked (NaN for conditional inputs)
  // HSIC-ANOVA (pairwise.hpp): off the diagonal what each pair adds beyond its main effects,
  // on it the first-order terms; their permutation p-values. Empty above kMaxAnovaRows rows.
  Eigen::MatrixXd interaction_anova, interaction_pvalue;
};

// Above this many rows the HSIC-ANOVA terms are not computed (n x n matrices per input).
constexpr std::size_t kMaxAnovaRows = 1000;

// Throws std::invalid_argument for bad input (alpha, sizes, NaN in y, missing values without
// `conditional`, an empty goal set).
Analysis analyze(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                 const std::vector<std::string>& names, const Options& options,
                 const Partition& part = {});

// A conditional input ranks with the others when its evidence p-value is at most this, after
// every input measured on all rows otherwise. An inert child passes it in about 5% of data sets
// (the evidence's p-value is calibrated, conservatively), which bounds how often it can fill the
// top 2; 0.2 gave 11.7% in test_evidence.cpp's case (docs/results.md).
constexpr double kChildEvidence = 0.1;

// The inputs in the order of the ranking `by` (the strongest first): by evidence, NaN last, ties
// (no evidence: 0) by the smaller of the main and pair p-values, then by index, conditional
// inputs without evidence (p > kChildEvidence) after the others; or by index with conditional
// inputs after the others. Then column order.
std::vector<std::size_t> ranking_order(const std::vector<InputResult>& inputs, RankBy by);

// The p-value that goes with the ranking `by`: the evidence's, or the index's.
inline double ranking_pvalue(const InputResult& r, RankBy by) {
  return by == RankBy::Evidence ? r.evidence_pvalue : r.pvalue;
}

// A warning when the goal set is too small for the indices to mean much (fewer than 5 rows):
// empty when it is fine. Printed by `hsicho run` and `hsicho analyze`.
std::string goal_set_warning(const Analysis& analysis);

// The bandwidth in [1e-4, 5] that maximizes the target index (log grid, then golden section).
double max_bandwidth(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double alpha,
                     Estimator est, Scaling scaling, const Partition& part);

struct BlockResult {
  double hsic = 0, stderr_ = 0, pvalue = 0;
  std::size_t blocks = 0;
};
// Block HSIC (Zhang, Filippi, Gretton, Sejdinovic 2018): the mean of target U statistics over
// disjoint blocks of `block_size` rows (a seeded random partition; leftover rows unused). The
// block statistics are independent and centred under independence, so the p-value compares their
// mean to its standard error (normal law).
BlockResult block_hsic(const Eigen::VectorXd& x, const Eigen::VectorXd& z, double s, double alpha,
                       Scaling scaling, std::size_t block_size, std::uint64_t seed,
                       const Partition& part);

}  // namespace hsicho::hsic

namespace hsicho {

// The one list of an input's results: the study file's analysis/ columns and the "inputs" of
// every --json analysis.
template <>
struct Describe<hsic::InputResult> {
  template <class V>
  static void fields(V&& v) {
    using R = hsic::InputResult;
    v(field("name", &R::name, 0, "names"));
    v(field("hsic", &R::hsic));
    v(field("stderr", &R::stderr_));
    v(field("r2", &R::r2));
    v(field("share", &R::share));
    v(field("pvalue", &R::pvalue));
    v(field("bandwidth", &R::bandwidth));
    v(field("threshold", &R::threshold));
    v(field("n", &R::n));
    v(field("m", &R::m));
    v(field("conditional", &R::conditional));
    v(field("active_hsic", &R::active_hsic));
    v(field("active_pvalue", &R::active_pvalue));
    v(field("null95", &R::null95, kOptional));
    v(field("ci_low", &R::ci_low, kOptional));
    v(field("ci_high", &R::ci_high, kOptional));
    v(field("top_share", &R::top_share, kOptional));
    v(field("rank", &R::rank, kOptional));
    v(field("evidence", &R::evidence, kOptional));
    v(field("evidence_pvalue", &R::evidence_pvalue, kOptional));
    v(field("goal_pvalue", &R::goal_pvalue, kOptional));
    v(field("order_pvalue", &R::order_pvalue, kOptional));
    v(field("main_pvalue", &R::main_pvalue, kOptional));
    v(field("pair_pvalue", &R::pair_pvalue, kOptional));
    v(field("partner", &R::partner, kOptional, "partners"));
  }
};

}  // namespace hsicho
