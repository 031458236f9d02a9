#include "hsicho/parallel/work_queue.hpp"

#include <mpi.h>

#include <cmath>
#include <cstring>

#include "hsicho/error.hpp"
#include "mpi_check.hpp"

namespace hsicho::parallel {
namespace {

// Window layout, in 8-byte slots on rank 0.
enum Slot : MPI_Aint { kNext = 0, kDone = 1, kFailed = 2, kFinished = 3, kBest = 4, kSlots = 5 };

MPI_Win& win(std::int64_t& storage) {
  static_assert(sizeof(MPI_Win) <= sizeof(std::int64_t), "MPI_Win must fit the opaque slot");
  return *reinterpret_cast<MPI_Win*>(&storage);
}

}  // namespace

WorkQueue::WorkQueue(std::size_t items, bool dynamic) : items_(items), dynamic_(dynamic) {
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  const MPI_Aint bytes = rank_ == 0 ? kSlots * 8 : 0;
  check(MPI_Win_allocate(bytes, 8, MPI_INFO_NULL, MPI_COMM_WORLD, &base_, &win(win_)),
        "MPI_Win_allocate");
  if (rank_ == 0) {
    check(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win(win_)), "MPI_Win_lock");
    auto* slots = static_cast<std::int64_t*>(base_);
    for (int k = 0; k < kBest; ++k)
      slots[k] = 0;
    const double inf = INFINITY;
    std::memcpy(&slots[kBest], &inf, 8);
    check(MPI_Win_unlock(0, win(win_)), "MPI_Win_unlock");
  }
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

WorkQueue::~WorkQueue() {
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Win_free(&win(win_));
}

std::optional<std::size_t> WorkQueue::next() {
  std::size_t item;
  if (dynamic_) {
    const std::int64_t one = 1;
    std::int64_t got = 0;
    check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win(win_)), "MPI_Win_lock");
    check(MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, kNext, MPI_SUM, win(win_)),
          "MPI_Fetch_and_op");
    check(MPI_Win_unlock(0, win(win_)), "MPI_Win_unlock");
    item = static_cast<std::size_t>(got);
  } else {
    item = static_cast<std::size_t>(rank_) + taken_++ * static_cast<std::size_t>(size_);
  }
  if (item >= items_) return std::nullopt;
  return item;
}

void WorkQueue::record(bool failed, double error) {
  const std::int64_t one = 1;
  check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win(win_)), "MPI_Win_lock");
  check(MPI_Accumulate(&one, 1, MPI_INT64_T, 0, kDone, 1, MPI_INT64_T, MPI_SUM, win(win_)),
        "MPI_Accumulate");
  if (failed) {
    check(MPI_Accumulate(&one, 1, MPI_INT64_T, 0, kFailed, 1, MPI_INT64_T, MPI_SUM, win(win_)),
          "MPI_Accumulate");
  } else {
    check(MPI_Accumulate(&error, 1, MPI_DOUBLE, 0, kBest, 1, MPI_DOUBLE, MPI_MIN, win(win_)),
          "MPI_Accumulate");
  }
  check(MPI_Win_unlock(0, win(win_)), "MPI_Win_unlock");
}

void WorkQueue::finish() {
  const std::int64_t one = 1;
  check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win(win_)), "MPI_Win_lock");
  check(MPI_Accumulate(&one, 1, MPI_INT64_T, 0, kFinished, 1, MPI_INT64_T, MPI_SUM, win(win_)),
        "MPI_Accumulate");
  check(MPI_Win_unlock(0, win(win_)), "MPI_Win_unlock");
}

ProgressCounters WorkQueue::read() const {
  std::int64_t v[kSlots];
  auto& w = const_cast<WorkQueue*>(this)->win_;
  check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win(w)), "MPI_Win_lock");
  // Atomic reads, consistent with the accumulates of other ranks.
  check(MPI_Get_accumulate(nullptr, 0, MPI_INT64_T, v, kBest, MPI_INT64_T, 0, 0, kBest, MPI_INT64_T,
                           MPI_NO_OP, win(w)),
        "MPI_Get_accumulate");
  double best;
  check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, &best, 1, MPI_DOUBLE, 0, kBest, 1, MPI_DOUBLE,
                           MPI_NO_OP, win(w)),
        "MPI_Get_accumulate");
  check(MPI_Win_unlock(0, win(w)), "MPI_Win_unlock");
  ProgressCounters p;
  p.done = v[kDone], p.failed = v[kFailed], p.finished_ranks = v[kFinished], p.best = best;
  return p;
}

bool any_rank(bool flag) {
  int local = flag ? 1 : 0, global = 0;
  check(MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
  return global != 0;
}

void barrier() {
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

}  // namespace hsicho::parallel

#include <set>
#include <vector>

namespace hsicho::parallel {

std::vector<std::string> gather_text(const std::string& mine) {
  int size = 1;
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  const int len = static_cast<int>(mine.size());
  std::vector<int> lens(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  check(MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
  int total = 0;
  for (int r = 0; r < size; ++r)
    offsets[static_cast<std::size_t>(r)] = total, total += lens[static_cast<std::size_t>(r)];
  std::vector<char> all(static_cast<std::size_t>(total) + 1);
  check(MPI_Allgatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(),
                       MPI_CHAR, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  std::vector<std::string> out;
  for (int r = 0; r < size; ++r) {
    out.emplace_back(all.data() + offsets[static_cast<std::size_t>(r)],
                     static_cast<std::size_t>(lens[static_cast<std::size_t>(r)]));
  }
  return out;
}

std::string host_names() {
  char name[MPI_MAX_PROCESSOR_NAME] = {0};
  int len = 0;
  check(MPI_Get_processor_name(name, &len), "MPI_Get_processor_name");
  int size = 1;
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  std::vector<char> all(static_cast<std::size_t>(size) * MPI_MAX_PROCESSOR_NAME);
  check(MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME,
                      MPI_CHAR, MPI_COMM_WORLD),
        "MPI_Allgather");
  std::set<std::string> unique;
  for (int r = 0; r < size; ++r)
    unique.insert(std::string(all.data() + static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME));
  std::string out;
  for (const auto& h : unique)
    out += (out.empty() ? "" : ",") + h;
  return out;
}

}  // namespace hsicho::parallel
