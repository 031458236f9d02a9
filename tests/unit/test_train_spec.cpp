// A configuration laid over the deck's blocks: space values win, per-layer names set one layer.
#include <sched.h>

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include <cstdlib>

#include "hsicho/error.hpp"
#include "hsicho/train/spec.hpp"

using namespace hsicho;
using namespace hsicho::train;

namespace {
const char* kDeck = R"(
study: {seed: 9}
data: {name: runge, dim: 1, train: 100}
model: {type: mlp, layers: 3, units: [64, 32], activation: tanh}
training: {epochs: 7, momentum: 0.5}
space:
  - {name: units_2, type: integer, range: [4, 16]}
  - {name: lr, type: log, range: [1.0e-4, 1.0e-1], default: 0.01}
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: momentum, type: continuous, range: [0, 0.9], when: "optimizer == sgd"}
)";
}

TEST_CASE("space values override the deck's blocks", "[train][spec]") {
  const auto deck = space::parse_deck(kDeck, "spec.yaml");
  check_space_keys(deck);
  const auto config = config_from_settings(deck.space, {"units_2=8", "optimizer=adam"});
  const auto s = resolve(deck, config, 5);
  CHECK(s.seed == 5);
  CHECK(s.data_seed == 9);
  CHECK(s.model.units == std::vector<int>{64, 8, 32});  // layer 3 repeats the list's last
  CHECK(s.model.activation == Activation::Tanh);
  CHECK(s.optim.lr == Approx(0.01));  // the hyperparameter's default
  CHECK(s.optim.optimizer == Optimizer::Adam);
  CHECK(s.optim.momentum == Approx(0.5));  // momentum is inactive: the deck's value stays
  CHECK(s.optim.epochs == 7);
  CHECK(s.optim.loss == Loss::Mse);
  CHECK(s.data.train == 100);
  // A block value that an always-active hyperparameter replaces everywhere is never used.
  const auto shadowed = space::parse_deck(
      "data: {name: runge}\ntraining: {lr: 0.05}\nspace:\n  - {name: lr, type: log, range: "
      "[0.001, 0.1]}\n",
      "shadowed.yaml");
  CHECK_THROWS_WITH(check_space_keys(shadowed),
                    Catch::Contains("shadowed.yaml:2:12") && Catch::Contains("'lr' is never used"));
}

TEST_CASE("bad settings are input errors that say what to do", "[train][spec]") {
  const auto deck = space::parse_deck(kDeck, "spec.yaml");
  CHECK_THROWS_WITH(config_from_settings(deck.space, {"lr=5"}),
                    Catch::Contains("outside its domain"));
  CHECK_THROWS_WITH(config_from_settings(deck.space, {"learning_rate=0.1"}),
                    Catch::Contains("no hyperparameter"));
  CHECK_THROWS_WITH(config_from_settings(deck.space, {"optimizer=adam", "momentum=0.3"}),
                    Catch::Contains("inactive") && Catch::Contains("optimizer == sgd"));
  CHECK_THROWS_WITH(config_from_settings(deck.space, {"lr"}), Catch::Contains("name=value"));
  const auto bad = space::parse_deck(
      "data: {name: runge}\nspace:\n  - {name: widht, type: integer, range: [1, 4]}\n", "bad.yaml");
  CHECK_THROWS_WITH(check_space_keys(bad), Catch::Contains("sets nothing the trainer knows") &&
                                               Catch::Contains("bad.yaml:3:12"));
  const auto wrong = space::parse_deck(
      "data: {name: runge}\ntraining: {epochs: many}\nspace:\n  - {name: lr, type: log, range: "
      "[0.001, 0.1]}\n",
      "wrong.yaml");
  CHECK_THROWS_WITH(
      resolve(wrong, config_from_settings(wrong.space, {}), 1),
      Catch::Contains("wrong.yaml:2:20") &&
          Catch::Contains("epochs: must be a whole number from 1 to 1000000000, got 'many'"));
}

TEST_CASE("threads: auto (the default) takes Slurm's cpus per task, else 1", "[train][spec]") {
  std::string deck = kDeck;
  const auto resolved = [&](const std::string& text) {
    return resolve(space::parse_deck(text, "spec.yaml"),
                   config_from_settings(space::parse_deck(text, "spec.yaml").space, {}), 5);
  };
  CHECK(resolved(deck).optim.threads == 0);  // auto by default
  deck.replace(deck.find("epochs: 7"), 9, "epochs: 7, threads: auto");
  CHECK(resolved(deck).optim.threads == 0);
  deck.replace(deck.find("threads: auto"), 13, "threads: 3");
  CHECK(resolved(deck).optim.threads == 3);
  deck.replace(deck.find("threads: 3"), 10, "threads: 0");
  CHECK_THROWS_WITH(resolved(deck),
                    Catch::Contains("threads: must be auto, or a whole number >= 1, got '0'"));

  ::unsetenv("SLURM_CPUS_PER_TASK");
  CHECK(threads_per_rank(0) == 1);
  CHECK(threads_per_rank(6) == 6);
  // auto: Slurm's cpus per task, but never more than this process's CPUs over its node's ranks.
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(::sched_getaffinity(0, sizeof set, &set) == 0);
  const int cpus = CPU_COUNT(&set);
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  ::unsetenv("SLURM_STEP_TASKS_PER_NODE");
  ::setenv("SLURM_CPUS_PER_TASK", "4", 1);
  CHECK(threads_per_rank(0) == std::min(4, cpus));
  CHECK(threads_per_rank(2) == 2);  // a number in the deck wins
  ::setenv("SLURM_CPUS_PER_TASK", std::to_string(cpus).c_str(), 1);
  ::setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2", 1);  // two ranks on this node: half each
  CHECK(threads_per_rank(0) == std::max(1, cpus / 2));
  ::setenv("SLURM_STEP_TASKS_PER_NODE", "2(x3)", 1);
  ::setenv("OMPI_COMM_WORLD_LOCAL_SIZE", std::to_string(4 * cpus).c_str(), 1);
  CHECK(threads_per_rank(0) == 1);  // more ranks than CPUs: one each, never none
  CHECK(threads_per_rank(8) == 8);  // the deck's number, as asked
  ::unsetenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  ::unsetenv("SLURM_STEP_TASKS_PER_NODE");
  ::setenv("SLURM_CPUS_PER_TASK", "lots", 1);
  CHECK(threads_per_rank(0) == 1);
  ::unsetenv("SLURM_CPUS_PER_TASK");
}
