// Goal-aware early stopping (docs/early_stopping.md). The goal-oriented index needs, for each
// training, only whether it lands among the best alpha fraction. At rungs (epochs 3, 9, 27, ...)
// a training goes on only while its validation error is within the best keep x alpha fraction of
// the errors that the trainings it is compared with had at the same rung (those that ended before
// the rung count as the worst); the margin keeps the goal set's late bloomers. A training stopped
// at a rung is a result (Outcome::Stopped), with its error censored: outside the goal set.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hsicho/space/deck.hpp"
#include "hsicho/space/keys.hpp"

namespace hsicho::study {

// Defaults: the key table's (space/keys.cpp).
struct PruningSettings {
  bool enabled = false;  // the deck has a pruning block
  int min_epochs = space::key_default<int>("pruning", "min_epochs");  // the first rung
  double factor = space::key_default<double>("pruning", "factor");    // rung to rung
  std::vector<int> rungs;  // given explicitly (else from min_epochs and factor)
  // Goes on while within the best keep x alpha at a rung: one value per rung, the last one for
  // the rungs after it (the margin shrinks as the curves near their end).
  std::vector<double> keep = space::key_default_numbers("pruning", "keep");
  // Compared with at least this many, else goes on.
  std::size_t min_trainings =
      static_cast<std::size_t>(space::key_default<std::int64_t>("pruning", "min_trainings"));
  // Ordered: a training is compared with the trainings before it in the batch's order, waiting
  // for them to reach the rung: the decisions are the same on any number of ranks, whatever the
  // timing. Async: with whatever has reached the rung so far (ASHA): no waiting, not reproducible.
  bool ordered = true;
  // Halving: successive halving over the whole batch (study/halving.cpp): every training runs to
  // a rung and pauses; the rung's decision uses every training of the batch; the survivors go on
  // from where they paused.
  bool halving = false;
  // What the study runs: ordered, async or halving (mode: auto resolved; see read_pruning).
  std::string mode() const { return halving ? "halving" : ordered ? "ordered" : "async"; }
  double grace = 10;  // seconds a command has to stop after SIGTERM, before SIGKILL
};

// The deck's pruning block (disabled when absent). InputError at the offending line.
PruningSettings read_pruning(const space::Deck& deck);

// The rungs of a training of `epochs` epochs: those below its last epoch (a rung at the last
// epoch decides nothing).
std::vector<int> rungs_for(const PruningSettings& p, int epochs);

// The keep factor of the rung-th rung (0-based).
double keep_at(const PruningSettings& p, std::size_t rung);

// Whether a training whose error at rung number `rung` (0-based) is `error` (the best so far)
// goes on, compared with `others` (the errors of the trainings it is compared with at that rung,
// +inf for those that ended before it) for a goal set of fraction `alpha`: it goes on while there
// are fewer than min_trainings others, or while `error` is at most their lower quantile at level
// L = k + 2 sqrt(k (1 - k) / n) (k = min(1, keep x alpha), n others; the quantile estimated from
// n errors has that standard error), sorted(others)[floor(min(1, L) (n - 1))]. `threshold`
// receives that quantile.
bool goes_on(double error, std::vector<double> others, double alpha, const PruningSettings& p,
             std::size_t rung, double* threshold = nullptr);

// Whether the rule above can stop any training at rung number `rung` when each is compared with
// `others` others of which at most `rivals` can have a lower error (the rest ended before the
// rung: failed, diverged or stopped, counting as the worst). When it cannot, halving does not
// pause there (study/halving.cpp): everyone would go on whatever their errors.
bool rung_can_stop(std::size_t others, std::size_t rivals, double alpha, const PruningSettings& p,
                   std::size_t rung);

}  // namespace hsicho::study
