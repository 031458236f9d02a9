// The light front end's `run` and `eval` (cli::trains): never reached, since src/main_light.cpp
// hands those commands to hsicho-mpi before dispatching. Defined so that the dispatch links
// without LibTorch.
#include <stdexcept>

#include "commands.hpp"

namespace hsicho::cli {

int cmd_run(const RunArgs&, const Context&) {
  throw std::logic_error("'run' reached the front end; it belongs to hsicho-mpi");
}

int cmd_eval(const EvalArgs&, const Context&) {
  throw std::logic_error("'eval' reached the front end; it belongs to hsicho-mpi");
}

}  // namespace hsicho::cli
