// The work queue hands every item to exactly one rank, dynamic or static, and its counters add
// up what every rank recorded (run under mpiexec -n 2 and -n 3).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/mpi_session.hpp"
#include "hsicho/parallel/work_queue.hpp"

using namespace hsicho;

TEST_CASE("every item goes to exactly one rank, and the counters add up", "[mpi][queue]") {
  for (const bool dynamic : {true, false}) {
    for (const std::size_t items :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{50}}) {
      INFO((dynamic ? "dynamic, " : "static, ") << items << " items");
      const auto world = parallel::world_partition();
      const int rank = world.rank;
      std::vector<std::uint64_t> mine;
      {
        parallel::WorkQueue queue(items, dynamic);
        while (const auto k = queue.next()) {
          mine.push_back(*k);
          // Item k fails when k is odd; its error is k + 1 (the best is 1, from item 0).
          queue.record(*k % 2 == 1, static_cast<double>(*k + 1));
        }
        queue.finish();
        parallel::barrier();
        const auto p = queue.read();
        CHECK(p.done == static_cast<std::int64_t>(items));
        CHECK(p.failed == static_cast<std::int64_t>(items / 2));
        CHECK(p.finished_ranks == world.size);
        if (items > 0) CHECK(p.best == 1.0);
        parallel::barrier();
      }
      // Gather every rank's items: each index once.
      std::vector<std::uint64_t> counts(items, 0);
      for (std::size_t k = 0; k < items; ++k) {
        const bool taken = std::find(mine.begin(), mine.end(), k) != mine.end();
        for (auto c : parallel::all_gather(taken ? 1 : 0))
          counts[k] += c;
      }
      for (std::size_t k = 0; k < items; ++k)
        CHECK(counts[k] == 1);
      if (!dynamic) {  // static: rank r takes r, r + size, ...
        for (auto k : mine)
          CHECK(static_cast<int>(k % static_cast<std::uint64_t>(world.size)) == rank);
      }
    }
  }
}
