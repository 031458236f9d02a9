// hsicho status from a journal folder made by hand: counts, best, rate and time left computed
// from the records' times, and the state from the lock and the study file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "hsicho/io/journal.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/study/status.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

namespace {

io::JournalRecord rec(std::size_t id, double val, double t, int rank,
                      Outcome status = Outcome::Ok) {
  io::JournalRecord r;
  r.config = id;
  r.result.status = status;
  r.result.val_error = val;
  r.result.test_error = 2 * val;
  r.result.parameters = 100 + static_cast<long>(id);
  r.result.rank = rank;
  r.result.host = "node" + std::to_string(rank);
  r.finished = t;
  return r;
}

}  // namespace

TEST_CASE("status counts, ranks and times from the journal folder alone", "[status]") {
  const fs::path dir = fs::temp_directory_path() / ("hsicho-status-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string journal = (dir / "s.h5.journal").string();
  fs::create_directories(journal);
  study::Plan plan;
  plan.samples = {10, 20};
  plan.planned = 20;
  plan.ranks = 2;
  plan.deck = "s.yaml";
  plan.out = (dir / "s.h5").string();
  plan.started_time = 1000;
  study::write_plan(journal, plan);
  {
    io::JournalWriter w0(journal, 0, "abc"), w1(journal, 1, "abc");
    w0.append(rec(0, 0.5, 900, 0));   // an earlier run's
    w0.append(rec(1, 0.25, 950, 0));  // idem
    w0.append(rec(2, 0.125, 1100, 0));
    w1.append(rec(3, 0.0625, 1200, 1, Outcome::Failed));  // failed: not the best
    w1.append(rec(4, 0.3, 1400, 1));
    w1.append(rec(2, 0.01, 1500, 1));  // a second record of id 2: the first counts
  }
  // A lock on this host whose process is gone: stopped.
  std::ofstream(fs::path(journal) / "lock")
      << R"({"host":")" << parallel::this_host() << R"(","pid":999999999,"slurm_job_id":""})";
  const auto s = study::read_status(journal, 2000);
  CHECK(s.study_file == plan.out);
  CHECK(s.state == study::StudyStatus::State::Stopped);
  CHECK(s.done == 5);
  CHECK(s.failed == 1);
  CHECK(s.planned == 20);
  CHECK(s.done_this_run == 3);  // ids 2, 3, 4 after t = 1000
  // A stopped run's rate: its results over its time to its last result, 3 in 400 s.
  CHECK(s.rate_per_hour == Approx(3600.0 * 3 / 400));
  CHECK(s.seconds_left < 0);  // not running: no time left to tell
  REQUIRE(s.best);
  CHECK(s.best->config == 2);
  CHECK(s.best->val_error == 0.125);
  CHECK(s.best->parameters == 102);
  REQUIRE(s.ranks.size() == 2);
  CHECK(s.ranks[0].done == 1);
  CHECK(s.ranks[0].last == 1100);
  CHECK(s.ranks[1].done == 2);
  CHECK(s.ranks[1].host == "node1");
  CHECK(s.ranks[1].last == 1400);

  // This process holds the lock: running, with the time left at the run's rate until now.
  std::ofstream(fs::path(journal) / "lock", std::ios::trunc)
      << R"({"host":")" << parallel::this_host() << R"(","pid":)" << ::getpid() << "}";
  const auto r = study::read_status(plan.out, 2200);  // the study file's path works too
  CHECK(r.state == study::StudyStatus::State::Running);
  CHECK(r.rate_per_hour == Approx(3600.0 * 3 / 1200));
  CHECK(r.seconds_left == Approx(15 * 1200.0 / 3));
  // Another host's lock cannot be checked from here: counted as running.
  std::ofstream(fs::path(journal) / "lock", std::ios::trunc)
      << R"({"host":"elsewhere","pid":1,"slurm_job_id":"42"})";
  CHECK(study::read_status(journal, 2200).live == study::Liveness::Unknown);
  CHECK(study::read_status(journal, 2200).state == study::StudyStatus::State::Running);
  fs::remove_all(dir);
  CHECK_THROWS_WITH(study::read_status((dir / "s.h5").string(), 0),
                    Catch::Contains("no journal folder"));
}
