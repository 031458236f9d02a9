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

using io::FileStamp;

// The ids of design.add's configurations start here, far above any design's (at most 1e6 per
// stage), so that extending the design never moves them.
inline constexpr std::size_t kAddedFirstId = 1000000000;

Identity study_identity(const space::Deck& deck);

// How the study runs (training.threads, device, timeout, retries, env): may change on resume.
Identity run_settings(const space::Deck& deck);

// training.retries (0 when absent): how many times a failed training is trained again.
int read_retries(const space::Deck& deck);

// The files of the user's training program: the words of training.command that name files (a
// script, a module it is given), not a program looked up in PATH. Empty for the built-in trainer.
std::vector<FileStamp> program_files(const space::Deck& deck);
// "train.py: 1200 bytes, CRC-32 1a2b3c4d -> 1250 bytes, CRC-32 ...", one line per change.
std::vector<std::string> program_changes(const std::vector<FileStamp>& before,
                                         const std::vector<FileStamp>& now);

// 16 hex digits, stamped on every journal file: a journal from another study is never mixed in.
std::string identity_fingerprint(const Identity& identity, std::size_t first_samples);

// One line per difference: "training.epochs: 20 -> 30", "(not set)" for a missing key.
// `run_settings_too`: also the keys of how the study runs (which an identity leaves out).
std::vector<std::string> identity_changes(const Identity& before, const Identity& now,
                                          bool run_settings_too = false);

// The plan of a run: the earlier run's (nullopt when starting), checked against the deck and
// grown to its design.samples. Throws InputError naming what changed, or a shrinking design.
// `command_may_change`: no training of the study has a result yet (every one failed), so
// training.command may change: no result would mix two programs.
Plan settle_plan(const std::optional<Plan>& before, const space::Deck& deck, bool optimized,
                 std::size_t planned, bool command_may_change = false);

// True when a key of the study's identity is training.command or one of its parts.
bool is_command_key(const std::string& key);

// "LAUNCHER /path/to/hsicho run DECK --resume [--out OUT]", every path shell-quoted: pasted into
// a shell as it is printed, it resumes the study (and runs nothing else). `launcher`: "srun ",
// "mpiexec -n 4 " or "" (launcher_of).
std::string resume_command(const std::string& deck, const std::string& out,
                           const std::string& launcher);
// The launcher of a study's latest run, from its plan: srun in a Slurm job, mpiexec -n RANKS on
// several ranks, none on one.
std::string launcher_of(const Plan& plan);

}  // namespace hsicho::study
