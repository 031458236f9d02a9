// Trains batches of configurations over the MPI ranks: the work queue (dynamic or static), the
// journal (every result on disk before the next training starts), the data sets each rank needs,
// and progress events. Every rank holds one; rank 0's reports to the observer.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/external/command.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/rung_board.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/events.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/fused.hpp"
#include "hsicho/train/spec.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::study {

// Configurations to train together (a stage, or the final retraining).
struct Batch {
  std::vector<std::size_t> ids;
  std::vector<space::Config> configs;
  std::vector<train::TrainSpec> specs;  // the built-in trainer's; unused with a command
  std::vector<std::size_t> retrains;    // the final retraining: the configuration of each id
  std::size_t stage = 0;
  double epochs_factor = 1;  // a command's final retraining: its epochs x this
  bool prune = false;        // early stopping at the deck's rungs (a sampled stage)
  double alpha = 0.1;        // the goal set's fraction the rungs keep a margin above
};

class Scheduler {
 public:
  // `observer`: rank 0's, null on the other ranks.
  Scheduler(const space::Deck& deck, int rank, int ranks, RunObserver* observer);
  // With training.command: the work folders go beside the study file unless the deck places
  // them, and their folder is claimed for this study (InputError when another study's).
  void place_work_folders(const std::string& study_file);
  ~Scheduler();

  // Creates the journal folder (refusing an earlier run's unless resuming, and a live run's) and
  // takes its lock; then rank 0 runs `settle` (the plan: may throw InputError, which every rank
  // then throws). Collective.
  void lock_journal(const std::string& dir, bool resume, const std::function<void()>& settle);
  // When resuming, takes every record already in the journals (whose header must carry
  // `fingerprint`); then opens this rank's journal. Collective.
  void open_journal(const std::string& fingerprint, bool resume);

  // Trains the ids that have no result yet; then every rank reads every journal. Returns false
  // when a rank was asked to stop (SIGTERM, SIGUSR1). Collective.
  bool train_all(const Batch& batch);

  // Each configuration's latest attempt, and the earlier attempts of the retried ones.
  const std::map<std::size_t, io::JournalRecord>& results() const { return results_; }
  const std::map<std::size_t, std::vector<Record>>& earlier_attempts() const { return earlier_; }
  const Record& result(std::size_t id) const { return results_.at(id).result; }
  // The user's files the data sets came from (table data), once each.
  std::vector<io::FileStamp> data_sources() const;
  // Class k's name, where the labels were written as names (the same in every data set).
  std::vector<std::string> class_names() const;

 private:
  const train::DataSet& data_for(const train::DataSpec& d);
  void check_ready(const std::vector<std::size_t>& todo, const std::vector<train::TrainSpec>& specs,
                   int local_rank);
  // One configuration of the batch: the built-in trainer or the command. nullopt: stopped by a
  // signal before it finished (not a result).
  std::optional<Record> evaluate(const Batch& batch, std::size_t pos, int local_rank);
  // The units of work of a batch: single trainings, and fused groups of small MLPs (study.fuse).
  std::vector<train::Group> work_units(const Batch& batch);
  // A fused group: each member's result handed to `record` as it ends; false when stopped.
  bool train_group(const Batch& batch, const train::Group& unit, int local_rank,
                   const std::function<void(std::size_t, Record)>& record);
  // Early stopping: what a training does after `epoch` with validation error `error` (a rung:
  // report it, compare it, wait for the trainings before it in ordered mode); `why` receives
  // the decision when it stops.
  train::AfterEpoch at_rung(const Batch& batch, std::size_t pos, int attempt, int epoch,
                            double error, std::string* why);
  // Rank 0: removes the files of a journal folder that holds no finished training.
  void forget_empty_journal(const std::string& dir);
  // Rank 0: the data files must be those the study started with (recorded in the journal).
  void check_sources(const std::vector<io::FileStamp>& sources) const;
  io::NamedValues named_values(const space::Config& config) const;
  // Takes every record of the journals: each id's latest attempt, and the earlier ones.
  void absorb(const io::JournalContents& journals);
  // Throws InputError when a journaled result was trained with other values than the design's.
  void check_journaled_values(const Batch& batch) const;
  void order_longest_first(std::vector<train::Group>& units,
                           const std::vector<train::TrainSpec>& specs);

  const space::Deck& deck_;
  int rank_, ranks_;
  RunObserver* observer_;
  std::string journal_dir_, fingerprint_, host_;
  std::unique_ptr<io::JournalWriter> journal_;
  std::map<std::size_t, io::JournalRecord> results_;
  std::map<std::size_t, std::vector<Record>> earlier_;
  int retries_ = 0;  // training.retries
  PruningSettings pruning_;
  std::unique_ptr<io::RungLogWriter> rung_log_;
  std::unique_ptr<io::RungBoard> board_;
  std::vector<std::size_t> order_;  // the batch's positions in the order they are handed out
  std::vector<std::size_t> place_;  // place_[pos]: where pos stands in order_
  std::vector<int> attempt_;        // of each position, in this run
  std::map<std::string, train::DataSet> data_cache_;
  std::optional<external::CommandSettings> command_;
  bool owns_lock_ = false;  // rank 0 wrote the journal folder's lock
};

// Asks every Scheduler of this process to stop after the training in progress (signal-safe).
void install_stop_handlers();

}  // namespace hsicho::study
