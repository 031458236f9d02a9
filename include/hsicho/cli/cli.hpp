// hsicho's subcommands. Returns the process exit code: 0 success, 1 runtime failure, 2 bad input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hsicho::cli {

struct Context {
  int rank = 0;  // only rank 0 prints results
  int ranks = 1;
};

int run(const std::vector<std::string>& args, const Context& ctx);

// The commands that train (run, eval): the one list of what needs hsicho-mpi, the program with
// LibTorch and MPI. The light front end (src/main_light.cpp) hands them over; its dispatch
// links stubs for them (src/cli/worker_commands.cpp).
bool trains(std::string_view command);

}  // namespace hsicho::cli
