// The parallel layer of a single process without MPI: what the light front end (src/main_light.cpp)
// links instead of src/parallel/mpi_session.cpp. Its commands run as one process; a command started
// as one of several MPI ranks becomes hsicho-mpi before reaching here.
#include <cstdlib>

#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/mpi_session.hpp"

namespace hsicho::parallel {

std::vector<std::uint64_t> all_gather(std::uint64_t value) {
  return {value};
}

void abort_all(int code) {
  std::exit(code);
}

hsic::Partition world_partition() {
  return {};
}  // rank 0 of 1, no sums to spread

}  // namespace hsicho::parallel
