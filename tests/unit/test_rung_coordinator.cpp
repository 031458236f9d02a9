// Early stopping's coordination in its own room (issue 38): at a rung a training reports its
// error, waits in ordered mode for every training before it in the batch's order, and is judged
// by the rule on their errors; not at a rung it goes on at once; a stop while it waits
// interrupts it. Other ranks are played by rung logs written under other rank numbers.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "hsicho/io/rung_board.hpp"
#include "rung_coordinator.hpp"

using namespace hsicho;
using namespace hsicho::study;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path dir = fs::temp_directory_path() /
                 ("hsicho-rungs-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  Folder() { fs::create_directories(dir); }
  ~Folder() { fs::remove_all(dir); }
};

PruningSettings settings(bool ordered) {
  PruningSettings p;
  p.enabled = true;
  p.min_epochs = 3, p.factor = 3;  // rungs 3, 9 below 10 epochs
  p.keep = {1};
  p.min_trainings = 2;
  p.ordered = ordered;
  return p;
}

double lines_in(const fs::path& file) {
  std::ifstream in(file);
  return static_cast<double>(std::count(std::istreambuf_iterator<char>(in), {}, '\n'));
}

}  // namespace

TEST_CASE("a training at a rung is judged on the trainings before it", "[rungs]") {
  Folder f;
  RungCoordinator rungs(settings(true), f.dir.string(), 0, [] { return false; });
  // Three trainings (ids 10, 11, 12) handed out in that order; alpha 0.3: kept fraction 0.3.
  rungs.start_batch({10, 11, 12}, {0, 1, 2}, 0.3);
  io::RungLogWriter other(f.dir.string(), 1);  // another rank's trainings
  other.append({10, 1, 3, 0.1});
  other.append({11, 1, 3, 0.2});
  std::string why;
  // Not a rung: goes on at once, nothing written.
  CHECK(rungs.at_epoch(2, 1, 10, 2, 9.0, &why) == train::AfterEpoch::Continue);
  CHECK(lines_in(f.dir / "rungs-00000.log") == 0);
  // Two others (0.1, 0.2), kept 0.3 widened by 2 sqrt(0.3 0.7 / 2) = 0.65: level 0.95, threshold
  // sorted[floor(0.95 x 1)] = 0.1; 0.15 is above it: stopped, with the reason.
  CHECK(rungs.at_epoch(2, 1, 10, 3, 0.15, &why) == train::AfterEpoch::StopEarly);
  CHECK(why ==
        "stopped early after epoch 3: validation error 0.15 above 0.1, the best 30% of the "
        "2 trainings compared at that rung (keep 1 x alpha 0.3)");
  CHECK(lines_in(f.dir / "rungs-00000.log") == 1);
  // Below it: goes on.
  CHECK(rungs.at_epoch(2, 1, 10, 3, 0.05, &why) == train::AfterEpoch::Continue);
  // The first training has no one before it (fewer than min_trainings): goes on.
  CHECK(rungs.at_epoch(0, 1, 10, 3, 5.0, &why) == train::AfterEpoch::Continue);
}

TEST_CASE("ordered: a training waits for those before it, a stop interrupts the wait", "[rungs]") {
  Folder f;
  RungCoordinator rungs(settings(true), f.dir.string(), 0, [] { return false; });
  rungs.start_batch({20, 21, 22}, {0, 1, 2}, 0.3);
  io::RungLogWriter other(f.dir.string(), 1);
  other.append({20, 1, 3, 0.1});
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    other.append({21, 1, 3, 0.2});
  });
  const auto t0 = std::chrono::steady_clock::now();
  std::string why;
  const auto next = rungs.at_epoch(2, 1, 10, 3, 0.15, &why);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  late.join();
  CHECK(next == train::AfterEpoch::StopEarly);  // judged with both, as when they were there
  CHECK(waited > 0.1);
  // A stop while it waits for a training that never reports: interrupted, not judged.
  bool stop = false;
  RungCoordinator stopping(settings(true), f.dir.string(), 2, [&] { return stop; });
  stopping.start_batch({30, 31}, {0, 1}, 0.3);
  std::thread signal([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
  });
  CHECK(stopping.at_epoch(1, 1, 10, 3, 0.15, &why) == train::AfterEpoch::Interrupt);
  signal.join();
}

TEST_CASE("async: a training is judged on what reached the rung, without waiting", "[rungs]") {
  Folder f;
  RungCoordinator rungs(settings(false), f.dir.string(), 0, [] { return false; });
  rungs.start_batch({40, 41, 42, 43}, {0, 1, 2, 3}, 0.3);
  io::RungLogWriter other(f.dir.string(), 1);
  other.append({42, 1, 3, 0.1});
  other.append({43, 1, 3, 0.2});  // after it in the order: counts in async mode
  std::string why;
  // 40 and 41 never report: no wait; the two that did are enough (min_trainings 2).
  CHECK(rungs.at_epoch(1, 1, 10, 3, 0.15, &why) == train::AfterEpoch::StopEarly);
}
