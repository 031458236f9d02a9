// Latin hypercube designs in [0, 1]^d and their space-filling optimization.
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "hsicho/random.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::design {

// n points, one per stratum [k/n, (k+1)/n) in every column. A column flagged `centered` puts
// each point at the middle of its stratum: a discrete hyperparameter's levels are then
// balanced exactly (each level's count is within 1 of n times its bin width), which a
// jittered stratum cannot promise at bin boundaries.
Eigen::MatrixXd latin_hypercube(std::size_t n, std::size_t d, Rng& rng,
                                const std::vector<bool>& centered);

// `x` (n0 rows) grown to n rows that stay as stratified as they can: column by column, the new
// points go into strata of [0, 1] cut in n that hold no old point (at least n - n0 of them are
// empty), chosen at random when more are empty, in a random order. A design grown from n0 to
// 2 n0 this way from a Latin hypercube is again one. Centered columns put new points at the
// middle of their stratum.
Eigen::MatrixXd augment_latin_hypercube(const Eigen::MatrixXd& x, std::size_t n, Rng& rng,
                                        const std::vector<bool>& centered);

// Independent uniform points (plain Monte Carlo), for comparison and for random search.
Eigen::MatrixXd random_design(std::size_t n, std::size_t d, Rng& rng);

struct SearchReport {
  double initial = 0, final = 0;  // criterion value: CD^2, or the minimum pairwise distance
  std::size_t tried = 0, accepted = 0;
  // The objective the search minimizes (CD^2, or Morris-Mitchell phi_50 for maximin) as kept
  // up to date swap by swap, and as recomputed from scratch at the end: they must agree.
  double tracked = 0, recomputed = 0;
  bool skipped = false;  // too many points for the O(n^2) criterion: the plain Latin hypercube
};

// Above this many points the space-filling search is skipped (its criterion costs O(n^2 d) to
// evaluate, minutes at 1e5 points); a Latin hypercube is still stratified in every column.
constexpr std::size_t kMaxSearchPoints = 10000;

// Simulated annealing over swaps of two entries of one column, which keeps every column a Latin
// hypercube column (centered columns stay centered). Each swap touches two rows, so its effect
// on the criterion is updated in O(n) from cached pairwise terms (O(n d) when n is too large to
// cache n^2 terms). iterations = 0 chooses a budget from n and d. Rows before `first_free` stay
// as they are (an extended design keeps the points already trained): swaps are among the others.
SearchReport improve_design(Eigen::MatrixXd& x, space::DesignCriterion criterion,
                            std::size_t iterations, Rng& rng, std::size_t first_free = 0);

// Criteria, from scratch (references for tests and reports).
// Centered L2 discrepancy squared (Hickernell 1998), the number scipy.stats.qmc.discrepancy
// returns with method="CD".
double centered_discrepancy(const Eigen::MatrixXd& x);
double min_distance(const Eigen::MatrixXd& x);

}  // namespace hsicho::design
