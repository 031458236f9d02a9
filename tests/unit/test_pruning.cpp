// Goal-aware early stopping's rule (study/pruning.hpp), against hand-worked cases: the rungs of a
// training, the keep x alpha quantile of the errors it is compared with, a late bloomer within
// the margin that goes on, and what the savings count.
#include <catch2/catch.hpp>

#include <cmath>

#include "hsicho/error.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/study/savings.hpp"

using namespace hsicho;

namespace {
space::Deck deck_with(const std::string& pruning) {
  return space::parse_deck("data: {name: runge}\n" + pruning +
                               "space:\n  - {name: lr, type: log, range: [0.001, 0.1]}\n",
                           "p.yaml");
}
}  // namespace

TEST_CASE("rungs: min_epochs x factor^k below the last epoch, or the deck's list", "[pruning]") {
  auto p = study::read_pruning(deck_with("pruning: {min_epochs: 3, factor: 3}\n"));
  REQUIRE(p.enabled);
  CHECK(study::rungs_for(p, 60) == std::vector<int>{3, 9, 27});
  CHECK(study::rungs_for(p, 27) == std::vector<int>{3, 9});  // a rung at the end decides nothing
  CHECK(study::rungs_for(p, 3).empty());
  p = study::read_pruning(deck_with("pruning: {min_epochs: 2, factor: 1.5}\n"));
  CHECK(study::rungs_for(p, 10) == std::vector<int>{2, 3, 5, 7});  // 2, 3, 4.5, 6.75 rounded
  p = study::read_pruning(deck_with("pruning: {rungs: [5, 20]}\n"));
  CHECK(study::rungs_for(p, 30) == std::vector<int>{5, 20});
  CHECK_FALSE(study::read_pruning(deck_with("")).enabled);
  CHECK(study::rungs_for(study::read_pruning(deck_with("")), 60).empty());
  CHECK_THROWS_WITH(study::read_pruning(deck_with("pruning: {rungs: [9, 3]}\n")),
                    Catch::Contains("pruning.rungs must grow"));
  CHECK_THROWS_WITH(study::read_pruning(deck_with("pruning: {factor: 1}\n")),
                    Catch::Contains("pruning.factor must be a number in (1, 1000], got '1'"));
}

TEST_CASE("mode auto: halving where the trainings can pause, ordered where they cannot",
          "[pruning]") {
  auto mode = [](const std::string& training, const std::string& pruning) {
    const auto deck = space::parse_deck(
        (training.empty() ? "data: {name: runge}\n" : "training: {" + training + "}\n") +
            "pruning: {" + pruning + "}\nspace:\n  - {name: lr, type: log, range: [0.001, 0.1]}\n",
        "p.yaml");
    return study::read_pruning(deck).mode();
  };
  // hsicho's own trainer pauses and continues any training.
  CHECK(mode("", "min_epochs: 3") == "halving");
  CHECK(mode("", "min_epochs: 3, mode: auto") == "halving");
  CHECK(mode("", "min_epochs: 3, mode: ordered") == "ordered");
  CHECK(mode("", "min_epochs: 3, mode: async") == "async");
  // A command: only with the checkpoint contract and rungs (hsicho does not know its epochs).
  const std::string command = "command: [/bin/echo, x]";
  CHECK(mode(command, "rungs: [3, 9]") == "ordered");
  CHECK(mode(command + ", checkpoint: true", "min_trainings: 4") == "ordered");
  CHECK(mode(command + ", checkpoint: true", "rungs: [3, 9]") == "halving");
  // Asked for by name where it cannot run: an error, not a silent fallback.
  CHECK_THROWS_WITH(mode(command, "rungs: [3], mode: halving"),
                    Catch::Contains("the checkpoint contract"));
}

TEST_CASE("a training goes on while within the best keep x alpha of its rung", "[pruning]") {
  study::PruningSettings p;
  p.enabled = true;
  p.keep = {3, 2};
  p.min_trainings = 4;
  // 10 others at the rung; alpha 0.1, keep 3: k = 0.3, widened by two standard errors of the
  // quantile, L = 0.3 + 2 sqrt(0.3 x 0.7 / 10) = 0.590, sorted[floor(0.590 x 9)] = sorted[5].
  const std::vector<double> others = {0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0};
  double t = 0;
  CHECK(study::goes_on(0.6, others, 0.1, p, 0, &t));
  CHECK(t == 0.6);
  CHECK_FALSE(study::goes_on(0.61, others, 0.1, p, 0));
  // The second rung keeps 2 x alpha: L = 0.2 + 2 sqrt(0.16 / 10) = 0.453, sorted[4] = 0.5.
  CHECK(study::goes_on(0.5, others, 0.1, p, 1, &t));
  CHECK(t == 0.5);
  CHECK_FALSE(study::goes_on(0.55, others, 0.1, p, 1));
  // With 400 others the margin narrows to the kept fraction: L = 0.3 + 2 sqrt(0.21 / 400) =
  // 0.3458, sorted[floor(0.3458 x 399)] = sorted[137].
  std::vector<double> many;
  for (int k = 0; k < 400; ++k)
    many.push_back(k);
  CHECK(study::goes_on(137, many, 0.1, p, 0, &t));
  CHECK(t == 137);
  CHECK(study::keep_at(p, 7) == 2);  // the last value for the rungs after
  // Fewer than min_trainings others: nothing to judge by.
  CHECK(study::goes_on(100, {0.1, 0.2, 0.3}, 0.1, p, 0, &t));
  CHECK(std::isnan(t));
  // Trainings that ended before the rung count as the worst: with 8 of 10 ended, the 30%
  // quantile is infinite and every training goes on (the goal set's margin is kept).
  const std::vector<double> ended = {0.1,      0.2,      INFINITY, INFINITY, INFINITY,
                                     INFINITY, INFINITY, INFINITY, INFINITY, INFINITY};
  CHECK(study::goes_on(5.0, ended, 0.1, p, 0, &t));
  CHECK(std::isinf(t));
}

TEST_CASE("a late bloomer within the margin is not stopped", "[pruning]") {
  // Twelve constructed curves: eleven settle early, one (the late bloomer) is 8th of 12 at epoch 3
  // and 2nd at epoch 9. alpha 0.25 (goal set: 3 of 12), keep 3 at the first rung: every other is
  // kept (L = 0.75 + 2 sqrt(0.1875 / 11) > 1), so the bloomer (0.23) goes on; keep 2 at the
  // second: L = 0.80, sorted[8] = 0.24.
  study::PruningSettings p;
  p.enabled = true;
  p.keep = {3, 2};
  p.min_trainings = 4;
  std::vector<double> at3, at9;
  for (int k = 0; k < 11; ++k) {
    at3.push_back(0.10 + 0.02 * k);  // 0.10 .. 0.30
    at9.push_back(0.08 + 0.02 * k);
  }
  const double bloomer3 = 0.23, bloomer9 = 0.09;
  CHECK(study::goes_on(bloomer3, at3, 0.25, p, 0));
  CHECK(study::goes_on(bloomer9, at9, 0.25, p, 1));
  // Without the margin (keep 1: L = 0.25 + 0.26 = 0.51, sorted[5] = 0.20), it would have been
  // stopped.
  p.keep = {1};
  CHECK_FALSE(study::goes_on(bloomer3, at3, 0.25, p, 0));
}

TEST_CASE("a rung that cannot stop anyone is the one where goes_on keeps every arrangement",
          "[pruning]") {
  // rung_can_stop(others, rivals) says whether some training can be stopped when at most
  // `rivals` of its `others` can have a lower error (the rest ended before the rung: +inf).
  // Checked against goes_on itself, on the worst arrangement for a training: all its rivals just
  // below it, every other at +inf. When the rung cannot stop, it goes on there (and so in every
  // other arrangement: a rival moved above it only raises the threshold); when it can, it is
  // stopped there.
  study::PruningSettings p;
  p.enabled = true;
  p.keep = {3, 2, 1.5};
  p.min_trainings = 8;
  const double mine = 0.5;
  for (double alpha : {0.1, 0.15, 0.25}) {
    for (std::size_t others : {7, 8, 31, 95, 400}) {
      for (std::size_t rung : {0, 1, 2, 5}) {
        for (std::size_t rivals = 0; rivals <= others; ++rivals) {
          std::vector<double> worst(others, INFINITY);
          for (std::size_t k = 0; k < rivals; ++k)
            worst[k] = 0.1 + 0.3 * static_cast<double>(k) / static_cast<double>(others);
          const bool can = study::rung_can_stop(others, rivals, alpha, p, rung);
          INFO("alpha " << alpha << ", " << others << " others, " << rivals << " rivals, rung "
                        << rung);
          CHECK(can == !study::goes_on(mine, worst, alpha, p, rung));
        }
      }
    }
  }
  // Hand-worked: 95 others, alpha 0.15, keep 1.5 (the third rung): L = 0.225 + 2 sqrt(0.225 x
  // 0.775 / 95) = 0.3107, threshold sorted[floor(0.3107 x 94)] = sorted[29]: 29 rivals cannot
  // push a training out (the 30 survivors of Runge's rung 3 at epoch 81), 30 can.
  CHECK_FALSE(study::rung_can_stop(95, 29, 0.15, p, 2));
  CHECK(study::rung_can_stop(95, 30, 0.15, p, 2));
}

TEST_CASE("savings: epochs and seconds against the trainings run to their end", "[pruning]") {
  Record full, stopped, failed;
  full.epochs = 60, full.planned_epochs = 60, full.seconds = 6;
  stopped.status = Outcome::Stopped, stopped.epochs = 3, stopped.planned_epochs = 60;
  stopped.seconds = 0.3;
  failed.status = Outcome::Failed, failed.epochs = 10, failed.seconds = 1;
  const auto s = study::savings_of({&full, &stopped, &stopped, &failed});
  CHECK(s.stopped == 2);
  CHECK(s.stopped_at.at(3) == 2);
  CHECK(s.epochs_run == 60 + 3 + 3 + 10);
  CHECK(s.epochs_full == 60 + 60 + 60 + 10);
  CHECK(s.seconds_run == Approx(6 + 0.6 + 1));
  // Time as measured, never a full-study time scaled up from the stopped trainings' first
  // epochs (0.3 s for 3 epochs is not 6 s for 60: start-up and a slow first epoch dominate it).
  CHECK(s.text(4) ==
        "stopped early: 2 of 4 trainings (after epoch 3: 2); 76 of 190 epochs "
        "(40%); 7.6 s of training");
  CHECK(s.text(4).find('~') == std::string::npos);
  // A command's planned epochs are unknown: the median of the finished trainings' stands in.
  stopped.planned_epochs = 0;
  CHECK(study::savings_of({&full, &stopped}).epochs_full == 120);
}
