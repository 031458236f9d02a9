// How the HSIC engine shares work between processes without depending on MPI: work items
// (blocks of target rows) go to rank item % size, and `sum` adds a buffer elementwise over all
// ranks. Each entry is written by exactly one rank (zeros elsewhere), so the sum is exact and the
// results are bit-identical for any number of ranks. The default is one process.
#pragma once

#include <cstddef>
#include <functional>

namespace hsicho::hsic {

struct Partition {
  int rank = 0;
  int size = 1;
  std::function<void(double* data, std::size_t count)> sum;  // empty: a single process

  bool owns(std::size_t item) const {
    return static_cast<int>(item % static_cast<std::size_t>(size)) == rank;
  }
  void reduce(double* data, std::size_t count) const {
    if (sum && size > 1) sum(data, count);
  }
};

}  // namespace hsicho::hsic
