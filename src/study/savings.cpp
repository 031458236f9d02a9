#include "hsicho/study/savings.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hsicho::study {

Savings savings_of(const std::vector<const Record*>& records) {
  Savings s;
  std::vector<int> finished;  // epochs of the trainings that ran to their end
  for (const auto* r : records) {
    if (r->ok()) finished.push_back(r->epochs);
  }
  std::sort(finished.begin(), finished.end());
  const double typical = finished.empty() ? 0 : finished[finished.size() / 2];
  for (const auto* r : records) {
    s.epochs_run += r->epochs;
    s.seconds_run += r->seconds;
    if (r->status != Outcome::Stopped) {
      s.epochs_full += r->epochs;
      continue;
    }
    ++s.stopped;
    ++s.stopped_at[r->epochs];
    const double full =
        std::max<double>(r->epochs, r->planned_epochs > 0 ? r->planned_epochs : typical);
    s.epochs_full += full;
  }
  return s;
}

std::string Savings::text(std::size_t trainings) const {
  if (stopped == 0) return "";
  std::string at;
  for (const auto& [epoch, n] : stopped_at)
    at += fmt::format("{}{}: {}", at.empty() ? "after epoch " : ", ", epoch, n);
  return fmt::format(
      "stopped early: {} of {} trainings ({}); {:.0f} of {:.0f} epochs ({:.0f}%); {:.3g} s of "
      "training",
      stopped, trainings, at, epochs_run, epochs_full,
      epochs_full > 0 ? 100 * epochs_run / epochs_full : 100.0, seconds_run);
}

}  // namespace hsicho::study
