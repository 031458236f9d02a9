// hsicho's subcommands. Returns the process exit code: 0 success, 1 runtime failure, 2 bad input.
#pragma once

#include <string>
#include <vector>

namespace hsicho::cli {

struct Context {
  int rank = 0;  // only rank 0 prints results
  int ranks = 1;
};

int run(const std::vector<std::string>& args, const Context& ctx);

}  // namespace hsicho::cli
