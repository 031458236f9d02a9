// hsicho: one process per MPI rank (srun hsicho run deck.yaml), or a plain single process.
#include <iostream>
#include <string>
#include <vector>

#include "hsicho/cli/cli.hpp"
#include "hsicho/parallel/mpi_session.hpp"

int main(int argc, char** argv) {
  try {
    hsicho::parallel::MpiSession mpi(argc, argv);
    const std::vector<std::string> args(argv + 1, argv + argc);
    return hsicho::cli::run(args, {mpi.rank(), mpi.size()});
  } catch (const std::exception& e) {
    std::cerr << "hsicho: failure: " << e.what() << "\n";
    return 1;
  }
}
