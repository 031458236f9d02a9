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

#include "hsicho/io/journal_folder.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::study {

// What results depend on, key by key (io/journal_folder.hpp): only what changes results; the
// study's name, output, scheduling and analysis settings may change.
using io::Identity;
using io::Plan;
using io::read_plan;
using io::write_plan;

Identity study_identity(const space::Deck& deck);

// 16 hex digits, stamped on every journal file: a journal from another study is never mixed in.
std::string identity_fingerprint(const Identity& identity, std::size_t first_samples);

// One line per difference: "training.epochs: 20 -> 30", "(not set)" for a missing key.
std::vector<std::string> identity_changes(const Identity& before, const Identity& now);

// The plan of a run: the earlier run's (nullopt when starting), checked against the deck and
// grown to its design.samples. Throws InputError naming what changed, or a shrinking design.
Plan settle_plan(const std::optional<Plan>& before, const space::Deck& deck, bool optimized,
                 std::size_t planned);

}  // namespace hsicho::study
