// A study's plan, kept in its journal folder (plan.json): what its results depend on, key by key
// (the identity), and the sizes its design grew through. A resume compares the deck with the
// plan: a larger design.samples extends the design, any other change is refused naming the key,
// its old value and its new one. `hsicho status` reads the plan to know how much is left.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/space/deck.hpp"

namespace hsicho::study {

// Key ("training.epochs", "space.lr", "design.criterion", "study.seed") -> value as text. Only
// what changes results: the study's name, output, scheduling and analysis settings may change.
using Identity = std::map<std::string, std::string>;

Identity study_identity(const space::Deck& deck);

// 16 hex digits, stamped on every journal file: a journal from another study is never mixed in.
std::string identity_fingerprint(const Identity& identity, std::size_t first_samples);

// One line per difference: "training.epochs: 20 -> 30", "(not set)" for a missing key.
std::vector<std::string> identity_changes(const Identity& before, const Identity& now);

struct Plan {
  Identity identity;
  // The sampled hyperparameters in deck order: the design's columns follow it, so that the
  // same set in another order is another design (empty in plans of hsicho 0.1 before this).
  std::vector<std::string> space_order;
  std::vector<std::size_t> samples;  // the design's sizes: first run, then each extension
  bool optimized = false;            // stages from optimize.stages; cannot be extended
  std::size_t planned = 0;           // trainings in all (the optimizer's: at most)
  std::string deck, out, started;    // of the latest run
  double started_time = 0;           // the same, as Unix time
  int ranks = 0;
};

// The plan of a run: the earlier run's (nullopt when starting), checked against the deck and
// grown to its design.samples. Throws InputError naming what changed, or a shrinking design.
Plan settle_plan(const std::optional<Plan>& before, const space::Deck& deck, bool optimized,
                 std::size_t planned);

std::optional<Plan> read_plan(const std::string& journal_dir);  // nullopt when absent
void write_plan(const std::string& journal_dir, const Plan& plan);

}  // namespace hsicho::study
