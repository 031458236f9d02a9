#include "hsicho/parallel/mpi_session.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>

#include "hsicho/error.hpp"
#include "mpi_check.hpp"

namespace hsicho::parallel {

MpiSession::MpiSession(int& argc, char**& argv) {
  int initialized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (!initialized) {
    check(MPI_Init(&argc, &argv), "MPI_Init");
    owns_ = true;
  }
  // Errors come back as codes (turned into exceptions by check), instead of aborting the job.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() {
  if (owns_) MPI_Finalize();
}

std::vector<std::uint64_t> all_gather(std::uint64_t value) {
  int size = 1;
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  std::vector<std::uint64_t> all(static_cast<std::size_t>(size));
  check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
        "MPI_Allgather");
  return all;
}

void abort_all(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

}  // namespace hsicho::parallel

#include "hsicho/parallel/hsic_partition.hpp"

namespace hsicho::parallel {

hsic::Partition world_partition() {
  hsic::Partition p;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &p.rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &p.size), "MPI_Comm_size");
  p.sum = [](double* data, std::size_t count) {
    // In pieces: MPI counts are ints.
    const std::size_t piece = std::size_t{1} << 28;
    for (std::size_t first = 0; first < count; first += piece) {
      const int len = static_cast<int>(std::min(piece, count - first));
      check(MPI_Allreduce(MPI_IN_PLACE, data + first, len, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
    }
  };
  return p;
}

}  // namespace hsicho::parallel
