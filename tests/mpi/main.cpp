// Catch2 main for tests run under mpiexec: MPI lives for the whole run; every rank runs every test.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "hsicho/parallel/mpi_session.hpp"

int main(int argc, char** argv) {
  hsicho::parallel::MpiSession mpi(argc, argv);
  return Catch::Session().run(argc, argv);
}
