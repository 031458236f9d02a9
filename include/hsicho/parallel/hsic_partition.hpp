// The HSIC engine's partition over the ranks of MPI_COMM_WORLD.
#pragma once

#include "hsicho/hsic/partition.hpp"

namespace hsicho::parallel {

// Blocks go to rank (block % size); sums are MPI_Allreduce(MPI_SUM) in place. Each entry is
// non-zero on one rank only, so the sum is exact whatever order MPI adds in.
hsic::Partition world_partition();

}  // namespace hsicho::parallel
