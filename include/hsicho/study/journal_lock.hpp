// The lock of a study's journal folder (FOLDER/lock, JSON): which run writes it, so that a
// second run is refused and `hsicho status` can tell whether the study is running.
#pragma once

#include <optional>
#include <string>

#include "hsicho/io/journal_folder.hpp"

namespace hsicho::study {

using io::LockInfo;

// This process's lock: host, pid, Slurm job.
LockInfo this_process_lock();

// nullopt when there is no lock, or a torn one (killed while it was written: nobody holds it).
inline std::optional<LockInfo> read_lock(const std::string& path) {
  return io::read_lock_file(path);
}

// Whether a process of this host is alive: it exists and is not a zombie (a rank killed with
// SIGKILL stays a zombie until reaped, and in a container nobody may reap it).
bool process_alive(long pid);

// Alive: its process runs on this host. Gone: it was on this host and is no more. Unknown: it
// is on another host (a compute node seen from a login node).
enum class Liveness { Alive, Gone, Unknown };
Liveness liveness(const LockInfo& lock);

// "host N, pid P, Slurm job J"
std::string describe(const LockInfo& lock);

// The state Slurm gives job `job` (RUNNING, PENDING, COMPLETED, CANCELLED, ...), asked with
// `scontrol show job`; "" where Slurm cannot say (no scontrol here, a job it has forgotten, an
// id that is not one). A job that Slurm remembers as ended no longer holds its study.
std::string slurm_job_state(const std::string& job);
bool slurm_job_active(const std::string& state);

}  // namespace hsicho::study
