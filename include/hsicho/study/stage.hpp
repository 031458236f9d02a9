// The HSIC-guided optimizer's decisions between two stages, as pure functions of one stage's
// configurations, results and analysis (no MPI, no training): which hyperparameters to freeze and
// at what value, how to narrow the others. The same results always give the same decisions, so a
// resumed run takes the same path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsicho/design/design.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::study {

struct OptimizeSettings {
  bool enabled = false;
  std::string strategy = "hsic";    // hsic | random | lhs
  std::vector<std::size_t> stages;  // trainings per stage (random, lhs: one stage of the sum)
  std::vector<double> alpha;        // per stage
  double pvalue = 0.05;             // freeze when p > pvalue ...
  double share_floor = 0.0;         // ... or share < share_floor
  std::string freeze = "cheapest";  // cheapest | best | mode
  double margin = 0.1;              // widening of a narrowed range, in the normalized scale
  std::size_t final_top = 3, final_seeds = 3;
  double final_epochs = 2.0;  // factor on the epochs of the final retraining
  std::size_t budget = 0;     // 0: no cap; else stages + final must fit
  std::size_t total() const;  // trainings the settings ask for
};

// Reads the deck's `optimize` block; InputError for bad values or a budget the stages exceed.
OptimizeSettings read_optimize(const space::Deck& deck);

struct StageInput {
  const space::Space* space = nullptr;  // the stage's space
  std::vector<space::Config> configs;
  std::vector<double> errors;  // validation errors (+inf: diverged or failed)
  std::vector<double> costs;   // parameters x epochs (or seconds)
  hsic::Analysis analysis;     // of this stage, inputs in space->free_columns() order
  double alpha = 0.1;
};

// One decision about one hyperparameter (or about the whole stage), as data: the run's log, the
// study file and the report make their text from it with describe().
struct Decision {
  enum class Action {
    Unchanged,  // no finite error among the best: the space stays as it is
    Froze,      // weak evidence: fixed at `value` (`why`: the freeze rule's choice)
    Fixed,      // important, but one value spans the best (`why`)
    Kept,       // important, its domain `before` unchanged
    Narrowed,   // important, narrowed from `before` (empty for categories) to `after`
    KeptFree,   // would have been frozen with all others: kept free, as it was
    Dropped,    // a child that its frozen `parent` (= `value`) leaves inactive
  };
  Action action = Action::Unchanged;
  std::string name, value, parent, before, after, why;
  double pvalue = 0, share = 0;
};

std::string describe(const Decision& d);

struct StageDecision {
  space::Space next;  // the space of the next stage
  std::vector<Decision> decisions;
  std::vector<std::string> frozen;
};

StageDecision decide(const StageInput& in, const OptimizeSettings& settings);

// The design settings of stage k (0: the deck's design when there is no optimizer): its size,
// and the sampling method the strategy asks for.
space::DesignSettings stage_design(const space::Deck& deck, const OptimizeSettings& settings,
                                   std::size_t k);

// The training seed of configuration i: a function of the study seed and i only.
std::uint64_t config_seed(std::uint64_t study_seed, std::size_t i);

// The design of stage k over `space` with `settings` (from stage_design): each stage draws from
// its own seed stream, so later stages never repeat earlier points. The one function behind what
// `run` trains, `design` prints and `validate` checks.
design::Design make_stage_design(const space::Space& space, const space::DesignSettings& settings,
                                 std::uint64_t study_seed, std::size_t k);

// A plain study's design grown through `sizes` (the plan's: sizes[0] is the first run's
// design.samples, each next one an extension): the first run's design, then each extension's
// new points from a seed stream of its own. The same on every rank and after any resume.
design::Design make_extended_design(const space::Space& space, space::DesignSettings settings,
                                    std::uint64_t study_seed,
                                    const std::vector<std::size_t>& sizes);

}  // namespace hsicho::study
