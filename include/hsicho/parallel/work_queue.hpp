// Hands out the trainings of a study to the ranks, and keeps the job-wide progress counters.
//   static:  rank r takes items r, r + size, r + 2 size, ... (a fixed slice)
//   dynamic: a rank that finishes takes the next untaken item, through an atomic counter in an
//            MPI window on rank 0 (MPI_Fetch_and_op), so no rank serves as a dedicated master.
// The counters (done, failed, best error, ranks finished) live in the same window, updated with
// MPI_Accumulate, so rank 0 can print job-wide progress while it trains too.
#pragma once

#include <string>
#include <vector>

#include <cstdint>
#include <optional>
#include <string>

namespace hsicho::parallel {

struct ProgressCounters {
  std::int64_t done = 0, failed = 0, finished_ranks = 0;
  double best = 0;  // +inf until a training succeeds
};

class WorkQueue {
 public:
  WorkQueue(std::size_t items, bool dynamic);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // The next item for this rank, or nothing when all are taken.
  std::optional<std::size_t> next();
  // Counts one finished training (failed: diverged or failed) and its error.
  void record(bool failed, double error);
  // This rank takes no more work.
  void finish();
  ProgressCounters read() const;

 private:
  std::size_t items_;
  bool dynamic_;
  std::size_t taken_ = 0;  // static: how many this rank has taken
  int rank_ = 0, size_ = 1;
  void* base_ = nullptr;
  std::int64_t win_ = 0;  // MPI_Win, stored opaquely to keep mpi.h out of this header
};

// True on every rank if `flag` is true on any rank.
bool any_rank(bool flag);
void barrier();

}  // namespace hsicho::parallel

namespace hsicho::parallel {
// The distinct host names of the job's ranks, comma-separated, the same on every rank.
std::string host_names();
// Every rank's text, in rank order, on every rank. Collective.
std::vector<std::string> gather_text(const std::string& mine);
}  // namespace hsicho::parallel
