// Early stopping's coordination (docs/early_stopping.md): at a rung, a training's error goes to
// this rank's rung log; the errors it is compared with come from every rank's rung logs and
// journals (io::RungBoard); in ordered mode it waits, polling, until every training before it in
// the batch's order has reached the rung or ended; then the rule (study/pruning.hpp, goes_on)
// decides. The decision's words say why a stopped training stopped.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hsicho/io/rung_board.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::study {

class RungCoordinator {
 public:
  // `dir`: the journal folder (rung logs and journals); `stop`: true once the run is asked to
  // stop (a wait then ends with Interrupt).
  RungCoordinator(PruningSettings settings, std::string dir, int rank, std::function<bool()> stop);

  // A batch's trainings (their ids) in the order they are handed out (positions into `ids`);
  // `alpha`: its goal set's fraction. The rung logs are opened at the first batch.
  void start_batch(const std::vector<std::size_t>& ids, const std::vector<std::size_t>& order,
                   double alpha);

  // Training `pos` (attempt `attempt`, `epochs` in all) after `epoch` with best validation error
  // `error`: goes on, stops early (`why` receives the reason), or is interrupted (a stop while it
  // waited). Not a rung: goes on at once.
  train::AfterEpoch at_epoch(std::size_t pos, int attempt, int epochs, int epoch, double error,
                             std::string* why);

 private:
  // The errors at `epoch` of the trainings compared with `pos`; false while one that must be
  // waited for (ordered) has not reported.
  bool compared(std::size_t pos, int epoch, std::vector<double>& others);

  PruningSettings settings_;
  std::string dir_;
  int rank_;
  std::function<bool()> stop_;
  std::unique_ptr<io::RungLogWriter> log_;
  std::unique_ptr<io::RungBoard> board_;
  std::vector<std::size_t> ids_, order_;
  double alpha_ = 0.1;
};

}  // namespace hsicho::study
