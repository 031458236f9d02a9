// The journal session in its own room (issue 38), on 2 and 3 ranks: it takes the study's lock,
// refuses a live run and an earlier run's journal unless resuming, forgets a folder that holds
// no finished training, reads back every rank's results, refuses a journaled result whose values
// are not the design's, and gives the lock back.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "hsicho/error.hpp"
#include "hsicho/parallel/mpi_session.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/space/space.hpp"
#include "journal_session.hpp"

using namespace hsicho;
using namespace hsicho::study;
namespace fs = std::filesystem;

namespace {

// One folder for every rank: rank 0's pid names it.
fs::path shared_folder(const std::string& name) {
  const auto all = parallel::all_gather(static_cast<std::uint64_t>(::getpid()));
  return fs::temp_directory_path() / ("hsicho-session-" + std::to_string(all[0])) / name;
}

space::Space one_input() {
  space::Hyperparameter h;
  h.name = "x";
  h.type = space::Type::Continuous;
  h.lo = 0, h.hi = 1;
  space::Space s;
  s.add(h);
  s.finalize();
  return s;
}

io::JournalRecord record(std::size_t id, double x) {
  io::JournalRecord r;
  r.config = id;
  r.values = {{"x", space::Value(x)}};
  r.result.val_error = x;
  return r;
}

}  // namespace

TEST_CASE("a journal session: the lock, the refusals, every rank's results", "[mpi][journal]") {
  const auto world = parallel::all_gather(0);
  const int ranks = static_cast<int>(world.size());
  int rank = 0;
  {
    const auto pids = parallel::all_gather(static_cast<std::uint64_t>(::getpid()));
    for (std::size_t r = 0; r < pids.size(); ++r)
      if (pids[r] == static_cast<std::uint64_t>(::getpid())) rank = static_cast<int>(r);
  }
  const fs::path dir = shared_folder("s.h5.journal");
  const auto sp = one_input();
  {
    JournalSession a(rank, nullptr);
    a.lock(dir.string(), false, [] {});
    if (rank == 0) CHECK(fs::exists(dir / "lock"));
    // A second run on the same study while this one lives: refused on every rank, resumed or not
    // (rank 0, which reports, says why).
    JournalSession b(rank, nullptr);
    CHECK_THROWS_WITH(b.lock(dir.string(), true, [] {}),
                      Catch::Contains(rank == 0 ? "is being written by a live run"
                                                : "rank 0 could not open the journal"));
    a.open("fp1", false);
    a.append(record(static_cast<std::size_t>(rank), 0.5 + rank));
    parallel::barrier();
    a.reread();
    REQUIRE(a.results().size() == static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r)
      CHECK(a.results().at(static_cast<std::size_t>(r)).result.val_error == 0.5 + r);
    // The design gives configuration 0 another value: refused, naming both.
    std::vector<space::Config> configs(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r)
      configs[static_cast<std::size_t>(r)] = {space::Value(0.5 + r)};
    std::vector<std::size_t> ids(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r)
      ids[static_cast<std::size_t>(r)] = static_cast<std::size_t>(r);
    CHECK_NOTHROW(a.check_values(ids, configs, sp));
    configs[0] = {space::Value(0.75)};
    CHECK_THROWS_WITH(a.check_values(ids, configs, sp),
                      Catch::Contains("configuration 0 was trained with other values") &&
                          Catch::Contains("x 0.5 -> 0.75"));
    parallel::barrier();
  }
  parallel::barrier();
  if (rank == 0) CHECK_FALSE(fs::exists(dir / "lock"));  // given back
  {
    // An earlier run's journal: refused without --resume; with it, its results are there.
    JournalSession c(rank, nullptr);
    CHECK_THROWS_WITH(c.lock(dir.string(), false, [] {}),
                      Catch::Contains(rank == 0 ? "holds the journal of an earlier run"
                                                : "rank 0 could not open the journal"));
    JournalSession d(rank, nullptr);
    d.lock(dir.string(), true, [] {});
    d.open("fp1", true);
    CHECK(d.results().size() == static_cast<std::size_t>(ranks));
    parallel::barrier();
  }
  parallel::barrier();
  // A folder that holds no finished training (an earlier run that trained nothing) binds
  // nothing: forgotten, the run starts anew even without --resume.
  const fs::path empty = shared_folder("e.h5.journal");
  if (rank == 0) {
    fs::create_directories(empty);
    std::ofstream(empty / "plan.json") << "{}";
  }
  parallel::barrier();
  {
    JournalSession e(rank, nullptr);
    CHECK_NOTHROW(e.lock(empty.string(), false, [] {}));
    parallel::barrier();
  }
  parallel::barrier();
  if (rank == 0) fs::remove_all(dir.parent_path());
}
