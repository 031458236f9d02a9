// What a running study tells its caller, as it happens. The study layer prints nothing: the
// command line renders these events (src/cli/run_command.cpp); a test may record them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/study/savings.hpp"
#include "hsicho/study/stage.hpp"

namespace hsicho::study {

struct Progress {
  std::size_t done = 0, total = 0;  // of this batch, trainings of earlier runs included
  std::int64_t failed = 0;          // of this batch, earlier runs included
  double best = 0;                  // the best validation error of the batch (+inf: none yet)
  std::size_t done_run = 0;         // trained by this run
  std::int64_t failed_run = 0;      // of those, failed or diverged
  double elapsed = 0;               // seconds since the batch started
  double left = 0;                  // estimated seconds left (NaN before the first training ends)
  bool stopping = false;            // a stop was asked for: only the trainings in progress end
};

struct RunSummary {
  std::size_t trainings = 0, failed = 0;
  // "failed (timeout)", "diverged", ... -> how many, and the message of the first.
  std::map<std::string, std::pair<std::size_t, std::string>> causes;
  Savings savings;               // what early stopping saved
  double seconds = 0;            // the run's wall time so far
  double training_seconds = 0;   // of which training (the batches' wall time)
  std::string metric;            // mse | error_rate
  std::optional<io::Best> best;  // study/best.hpp's rule
  std::optional<io::Best> pick;  // the cheapest within the tolerance of the best
  std::string pick_rule, cost_name;
  bool optimized = false;
  std::size_t final_seeds = 0, stages = 1;
  bool analysed = false;
  hsic::Analysis analysis;       // of the last stage, when analysed
  std::string analysis_problem;  // why there is none, otherwise
  std::string out;               // the study file
};

// Called on rank 0 only. Every method does nothing unless overridden.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // The run has its study file and journal (checked, locked): before any training.
  virtual void opened(const std::string& /*study_file*/, const std::string& /*deck_path*/,
                      const std::string& /*deck_text*/, int /*ranks*/, bool /*resume*/) {}
  virtual void resuming(std::size_t /*done*/, std::size_t /*files*/, std::size_t /*dropped*/) {}
  // design.samples grew: the design is extended from `from` to `to` configurations.
  virtual void extended(std::size_t /*from*/, std::size_t /*to*/) {}
  // `planned`: the stage's size in the settings; a later stage holds fewer when the space has no
  // more configurations that were not trained. `stages`: 0 under a wall-time budget (each
  // stage is sized when the one before ends).
  virtual void stage_started(std::size_t /*k*/, std::size_t /*stages*/, std::size_t /*size*/,
                             std::size_t /*planned*/) {}
  // `threads`: LibTorch threads per rank (0: the user's command trains).
  virtual void training_started(std::size_t /*configs*/, std::size_t /*todo*/, int /*ranks*/,
                                bool /*dynamic*/, const std::string& /*journal*/, int /*threads*/) {
  }
  virtual void progress(const Progress& /*p*/) {}
  virtual void decisions(std::size_t /*after_stage*/, const std::vector<Decision>& /*d*/) {}
  // `from_front`: the finalists are the best and points of the accuracy-cost front
  // (optimize.pick: cheapest), not the lowest errors.
  virtual void final_started(std::size_t /*configs*/, std::size_t /*seeds*/,
                             double /*epochs_factor*/, bool /*from_front*/) {}
  virtual void finished(const RunSummary& /*summary*/) {}
  // Something the run did that the user should know of (one line, no prefix).
  virtual void note(const std::string& /*text*/) {}
  virtual void stopped(std::size_t /*done*/, const std::string& /*resume_hint*/) {}
};

}  // namespace hsicho::study
