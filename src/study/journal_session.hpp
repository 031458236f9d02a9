// A run's hold on its study's journal folder: the lock (one live run per study), the decision to
// start, resume or refuse, every rank's journal, and the results read back from all of them,
// checked against the design's values before any is joined to a configuration. Collective calls
// say so; every rank holds one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hsicho/io/journal.hpp"
#include "hsicho/space/space.hpp"
#include "hsicho/study/events.hpp"

namespace hsicho::study {

// The values of a configuration by name (what a journal record carries).
io::NamedValues named_values(const space::Space& space, const space::Config& config);

class JournalSession {
 public:
  // `observer`: rank 0's, null on the other ranks.
  JournalSession(int rank, RunObserver* observer) : rank_(rank), observer_(observer) {}
  ~JournalSession();  // rank 0 removes the lock it took
  JournalSession(const JournalSession&) = delete;
  JournalSession& operator=(const JournalSession&) = delete;

  // Creates the folder (refusing an earlier run's unless resuming, and a live run's) and takes
  // its lock; an earlier run's folder that holds no finished training is forgotten. Then rank 0
  // runs `settle` (the plan: may throw InputError, which every rank then throws). Collective.
  void lock(const std::string& dir, bool resume, const std::function<void()>& settle);
  // When resuming, takes every record already in the journals (whose header must carry
  // `fingerprint`); then opens this rank's journal. Collective.
  void open(const std::string& fingerprint, bool resume);

  // A result on disk, durably, before the next training goes on (a fault of the disk throws).
  void append(const io::JournalRecord& record) { writer_->append(record); }
  // Every rank's journals again (after a batch, or a stop).
  void reread();
  // InputError when a journaled result of `ids` was trained with other values than `configs`
  // (by name): its result would be joined to values it was not trained with.
  void check_values(const std::vector<std::size_t>& ids, const std::vector<space::Config>& configs,
                    const space::Space& space) const;

  const std::string& dir() const { return dir_; }
  const std::string& fingerprint() const { return fingerprint_; }
  // Each configuration's latest attempt, and the earlier attempts of the retried ones.
  const std::map<std::size_t, io::JournalRecord>& results() const { return results_; }
  const std::map<std::size_t, std::vector<Record>>& earlier() const { return earlier_; }

 private:
  // Rank 0's part of lock(): `problem` says why it refuses; InputError for a damaged folder.
  void lock_on_rank_0(const std::string& dir, bool resume, const std::function<void()>& settle,
                      std::string& problem);
  void absorb(const io::JournalContents& journals);
  void forget_empty(const std::string& dir);

  int rank_;
  RunObserver* observer_;
  std::string dir_, fingerprint_;
  std::unique_ptr<io::JournalWriter> writer_;
  std::map<std::size_t, io::JournalRecord> results_;
  std::map<std::size_t, std::vector<Record>> earlier_;
  bool owns_lock_ = false;  // rank 0 wrote the lock
};

}  // namespace hsicho::study
