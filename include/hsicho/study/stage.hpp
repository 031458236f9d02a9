// The HSIC-guided optimizer's decisions between two stages, as pure functions of the trainings
// so far and the last stage's analysis (no MPI, no training): which hyperparameters to freeze and
// at what value, how the next stage samples the others. The same results always give the same
// decisions, so a resumed run takes the same path.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "hsicho/design/design.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/space/keys.hpp"

namespace hsicho::study {

// Defaults: the key table's (space/keys.cpp), the one place they are written.
struct OptimizeSettings {
  static double number(const char* key) { return space::key_default<double>("optimize", key); }
  static std::size_t count(const char* key) {
    return static_cast<std::size_t>(space::key_default<std::int64_t>("optimize", key));
  }
  static std::string choice(const char* key) {
    return space::key_default<std::string>("optimize", key);
  }
  bool enabled = false;
  std::string strategy = choice("strategy");  // hsic | random | lhs
  std::vector<std::size_t> stages;   // trainings per stage (random, lhs: one stage of the sum)
  std::vector<double> alpha;         // per stage
  double pvalue = number("pvalue");  // an input with p <= pvalue is important
  // Frozen only if its index is at most this fraction of the leading input's (and the leader is
  // significant).
  double freeze_ratio = number("freeze_ratio");
  std::string freeze = choice("freeze");  // cheapest | best | mode
  double explore = number("explore");     // share of a later stage drawn over the whole space
  double spread = number("spread");  // sd of the moves around a good configuration (unit scale)
  double drift = number("drift");    // steps toward the cheaper side per stage (0: none)
  std::size_t final_top = count("final_top"), final_seeds = count("final_seeds");
  double final_epochs = number("final_epochs");  // factor on the epochs of the final retraining
  // The winner: the cheapest finalist within the best's seed spread.
  bool pick_cheapest = choice("pick") == "cheapest";
  std::size_t budget = 0;  // 0: no cap; else stages + final must fit
  // A wall-time budget (optimize.budget: 2h), in seconds: stage 1 has 8 trainings per
  // hyperparameter and the later stages are sized from its times (time_sized_stages).
  double budget_seconds = 0;
  std::size_t total() const;  // trainings the settings ask for
};

// Reads the deck's `optimize` block; InputError for bad values or a budget the stages exceed.
// `stages: auto` (or no stages with a budget) sizes the stages from the budget and the number
// of hyperparameters (stage_sizes).
OptimizeSettings read_optimize(const space::Deck& deck);

// The stages of a search budget (trainings before the final retraining) over d free
// hyperparameters: the first stage, the only one that sees the whole space, gets half of the
// budget and at least 8 trainings per hyperparameter (all of it if the budget is smaller); the
// rest goes to two equal later stages (one if it holds fewer than 16 trainings, none under 4).
std::vector<std::size_t> stage_sizes(std::size_t budget, std::size_t d);

// The later stages under a wall-time budget: `left` seconds once stage 1 and the final
// retraining's estimate are paid, `per_training` the wall seconds a training of stage 1 took
// (its trainings' seconds over the ranks), `first` stage 1's size. As many trainings as fit, in
// equal stages of about twice stage 1 at most, 1 to 4 of them; none when fewer than 4 fit.
std::vector<std::size_t> time_sized_stages(double left, double per_training, std::size_t first);

// The next stage under a wall-time budget, after `later_done` later stages (0 after stage 1):
// what time_sized_stages fits in `left` seconds, shared among the later stages that remain (at
// most 4 in all). size 0: no further stage; last: no stage after this one.
struct NextStage {
  std::size_t size = 0;
  bool last = true;
};
NextStage next_stage_by_time(double left, double per_training, std::size_t first,
                             std::size_t later_done);

// What the optimizer knows after a stage: every training so far (all stages, configurations over
// the deck's space) and the analysis of the last stage over that stage's space.
struct StageInput {
  const space::Space* space = nullptr;  // the last stage's space
  std::vector<space::Config> configs;   // every stage's
  std::vector<double> errors;           // validation errors (+inf: diverged or failed)
  std::vector<double> costs;            // parameters x epochs (or seconds)
  hsic::Analysis analysis;              // of the last stage, inputs in space->free_columns() order
  double alpha = 0.1;
};

// One decision about one hyperparameter (or about the whole stage), as data: the run's log, the
// study file and the report make their text from it with describe().
struct Decision {
  enum class Action {
    Unchanged,  // no finite error among the best: the next stage samples the space as it is
    Froze,      // evidence of irrelevance: fixed at `value` (`why`: the freeze rule's choice)
    Focused,    // important (p <= pvalue): sampled close to the good configurations
    Explored,   // undecided: sampled loosely around the good configurations, drifting cheap
    Dropped,    // a child that its frozen `parent` (= `value`) leaves inactive
  };
  Action action = Action::Unchanged;
  std::string name, value, parent, why;
  std::string leader;                    // the leading input, the yardstick of `ratio`
  double pvalue = NAN, top_share = NAN;  // top_share: resamples with the input in the top k
  double ratio = NAN;                    // its index over the leading input's
  int drift = 0;  // Explored: -1 toward lower, +1 toward higher values (the cheaper side), 0 none
};

std::string describe(const Decision& d);
// The action as one word, for the study file: unchanged, froze, focused, explored, dropped.
const char* action_name(Decision::Action a);

// How the next stage samples one free hyperparameter around the good configurations.
struct Move {
  bool focused = false;  // important: small moves; else wide ones
  int drift = 0;         // toward the cheaper side, in the unit scale
};

struct StageDecision {
  space::Space next;  // the space of the next stage
  std::vector<Decision> decisions;
  std::vector<std::string> frozen;
  std::vector<Move> moves;  // one per hyperparameter of `next` (by index)
  // The goal set of every stage so far, best first; with optimize.pick: cheapest, the first
  // layers of its accuracy-cost front among the best 2 alpha (stage.cpp, front_rows).
  std::vector<space::Config> parents;
  bool sample_near_parents = false;  // false: the next stage is a Latin hypercube of `next`
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
// The design of a later stage of the HSIC-guided optimizer (k >= 1): a share `explore` of its
// n rows is a Latin hypercube of the stage's space, the rest are moves around the good
// configurations of every stage so far (d.parents, in turn, best first): important inputs by
// small steps, undecided ones by wide steps drifting toward the cheaper side, each categorical
// input switching level now and then. A configuration already trained (`trained`) or already in
// the design is never drawn again: at most n rows, fewer when the space holds no new ones.
design::Design sample_stage(const StageDecision& d, const OptimizeSettings& settings,
                            const std::vector<space::Config>& trained, std::size_t n,
                            std::uint64_t study_seed, std::size_t k);

design::Design make_extended_design(const space::Space& space, space::DesignSettings settings,
                                    std::uint64_t study_seed,
                                    const std::vector<std::size_t>& sizes);

}  // namespace hsicho::study
