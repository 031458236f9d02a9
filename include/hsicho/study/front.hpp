// Accuracy and cost together (docs/hsic.md, "The accuracy-cost front"; docs/optimize.md, "The
// pick"): the costs of a training, the Pareto layers of (validation error, cost), the cheapest
// configuration within a tolerance of the best, and the goal "on the front".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/record.hpp"

namespace hsicho::study {

// The cost a study's front uses (analysis.cost): parameters (the default), flops, seconds, or
// metric:NAME (a number the training reports). NaN when the record does not know it.
double cost_of(const Record& r, const std::string& cost);
// Whether `cost` names one of those; InputError's text otherwise, "" when it is fine.
std::string cost_problem(const std::string& cost);

// Layer 1: the configurations no other beats in both (lower or equal error and cost, one of them
// lower); layer 2 once those are removed; ... 0 where the error or the cost is not a number
// (a failed or stopped training, an unknown cost). Equal points share their layer.
std::vector<int> pareto_layers(const std::vector<double>& error, const std::vector<double>& cost);

// The cheapest configuration whose error is at most `limit` (ties: the lower error, then the
// first); nullopt when none is.
std::optional<std::size_t> cheapest_within(const std::vector<double>& error,
                                           const std::vector<double>& cost, double limit);

// The finalists of the optimizer's final retraining under optimize.pick: cheapest: the `top`
// lowest errors, and the cheapest configuration whose error is at most `limit` (the front's
// cheapest point there) when it is not among them. Indices into error/cost, best first.
std::vector<std::size_t> front_finalists(const std::vector<double>& error,
                                         const std::vector<double>& cost, std::size_t top,
                                         double limit);

// What a study file says of accuracy and cost, from its rows: each row's layer of the front
// (configs/pareto_rank), the pick beside the best (with `make_pick_best`, the pick is also the
// best: optimize.pick: cheapest), the best's and the pick's cost and stage of origin, and the
// index of "on the front" (goal pareto) over the first stage's rows (`options` as the study's
// analysis). Used by the study writer and by the reader of a study that runs.
void add_front(io::StudyData& study, const hsic::Options& options, bool make_pick_best);

}  // namespace hsicho::study
