// The deck's keys, described once: for each key of each block its kind, limits, unit, default,
// where it applies and a line of help. The deck reader takes the names of each block from here
// (an unknown key is refused with a suggestion), and the "does not apply here" check its rules;
// every reader types a value through the functions below, with the key's limits and one message
// style; `hsicho analyze` declares its options and their help from the analysis block's rows.
// tests/unit/test_deck_keys.cpp sets every key of the table in a deck and checks that a reader
// consumed it: a key that no reader reads cannot be in the table.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hsicho::space {

enum class KeyKind {
  Number,    // a real number within [lo, hi] (open ends where lo_open, hi_open)
  Whole,     // a whole number within [lo, hi]
  Boolean,   // true or false
  Choice,    // one of `choices`
  Text,      // any text (a name, a description)
  Path,      // a file or folder
  Numbers,   // a number or a list of numbers, each within [lo, hi]
  Wholes,    // a whole number or a list of them, each within [lo, hi]
  Names,     // a name or a list of names (columns, arrays, files)
  Duration,  // seconds, or 45s, 30m, 2h
  Map,       // a map of sub-keys (split: {validation, test, seed}; env: any names)
  Special,   // a grammar of its own, read by its reader (`expected` says it)
  Removed,   // a key of an earlier version, refused with `help` saying what replaced it
};

struct KeySpec {
  std::string block, name;
  KeyKind kind = KeyKind::Text;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  std::vector<std::string> choices;  // Choice
  std::string fallback;              // the default, as the help shows it ("" when none)
  std::string unit;                  // "s", "epochs", ... ("" when none)
  std::string expected;              // what a value must be, when kind and limits do not say it
  // Applies only when the block's `selector` key (data.name, model.type, training.optimizer,
  // training.schedule) takes one of `applies`; empty: with every choice.
  std::string selector;
  std::vector<std::string> applies;
  std::string help;
  std::string example;  // a valid value, as a deck writes it (the table's own test sets it)

  std::string label() const { return block + "." + name; }
  // "a number in (0, 1)", "one of sgd, adam", ...: for messages and help.
  std::string what() const;
};

// Every key of every block, in the order the docs list them.
const std::vector<KeySpec>& deck_keys();

// The key `name` of `block`; std::logic_error if the table has none (a reader asking for a key
// the table does not describe is a bug).
const KeySpec& key_spec(const std::string& block, const std::string& name);

// The names of a block's keys, in table order.
std::vector<std::string> key_names(const std::string& block);

// A value that is not what its key takes: "must be <what>, got '<text>'" (callers add where).
struct KeyValueError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The typed readers, the one rule for every block: a value outside the key's limits or choices
// throws KeyValueError. Each records the key as consumed (for the table's test).
double key_number(const KeySpec& key, const std::string& text);
std::int64_t key_whole(const KeySpec& key, const std::string& text);
bool key_boolean(const KeySpec& key, const std::string& text);
std::string key_choice(const KeySpec& key, const std::string& text);
// Text, paths, names and Special keys: their text, recorded as consumed by the reader that
// gives them meaning.
const std::string& key_text(const KeySpec& key, const std::string& text);
[[noreturn]] void key_refused(const KeySpec& key, const std::string& text);

// A key's default as a typed value: the table's default read by the key's own typed reader
// (so it is within the key's limits), for the structs that hold the deck's settings. The table
// is then the one place a default is written. std::logic_error when the key has no plain default
// of that type (a descriptive one, "by data set").
template <class T>
T key_default(const std::string& block, const std::string& name);
template <>
double key_default(const std::string& block, const std::string& name);
template <>
std::int64_t key_default(const std::string& block, const std::string& name);
template <>
int key_default(const std::string& block, const std::string& name);
template <>
bool key_default(const std::string& block, const std::string& name);
template <>
std::string key_default(const std::string& block, const std::string& name);
// A list default ("[3, 2, 1.5]"), each item by the key's reader.
std::vector<double> key_default_numbers(const std::string& block, const std::string& name);

// While one lives, the typed readers read defaults, not a deck's keys: nothing is counted as
// consumed (the table's test counts only what a deck set).
struct DefaultsScope {
  DefaultsScope();
  ~DefaultsScope();
  DefaultsScope(const DefaultsScope&) = delete;
  DefaultsScope& operator=(const DefaultsScope&) = delete;
};

// The keys a reader consumed in this process, block.name, and a fresh start (for tests).
std::vector<std::string> consumed_keys();
void forget_consumed_keys();

}  // namespace hsicho::space
