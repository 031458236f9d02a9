// What the two ways of running the user's command share (a process per configuration,
// command.cpp; a persistent worker, worker.cpp): the configuration's work folder and its
// params.json, the command's environment, starting it in its own process group, reading what it
// reports, and the records of a failure or an early stop.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "hsicho/external/command.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/record.hpp"

namespace hsicho::external::parts {

using Placeholders = std::vector<std::pair<std::string, std::string>>;

// Replaces {name} by its value; `quote` wraps values for /bin/sh.
std::string substitute(const std::string& text, const Placeholders& values, bool quote = false);

// A configuration's work folder and the files in it (absolute paths).
struct JobFolder {
  std::filesystem::path dir;
  std::string id, params, result, progress, stop, out, err;
  Placeholders values;   // id, stage, seed, workdir, params, result
  io::Json params_json;  // what params.json holds
  // Variables of this job only (the checkpoint contract's HSICHO_PAUSE_AFTER, ...).
  std::vector<std::pair<std::string, std::string>> job_env;
};

// Makes the job's work folder afresh (an earlier, unfinished one is set aside as
// ID.unfinished-N) and writes params.json. Returns "" or why the folder may not be used (outside
// the work root: the job fails); RuntimeError when hsicho cannot write there (a fault of the run).
std::string prepare_folder(const CommandSettings& settings, const Job& job, const std::string& gpu,
                           JobFolder& folder);

// The command's environment: hsicho's, without the MPI launcher's variables (the command is not a
// rank of this job), with the GPU, the job's files (when `folder` is given) and the deck's env.
std::vector<std::string> environment(const CommandSettings& settings, const JobFolder* folder,
                                     const std::string& gpu);

// Starts `args` in `cwd`, in a process group of its own, stdin from /dev/null, stdout and stderr
// to the files (appended when `append`); `channel` >= 0 becomes its descriptor 3. Returns the pid,
// or -1 with `why` set.
pid_t spawn(std::vector<std::string> args, std::vector<std::string> env,
            const std::filesystem::path& cwd, const std::string& out_path,
            const std::string& err_path, bool append, int channel, std::string& why);

// The last `lines` non-blank lines of a text file, joined by " | " (600 characters at most).
std::string last_lines(const std::string& path, std::size_t lines = 3);

// Python's json writes NaN, Infinity and -Infinity bare, which JSON does not allow: quoted
// (outside strings) so that the parser takes them.
std::string quote_non_finite(const std::string& text);

// A JSON number, null (NaN) or "NaN"/"Infinity" as a double; runtime_error naming `key` else.
double number(const io::Json& j, const std::string& key);

// The Record of a result object (result.json's keys).
Record read_result_json(const io::Json& j);

// A failed training: its status, cause and message, errors infinite.
Record failed(Record r, const std::string& cause, const std::string& why);

// A training that failed because the disk is full is a fault of the run, not of its values:
// throws RuntimeError (nothing is journaled; the configuration trains again on --resume) when
// the file system of `dir` has less than 1 MiB left or the failure's message says "No space left
// on device" or "Disk quota exceeded"; else the failed Record.
Record failed_unless_disk_full(Record r, const std::string& cause, const std::string& why,
                               const std::string& dir, std::size_t id);

// A training stopped early at a rung: its reported curve is its result, its error censored.
Record stopped_early(Record r, const std::vector<double>& reported, int last_epoch);

// A result the command reported, completed with what hsicho measured (seed, device, seconds);
// errors infinite when it is not ok, cause "reported" when the command said it failed.
Record completed(const Record& measured, Record got);

// The epochs a command reports while it trains, for early stopping (Progress::at_epoch sees each
// new epoch with the best error so far).
class ProgressTracker {
 public:
  explicit ProgressTracker(const Progress& progress) : progress_(progress) {}
  // A reported epoch; true when early stopping asks the training to stop (from then on, true).
  bool add(int epoch, double error);
  // A progress line ({"epoch": 3, "error": 0.012}); lines that are not progress are passed over
  // (the command's to fix: it is simply not stopped early on them).
  bool add_line(const std::string& line);
  bool pruned() const { return pruned_; }
  const std::vector<double>& reported() const { return reported_; }
  int last_epoch() const { return last_epoch_; }

 private:
  const Progress& progress_;
  std::vector<double> reported_;
  int last_epoch_ = 0;
  bool pruned_ = false;
};

// "30 s", "1.5e+04 s": a duration as messages write it.
std::string seconds_text(double seconds);

// Whether a command that ended with `status` (waitpid's) went down with hsicho: a batch system
// signals every process of the job at once (Slurm's --signal=USR1@120 and scancel send it to the
// whole step, the command included), so a command killed by SIGTERM, SIGUSR1, SIGUSR2, SIGINT or
// SIGHUP (or a shell's exit code 128 + one of them) is waited for up to `wait_s` to see `stop`
// turn true: then it is not a failed training but one to train again on --resume.
bool ended_with_the_run(int status, const std::function<bool()>& stop, double wait_s = 1.0);

}  // namespace hsicho::external::parts
