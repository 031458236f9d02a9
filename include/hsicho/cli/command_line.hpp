// hsicho's command line: one CLI11 declaration drives parsing, `--help` for every command, the
// usage text and the did-you-mean suggestions. Parse errors are InputErrors (exit code 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hsicho::cli {

struct RunArgs {
  std::string deck, out;
  bool resume = false;
  bool accept_program_change = false;
  bool overwrite = false;
};

struct ValidateArgs {
  std::string deck;
  bool no_data = false;
};

struct DesignArgs {
  std::string deck;
  std::optional<std::string> n;  // checked as design.samples is
  bool csv = false;
};

struct EvalArgs {
  std::string deck;
  std::vector<std::string> set;     // name=value
  std::optional<std::string> seed;  // checked by the deck's scalar rules
  bool json = false;
};

// analyze's options as the user typed them: each is checked by the analysis settings' own
// validators (study/analysis_settings.hpp), the same that read a deck's analysis block.
struct AnalyzeArgs {
  std::string file;
  std::optional<std::string> target, space;
  // The analysis block's keys given as options (--alpha 0.2, --interactions: "true"), declared
  // from the table of deck keys (space/keys.hpp).
  std::map<std::string, std::string> settings;
  bool conditional = false, json = false;
  std::vector<std::string> ignore;  // column names (each argument may hold a comma list)
  std::vector<std::string> inputs;  // idem: the only input columns
  std::optional<std::string> nan;   // worst | refuse
};

struct ReportArgs {
  std::string study;
  bool json = false;
};

struct StatusArgs {
  std::string study;  // the study file, its journal folder, or the deck
  std::string out;    // with a deck: the study file `run` was given with --out
  bool json = false;
};

struct KeysArgs {
  std::string block;  // empty: every block
  bool markdown = false;
};

struct ExportArgs {
  std::string study;
  bool csv = false;
  std::string h5;  // the study, as it stands, as a study file (of a running one: a snapshot)
  bool overwrite = false;  // --h5 may replace a file that is not a study file of this study
};

struct Invocation {
  std::string command;  // the subcommand to run; empty when `text` answers the call
  std::string text;     // help or version text to print (exit code `exit_code`)
  int exit_code = 0;
  RunArgs run;
  ValidateArgs validate;
  DesignArgs design;
  EvalArgs eval;
  AnalyzeArgs analyze;
  ReportArgs report;
  ExportArgs export_;
  StatusArgs status;
  KeysArgs keys;
};

// Throws InputError for anything the declaration does not accept (unknown command or option,
// missing or extra arguments, values of the wrong kind), with a suggestion for near misses.
Invocation parse_command_line(const std::vector<std::string>& args);

// The names of the subcommands, as declared (for messages and tests).
std::vector<std::string> command_names();

}  // namespace hsicho::cli
