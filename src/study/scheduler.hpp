// Trains batches of configurations over the MPI ranks: the work queue (dynamic or static), the
// journal (every result on disk before the next training starts), the data sets each rank needs,
// and progress events. Every rank holds one; rank 0's reports to the observer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hsicho/io/journal.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/events.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::study {

class Scheduler {
 public:
  // `observer`: rank 0's, null on the other ranks.
  Scheduler(const space::Deck& deck, int rank, int ranks, RunObserver* observer);
  ~Scheduler();

  // Creates the journal folder (refusing an earlier run's unless resuming) and, when resuming,
  // takes every record already there. Collective.
  void open_journal(const std::string& dir, const std::string& fingerprint, bool resume);

  // Trains the ids that have no result yet; then every rank reads every journal. Returns false
  // when a rank was asked to stop (SIGTERM, SIGUSR1). Collective.
  bool train_all(const std::vector<std::size_t>& ids, const std::vector<train::TrainSpec>& specs);

  const std::map<std::size_t, io::JournalRecord>& results() const { return results_; }
  const Record& result(std::size_t id) const { return results_.at(id).result; }
  // The user's files the data sets came from (table data), once each.
  std::vector<io::FileStamp> data_sources() const;

 private:
  const train::DataSet& data_for(const train::DataSpec& d);
  void check_ready(const std::vector<std::size_t>& todo, const std::vector<train::TrainSpec>& specs,
                   int local_rank);
  // Rank 0: the data files must be those the study started with (recorded in the journal).
  void check_sources(const std::vector<io::FileStamp>& sources) const;
  void order_longest_first(std::vector<std::size_t>& todo,
                           const std::vector<train::TrainSpec>& specs);

  const space::Deck& deck_;
  int rank_, ranks_;
  RunObserver* observer_;
  std::string journal_dir_, fingerprint_, host_;
  std::unique_ptr<io::JournalWriter> journal_;
  std::map<std::size_t, io::JournalRecord> results_;
  std::map<std::string, train::DataSet> data_cache_;
};

// Asks every Scheduler of this process to stop after the training in progress (signal-safe).
void install_stop_handlers();

}  // namespace hsicho::study
