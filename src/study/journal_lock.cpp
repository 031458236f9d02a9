#include "hsicho/study/journal_lock.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "hsicho/parallel/launcher.hpp"

namespace hsicho::study {

LockInfo this_process_lock() {
  const char* job = std::getenv("SLURM_JOB_ID");
  return {parallel::this_host(), job ? job : "", static_cast<std::int64_t>(::getpid())};
}

bool process_alive(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto close = line.rfind(')');          // the name may hold spaces and parentheses
  return close == std::string::npos || close + 2 >= line.size() ||
         (line[close + 2] != 'Z' && line[close + 2] != 'X');
}

Liveness liveness(const LockInfo& lock) {
  if (lock.host != parallel::this_host()) return Liveness::Unknown;
  return lock.pid > 0 && process_alive(lock.pid) ? Liveness::Alive : Liveness::Gone;
}

std::string describe(const LockInfo& lock) {
  return "host " + lock.host + ", pid " + std::to_string(lock.pid) +
         (lock.slurm_job_id.empty() ? std::string() : ", Slurm job " + lock.slurm_job_id);
}

std::string slurm_job_state(const std::string& job) {
  // An id is digits, or digits_digits for an array task: anything else never reaches a shell.
  if (job.empty() || job.size() > 40 || job.find_first_not_of("0123456789_") != std::string::npos)
    return "";
  FILE* pipe = ::popen(("scontrol show job -o " + job + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string text;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe))
    text += buf;
  ::pclose(pipe);
  const auto at = text.find("JobState=");
  if (at == std::string::npos) return "";
  const auto end = text.find_first_of(" \n", at);
  return text.substr(at + 9, end == std::string::npos ? end : end - at - 9);
}

bool slurm_job_active(const std::string& state) {
  for (const char* s :
       {"PENDING", "RUNNING", "SUSPENDED", "CONFIGURING", "COMPLETING", "REQUEUED", "REQUEUE_HOLD",
        "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED"}) {
    if (state == s) return true;
  }
  return false;
}

}  // namespace hsicho::study
