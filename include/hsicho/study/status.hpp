// `hsicho status`: where a study stands, from its journal folder alone (plan, journals, lock),
// without disturbing the run that writes it: files are only read, and torn lines skipped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/io/journal.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/study/journal_lock.hpp"
#include "hsicho/study/plan.hpp"

namespace hsicho::study {

struct RankStatus {
  int rank = 0;
  std::string host;
  std::size_t done = 0;  // in the latest run
  double last = 0;       // Unix time of its latest result in that run; 0: none yet
};

struct StudyStatus {
  std::string study_file, journal_dir;
  std::optional<Plan> plan;  // absent for a journal of an older hsicho
  enum class State { Running, Stopped, Finished } state = State::Stopped;
  std::optional<LockInfo> lock;
  Liveness live = Liveness::Gone;  // of the lock's process
  std::string slurm_state;         // of the lock's Slurm job, where Slurm says (journal_lock.hpp)
  std::size_t done = 0, failed = 0, planned = 0, done_this_run = 0;
  std::string stopped_early;  // what early stopping saved so far (savings.hpp), "" when nothing
  // pruning.mode: halving, rung by rung: "rung 1 (epoch 3): 96 reached, 44 stopped; ...; 30 go
  // on" ("" otherwise). The trainings done then say little of the work left (the survivors train
  // most of the epochs): no rate or time left is given.
  std::string halving;
  double rate_per_hour = 0;  // in the latest run; 0 when unknown
  double seconds_left = -1;  // at that rate; < 0 when unknown
  // The best network so far, by the rule of the study file (study/best.hpp), and its values as
  // the journal has them.
  std::optional<io::Best> best;
  io::NamedValues best_values;
  std::vector<RankStatus> ranks;  // of the latest run
};

// `path`: the study file (its journal is PATH.journal) or the journal folder. `now`: Unix time.
// Throws InputError when there is neither.
StudyStatus read_status(const std::string& path, double now);

}  // namespace hsicho::study
