// hsicho, the command-line front end. Commands that do not train (--help, validate, design,
// analyze, status, report, export, keys) run in this process, which links neither LibTorch nor
// MPI: they start in milliseconds, not in the second LibTorch's ~300 shared libraries take. `run`
// and `eval`, and any command started as one of several MPI ranks (their work is shared), become
// hsicho-mpi, the whole program beside this one, by execv: the same process, arguments and
// environment, so that srun and mpiexec see the ranks they started (docs/architecture.md). A deck
// whose training is the user's command (training.command), and any command on several ranks that
// does not train, become hsicho-mpi-command instead: the same without LibTorch, which saves each
// rank the ~0.8 s its libraries take to load.
#include <sys/stat.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "hsicho/cli/cli.hpp"

namespace {

// The subcommand: the first argument that is not an option (the top level has no option that
// takes a value).
std::string subcommand(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (!a.empty() && a[0] != '-') return a;
  }
  return "";
}

long env_number(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : 0;
}

// Started by an MPI launcher as one of several ranks: OpenMPI's mpiexec, Hydra's and Slurm's PMI,
// Slurm's srun (whatever its MPI plugin).
bool one_of_several_ranks() {
  return env_number("OMPI_COMM_WORLD_SIZE") > 1 || env_number("PMI_SIZE") > 1 ||
         env_number("SLURM_STEP_NUM_TASKS") > 1;
}

// A deck among the arguments whose training is a command: no built-in network to train. What
// does not read as YAML is left to hsicho-mpi, which says what is wrong with it.
bool trains_a_command(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    struct stat st {};
    if (a.empty() || a[0] == '-' || ::stat(a.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    try {
      const YAML::Node deck = YAML::LoadFile(a);
      if (deck.IsMap() && deck["training"] && deck["training"].IsMap() &&
          deck["training"]["command"])
        return true;
    } catch (const std::exception&) {
    }
  }
  return false;
}

std::string worker_path(const std::string& name) {
  std::string self(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return name;  // looked up in PATH by execvp
  self.resize(static_cast<std::size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + name;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string command = subcommand(args);
  const bool trains = hsicho::cli::trains(command);
  if (trains || one_of_several_ranks()) {
    std::string worker = worker_path("hsicho-mpi");
    if (!trains || trains_a_command(args)) {
      const std::string lean = worker_path("hsicho-mpi-command");
      if (::access(lean.c_str(), X_OK) == 0) worker = lean;  // else the whole program serves
    }
    // argv[0] stays: the process still reads "hsicho run ..." in ps and pgrep.
    ::execvp(worker.c_str(), argv);
    std::cerr << "hsicho: failure: cannot start " << worker << " (the training and MPI part of "
              << "hsicho, installed beside it): " << std::strerror(errno) << "\n";
    return 1;
  }
  try {
    return hsicho::cli::run(args, {0, 1});
  } catch (const std::exception& e) {
    std::cerr << "hsicho: failure: " << e.what() << "\n";
    return 1;
  }
}
