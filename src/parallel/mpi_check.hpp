// The one check of an MPI call's return code (every MPI call of hsicho goes through it): an
// error becomes a RuntimeError naming the call and MPI's own text for the error.
#pragma once

#include <mpi.h>

#include <string>

#include "hsicho/error.hpp"

namespace hsicho::parallel {

inline void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw RuntimeError(std::string(call) +
                     " failed: " + std::string(text, static_cast<std::size_t>(len)));
}

}  // namespace hsicho::parallel
