// What the MPI launcher tells a process through its environment (no MPI calls: usable before
// MPI starts and by single-process commands such as eval).
#pragma once

#include <string>

namespace hsicho::parallel {

// The node-local rank (Open MPI, Slurm, MPICH, PMI), else 0. A value that is not a whole number
// >= 0 counts as absent.
int local_rank_from_environment();

// This process's host name (recorded with each training).
std::string this_host();

// The Slurm job this process runs in: SLURM_JOB_ID, or ARRAYJOB_TASK for an array task; "" outside
// Slurm.
std::string slurm_job();

// The launcher this process runs under, as a command's prefix: "srun " in a Slurm job step,
// "mpiexec -n RANKS " on several ranks elsewhere, "" alone.
std::string launcher_prefix(int ranks);

// The path of the `hsicho` the user calls (the front end beside this executable), for the
// commands hsicho prints; "hsicho" when it cannot be found.
std::string front_end_path();

}  // namespace hsicho::parallel
