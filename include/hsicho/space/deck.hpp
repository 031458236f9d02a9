// The experiment's input deck (YAML): read, checked, and turned into typed settings.
// Every rejection is an InputError naming file, line, column, key and what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "hsicho/error.hpp"

#include "hsicho/space/keys.hpp"
#include "hsicho/space/space.hpp"

namespace hsicho::space {

// Defaults: the key table's (keys.cpp), the one place they are written.
struct StudySettings {
  std::string name;
  std::string description;  // what the study is for, in words (kept in the study file)
  std::uint64_t seed = static_cast<std::uint64_t>(key_default<std::int64_t>("study", "seed"));
  std::string output;  // study file; defaults to <name>.h5
  // scheduling: dynamic (self-scheduling) or static slices
  bool dynamic = key_default<std::string>("study", "scheduling") == "dynamic";
  // dynamic order: expected cost (parameters x epochs), longest first
  bool longest_first = key_default<std::string>("study", "order") == "longest_first";
  // 0: a progress line per finished training, else at most every N s
  double progress_seconds = key_default<double>("study", "progress");
  // small MLPs trained as one computation, at most this many (1: one at a time)
  int fuse = key_default<int>("study", "fuse");
};

enum class DesignMethod { Lhs, Random };
enum class DesignCriterion { None, Maximin, Discrepancy };
// The criterion a deck names (none, maximin, discrepancy).
inline DesignCriterion criterion_of(const std::string& name) {
  return name == "maximin" ? DesignCriterion::Maximin
         : name == "none"  ? DesignCriterion::None
                           : DesignCriterion::Discrepancy;
}

struct DesignSettings {
  DesignMethod method = key_default<std::string>("design", "method") == "lhs"
                            ? DesignMethod::Lhs
                            : DesignMethod::Random;
  std::size_t samples = static_cast<std::size_t>(key_default<std::int64_t>("design", "samples"));
  DesignCriterion criterion = criterion_of(key_default<std::string>("design", "criterion"));
  // swaps tried by the space-filling search; 0 = automatic
  std::size_t iterations =
      static_cast<std::size_t>(key_default<std::int64_t>("design", "iterations"));
  // design.add: configurations the user asks for besides the design's (last year's network, a
  // colleague's guess), values by name over the space (the others at their default), checked.
  std::vector<Config> added;
  std::vector<std::string> added_text;  // each as written: "lr=0.01 layers=2"
};

// One key of a data, model, training, analysis or optimize block as the deck writes it: checked
// for being a known key of its block (and one that applies to the chosen data set, model and
// optimizer), typed by the layer that gives it meaning, always with its place in the deck.
struct Setting {
  std::string key;
  std::string text;               // a scalar's text
  std::vector<std::string> list;  // a list's items (scalars)
  bool is_list = false;
  bool quoted = false;  // "3" is text, 3 a number
  SourceMark mark;      // of the value
  SourceMark key_mark;  // of the key
};

struct Block {
  std::string name;      // data, model, training, analysis, optimize
  bool present = false;  // the deck has this block
  SourceMark mark;       // of the block (the deck's first line when absent)
  std::vector<Setting> settings;
  std::string canonical;  // the block in a canonical YAML form (the study's fingerprint)

  const Setting* find(const std::string& key) const;
  bool has(const std::string& key) const { return find(key) != nullptr; }
  // "block 'data'": the mark of a key when it is there, else of the block.
  SourceMark where(const std::string& key) const;
};

struct Deck {
  std::string path;  // as given by the user
  std::string text;  // the deck verbatim, echoed into the study file
  StudySettings study;
  DesignSettings design;
  bool external = false;        // training.command: the user's command trains (no data, model)
  std::string data_name;        // runge | ... | table; empty for an external command
  Block data, model, training;  // typed by the training engine (train/spec.hpp)
  Block analysis;               // the HSIC engine's options (study/analysis_settings.hpp)
  Block optimize;               // the HSIC-guided optimizer's settings (study/stage.hpp)
  Block pruning;                // goal-aware early stopping (study/pruning.hpp)
  Space space;
};

// The one reader of a block's key (pruning, optimize, analysis, ...): its value typed by the key
// table (key_number, key_whole, key_boolean, key_choice, key_text), a single value (not a list),
// and an error at the setting's line naming block.key and what it takes. nullopt: not set.
template <class T>
std::optional<T> read_key(const Block& block, const std::string& key) {
  const Setting* s = block.find(key);
  if (!s) return std::nullopt;
  if (s->is_list) throw InputError(s->mark, block.name + "." + key + " must be a single value");
  const KeySpec& spec = key_spec(block.name, key);
  try {
    if constexpr (std::is_same_v<T, double>) {
      return key_number(spec, s->text);
    } else if constexpr (std::is_same_v<T, bool>) {
      return key_boolean(spec, s->text);
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(key_whole(spec, s->text));
    } else {
      return spec.kind == KeyKind::Choice ? key_choice(spec, s->text) : key_text(spec, s->text);
    }
  } catch (const KeyValueError& e) {
    throw InputError(s->mark, block.name + "." + key + " " + e.what());
  }
}

// Study: a deck to train (a data block, or training.command). SpaceOnly: a deck read for its
// space alone (hsicho analyze --space): only the space block is required.
enum class DeckUse { Study, SpaceOnly };
// The deck of `text`, read from `path` (named in errors). The file itself is read in io/
// (io::load_deck): this layer reads no file.
Deck parse_deck(const std::string& text, const std::string& path, DeckUse use = DeckUse::Study);

// The data, model and training keys a hyperparameter of the space may set for this deck (the
// keys that apply to its data set, model type and optimizer), and whether `name` is one of them
// (units_K and filters_K set layer or block K).
bool settable_by_space(const Deck& deck, const std::string& name);
std::vector<std::string> settable_keys(const Deck& deck);

// What is wrong with a design of n configurations ("" when nothing): for design.samples and
// `hsicho design --n` alike.
std::string samples_problem(std::int64_t n);

const char* method_name(DesignMethod m);
const char* criterion_name(DesignCriterion c);

}  // namespace hsicho::space
