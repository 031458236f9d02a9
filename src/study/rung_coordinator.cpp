#include "rung_coordinator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hsicho/backoff.hpp"

namespace hsicho::study {

RungCoordinator::RungCoordinator(PruningSettings settings, std::string dir, int rank,
                                 std::function<bool()> stop)
    : settings_(std::move(settings)), dir_(std::move(dir)), rank_(rank), stop_(std::move(stop)) {}

void RungCoordinator::start_batch(const std::vector<std::size_t>& ids,
                                  const std::vector<std::size_t>& order, double alpha) {
  ids_ = ids;
  order_ = order;
  alpha_ = alpha;
  if (!board_) {
    board_ = std::make_unique<io::RungBoard>(dir_);
    log_ = std::make_unique<io::RungLogWriter>(dir_, rank_);
  }
}

bool RungCoordinator::compared(std::size_t pos, int epoch, std::vector<double>& others) {
  // Ordered: those before it in the batch's order (every one handed out already: each reports
  // this rung or ends); async: whatever reached it so far.
  others.clear();
  for (std::size_t j : order_) {
    if (j == pos) {
      if (settings_.ordered) break;
      continue;
    }
    if (const auto e = board_->error_at(ids_[j], epoch)) {
      others.push_back(*e);
    } else if (settings_.ordered) {
      return false;
    }
  }
  return true;
}

train::AfterEpoch RungCoordinator::at_epoch(std::size_t pos, int attempt, int epochs, int epoch,
                                            double error, std::string* why) {
  const auto rungs = rungs_for(settings_, epochs);
  const auto at = std::find(rungs.begin(), rungs.end(), epoch);
  if (at == rungs.end()) return train::AfterEpoch::Continue;
  const auto rung = static_cast<std::size_t>(at - rungs.begin());
  log_->append({ids_[pos], attempt, epoch, error});
  std::vector<double> others;
  Backoff backoff;
  for (;;) {
    board_->refresh();
    if (compared(pos, epoch, others)) break;
    if (stop_()) return train::AfterEpoch::Interrupt;
    backoff.wait();
  }
  double threshold = NAN;
  if (goes_on(error, others, alpha_, settings_, rung, &threshold))
    return train::AfterEpoch::Continue;
  const double keep = keep_at(settings_, rung);
  *why = fmt::format(
      "stopped early after epoch {}: validation error {:.4g} above {:.4g}, the best {:.0f}% of "
      "the {} trainings compared at that rung (keep {} x alpha {})",
      epoch, error, threshold, 100 * std::min(1.0, keep * alpha_), others.size(), keep, alpha_);
  return train::AfterEpoch::StopEarly;
}

}  // namespace hsicho::study
