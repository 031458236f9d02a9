// The one place hsicho calls MPI directly. Every call goes through check(), which turns an
// error code into a RuntimeError naming the call, as HighFive does for HDF5.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hsicho::parallel {

// Initializes MPI for the life of the object (also without mpiexec: a singleton run is one rank)
// and finalizes it at the end.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
};

// Every rank's value, in rank order, on every rank.
std::vector<std::uint64_t> all_gather(std::uint64_t value);

// Ends every rank of the job with `code` (used when one rank fails alone and the others wait).
[[noreturn]] void abort_all(int code);

}  // namespace hsicho::parallel
