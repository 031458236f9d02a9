// The user's training code as a persistent worker (training.persistent): the command starts
// once per rank and trains configuration after configuration, so that an interpreter's start
// and its imports (0.5-1.5 s for Python with scikit-learn or PyTorch) are paid once, not per
// configuration. Each configuration keeps its work folder and params.json as with a command per
// configuration; faults stay results of one configuration (the worker is started again).
//
// The channel is the worker's descriptor 3 (HSICHO_WORKER_FD), a Unix socket carrying one JSON
// object per line (docs/driver.md, "The worker protocol"):
//   hsicho -> worker: {"type": "train", ...params.json..., "stdout": F, "stderr": F}
//                     {"type": "continue"} or {"type": "stop"}, the answer to each progress line
//                     {"type": "exit"}
//   worker -> hsicho: {"type": "progress", "epoch": 3, "error": 0.012}
//                     {"type": "result", ...result.json's keys...}
//                     {"type": "error", "message": "ValueError: ..."}  (the training raised)
// python/hsicho's serve() speaks it; the worker's own output goes to worker-HOST-PID.log in the
// work root, each training's to its folder's stdout.txt and stderr.txt.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "hsicho/external/command.hpp"

namespace hsicho::external {

class Worker {
 public:
  Worker(CommandSettings settings, int local_rank);
  ~Worker();  // asks the worker to exit, then stops its process group
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Trains one job, as run() does with a process per configuration: a Record, or nullopt when
  // `stop` turned true (the worker is stopped; the configuration runs again on --resume).
  std::optional<Record> run(const Job& job, const std::function<bool()>& stop,
                            const Progress& progress = {});

  // How many times the worker process was started (for tests and the log).
  std::size_t starts() const { return starts_; }

 private:
  std::string start();  // "" or why the worker cannot start
  void end(bool polite);
  void reap(double seconds);  // waits up to `seconds` for the worker's exit status
  bool send(const std::string& line);
  enum class Got { Line, Nothing, Closed };
  Got receive(std::string& line, int wait_ms);
  std::string death() const;  // why the worker went away, with its output's last lines

  CommandSettings settings_;
  std::string gpu_, log_path_, job_err_;
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = 0;
  bool exited_ = false;  // waitpid has reaped it (status_ says how)
  std::string buffer_;
  std::size_t trainings_ = 0, starts_ = 0;
};

}  // namespace hsicho::external
