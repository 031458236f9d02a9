// The user's own training code as an external command, one run per configuration: hsicho writes
// params.json into the configuration's work folder, starts the command (its own process group,
// stdout and stderr to files, the rank's GPU in CUDA_VISIBLE_DEVICES), waits (with a timeout),
// and reads result.json into a Record. What goes wrong inside the command is a result (failed,
// diverged), never an exception. docs/driver.md is the contract.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hsicho/record.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::external {

struct CommandSettings {
  std::vector<std::string> argv;  // placeholders {params} {result} {id} {stage} {seed} {workdir}
  bool shell = false;             // argv[0] is a line for /bin/sh -c
  // The work folder of a configuration: work_base / workdir with the placeholders replaced.
  // Without training.workdir, a study's are beside its study file (STUDY.h5.runs/{id}, set by
  // the scheduler), hsicho eval's in runs/ of the working folder.
  std::string workdir = "{id}";
  std::string work_base = "runs";  // "" : the working folder
  bool default_workdir = true;     // no training.workdir in the deck
  double timeout = 0;              // seconds per configuration; 0: none
  double kill_grace = 10;          // seconds between SIGTERM and SIGKILL
  std::vector<std::pair<std::string, std::string>> env;
  // One process per rank serving configuration after configuration (external/worker.hpp),
  // started anew after max_trainings of them (0: never).
  bool persistent = false;
  std::size_t max_trainings = 0;
  // training.checkpoint: the command can pause after an epoch and continue from its saved state
  // (Job::pause_after, docs/driver.md), as successive halving needs.
  bool checkpoint = false;
};

// training.command, shell, workdir, timeout and env, checked (placeholders, durations, that the
// program exists): InputError at the deck's line.
CommandSettings read_command(const space::Deck& deck);
// "2h", "30m", "45s", "1.5h" or a number of seconds; nullopt when unreadable.
std::optional<double> parse_duration(const std::string& text);

struct Job {
  std::size_t id = 0, stage = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, space::Value>> params;  // active hyperparameters, by name
  double epochs_factor = 1;  // the optimizer's final retraining: epochs x this
  int local_rank = 0;
  std::string id_text;  // the folder's name, when not the id (hsicho eval: "eval")
  // An existing folder of the same name is set aside as NAME.ASIDE-N: "unfinished" in a study
  // (only a killed run leaves one), "earlier" for eval (each eval reuses its folder).
  std::string aside = "unfinished";
  // Successive halving (CommandSettings::checkpoint): train through epoch pause_after, save the
  // state to `checkpoint` and end; 0: train to the end. continue_from: the state to start from
  // ("": from scratch). A run that ends without saving the state is a finished training.
  int pause_after = 0;
  std::string checkpoint, continue_from;
};

// What a command reports while it trains (docs/driver.md): a line per epoch appended to the file
// HSICHO_PROGRESS names (params.json's "progress"), {"epoch": 3, "error": 0.012}. `at_epoch`
// sees each epoch with the best error reported so far, and returns true to stop the training early:
// the stop file is created (HSICHO_STOP_FILE, params.json's "stop_file"), its process group gets
// SIGTERM, and SIGKILL `grace` seconds later; the result is the reported curve, status stopped. A
// command that reports nothing is never stopped early.
struct Progress {
  std::function<bool(int epoch, double error)> at_epoch;
  double grace = 10;
};

// Runs one job. `stop` is polled while the command runs: when it turns true the command's
// process group is stopped (SIGTERM, then SIGKILL) and nullopt comes back: not a result, the
// configuration runs again on --resume.
std::optional<Record> run(const CommandSettings& settings, const Job& job,
                          const std::function<bool()>& stop, const Progress& progress = {});

// The GPU a rank's command gets: from CUDA_VISIBLE_DEVICES if hsicho has one, else from the
// NVIDIA driver's list of GPUs; empty when the node has none.
std::string gpu_for_rank(int local_rank);

// The Record a result.json holds (after a run that exited 0). Exposed for tests.
Record read_result(const std::string& text);

}  // namespace hsicho::external
