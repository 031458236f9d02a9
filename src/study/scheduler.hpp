// Trains batches of configurations over the MPI ranks: which trainings are left and how they are
// grouped (fused units), the work queue (dynamic or static) that hands them out, the data sets
// each rank needs, and progress events. Its rooms: the journal session (lock, resume, checks:
// journal_session.hpp) and early stopping's coordination (rung_coordinator.hpp). Every rank
// holds one; rank 0's reports to the observer.
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/external/command.hpp"
#include "hsicho/external/worker.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/events.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/fused.hpp"
#include "hsicho/train/spec.hpp"
#include "hsicho/train/trainer.hpp"
#include "journal_session.hpp"
#include "rung_coordinator.hpp"

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

  // Creates the journal folder (refusing an earlier run's unless resuming, and a live run's) and
  // takes its lock; then rank 0 runs `settle` (the plan: may throw InputError, which every rank
  // then throws). Collective.
  void lock_journal(const std::string& dir, bool resume, const std::function<void()>& settle);
  // Trains every failed training again, whatever training.retries says: set when the command
  // changed while no training had a result (the failures were the old command's).
  void retrain_failed() { retrain_failed_ = true; }
  // When resuming, takes every record already in the journals (whose header must carry
  // `fingerprint`); then opens this rank's journal. Collective.
  void open_journal(const std::string& fingerprint, bool resume);

  // Trains the ids that have no result yet; then every rank reads every journal. Returns false
  // when a rank was asked to stop (SIGTERM, SIGUSR1). Collective.
  bool train_all(const Batch& batch);

  // Each configuration's latest attempt, and the earlier attempts of the retried ones.
  const std::map<std::size_t, io::JournalRecord>& results() const { return journal_.results(); }
  const std::map<std::size_t, std::vector<Record>>& earlier_attempts() const {
    return journal_.earlier();
  }
  const Record& result(std::size_t id) const { return journal_.results().at(id).result; }
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
  // The command's job for the batch's training at pos (its id, stage, seed, values).
  external::Job command_job(const Batch& batch, std::size_t pos, int local_rank) const;
  // Runs a job: in this rank's persistent worker (made at first use) or as a process.
  std::optional<Record> run_command(const external::Job& job, const std::function<bool()>& stop,
                                    const external::Progress& progress = {});
  // A failed training (not a diverged one) trained again while training.retries allows (or
  // since the command changed): counted in the journal, so a requeued job does not retry it
  // twice. note_retried says how many were.
  bool retried(const Record& r) const;
  void note_retried(std::size_t n) const;
  // pruning.mode: halving (study/halving.cpp): the batch rung by rung; false when stopped.
  bool train_halving(const Batch& batch);
  // A halving phase's units, longest first by what each costs from epoch `from_epoch` to
  // `to_epoch` (the order only: every unit trains the same wherever and whenever it runs).
  void order_phase_longest_first(std::vector<train::Group>& units,
                                 const std::vector<train::TrainSpec>& specs, int from_epoch,
                                 int to_epoch);
  // One phase of successive halving for a command that keeps the checkpoint contract: told to
  // pause (p.pause_after) and where from; nullopt when the run was stopped. `went_past`: it
  // trained past pause_after without saving a checkpoint (it does not keep the contract).
  struct CommandPhase {
    Record record;
    bool paused = false, went_past = false;
  };
  std::optional<CommandPhase> command_phase(const Batch& batch, std::size_t pos,
                                            const train::Pausing& p, int local_rank);
  // After a batch: every configuration has its result in the journal (RuntimeError if not).
  void check_all_recorded(const Batch& batch) const;
  // The units of work of a batch: single trainings, and fused groups of small MLPs (study.fuse).
  std::vector<train::Group> work_units(const Batch& batch);
  // A fused group: each member's result handed to `record` as it ends; false when stopped.
  bool train_group(const Batch& batch, const train::Group& unit, int local_rank,
                   const std::function<void(std::size_t, Record)>& record);
  // Rank 0: the data files must be those the study started with (recorded in the journal).
  void check_sources(const std::vector<io::FileStamp>& sources) const;
  void order_longest_first(std::vector<train::Group>& units,
                           const std::vector<train::TrainSpec>& specs);
  // What is left of a batch to train in this run (units of work with only those members, their
  // attempts), and what earlier runs left of it (for the progress line).
  struct Plan {
    std::vector<train::Group> units;
    std::vector<std::size_t> todo;  // positions, in the order handed out
    std::vector<int> attempt;       // of each position, in this run
    std::size_t already = 0;
    std::int64_t failed_before = 0;
    double best_before = INFINITY;
  };
  Plan plan_batch(const Batch& batch);
  void announce(const Batch& batch, const Plan& plan) const;
  // Hands out the plan's units until none is left or a stop is asked; every result journaled.
  void dispatch(const Batch& batch, const Plan& plan, int local_rank);

  const space::Deck& deck_;
  int rank_, ranks_;
  RunObserver* observer_;
  std::string host_;
  JournalSession journal_;
  int retries_ = 0;  // training.retries
  bool retrain_failed_ = false;
  PruningSettings pruning_;
  std::unique_ptr<RungCoordinator> rungs_;  // made at the first batch that prunes
  std::vector<std::size_t> order_;          // the batch's positions in the order handed out
  std::vector<int> attempt_;                // of each position, in this run
  std::map<std::string, train::DataSet> data_cache_;
  std::optional<external::CommandSettings> command_;
  std::unique_ptr<external::Worker> worker_;  // training.persistent: this rank's, made at first use
};

// Units of work in decreasing order of cost[k] (unit k's), ties in their order: the dynamic queue
// then hands out the longest first.
void by_cost_descending(std::vector<train::Group>& units, const std::vector<double>& cost);

// Asks every Scheduler of this process to stop after the training in progress (signal-safe).
void install_stop_handlers();
// Whether a stop was asked for (SIGTERM, SIGUSR1, Ctrl-C).
bool stop_was_requested();

}  // namespace hsicho::study
