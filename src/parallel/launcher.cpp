#include "hsicho/parallel/launcher.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>

namespace hsicho::parallel {

int local_rank_from_environment() {
  for (const char* name :
       {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID", "PMI_LOCAL_RANK"}) {
    const char* v = std::getenv(name);
    if (!v) continue;
    int rank = -1;
    const auto res = std::from_chars(v, v + std::strlen(v), rank);
    if (res.ec == std::errc() && *res.ptr == '\0' && rank >= 0) return rank;
  }
  return 0;
}

std::string this_host() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string launcher_prefix(int ranks) {
  if (std::getenv("SLURM_STEP_ID") || std::getenv("SLURM_STEPID")) return "srun ";
  return ranks > 1 ? "mpiexec -n " + std::to_string(ranks) + " " : "";
}

std::string front_end_path() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "hsicho";
  const auto front = self.parent_path() / "hsicho";
  return std::filesystem::exists(front, ec) ? front.string() : "hsicho";
}

std::string slurm_job() {
  const char* array = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array && task && *array && *task) return std::string(array) + "_" + task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job ? job : "";
}

}  // namespace hsicho::parallel
