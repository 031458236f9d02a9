#include "hsicho/space/deck.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/utf8.hpp"
#include "yaml_util.hpp"

namespace hsicho::space {

// The blocks of a deck, and the keys of a hyperparameter's entry. The keys of each block are in
// the table of deck keys (space/keys.hpp), with their kinds, limits and where they apply.
namespace keys {
const std::vector<std::string> top = {"study", "design",   "data",     "model",  "training",
                                      "space", "analysis", "optimize", "pruning"};
// The keys of an external command (training.command); no other training key applies with it.
const std::vector<std::string> command = {
    "command",   "shell", "workdir", "timeout", "env", "persistent", "max_trainings_per_worker",
    "checkpoint"};
// How a study runs, whoever trains: with training.command or the built-in trainer, and never a
// hyperparameter of the space.
const std::vector<std::string> both = {"retries"};
const std::vector<std::string> param = {"name",  "type", "range",   "log",        "values",
                                        "value", "when", "default", "description"};
const std::vector<std::string> types = {"continuous",  "log",     "integer",
                                        "categorical", "boolean", "fixed"};

// Keys whose value is a map: their sub-keys from the table ("split.validation", ...), or any
// name (env).
bool is_map(const std::string& block, const std::string& key) {
  for (const auto& k : deck_keys()) {
    if (k.block == block && k.name == key) return k.kind == KeyKind::Map;
  }
  return false;
}
std::vector<std::string> sub_keys(const std::string& block, const std::string& key) {
  std::vector<std::string> subs;
  for (const auto& k : deck_keys()) {
    if (k.block == block && k.name.rfind(key + ".", 0) == 0)
      subs.push_back(k.name.substr(key.size() + 1));
  }
  return subs;
}

// A selector's value when neither its block nor the space sets it.
std::string selector_default(const std::string& selector) {
  return selector == "type" ? "mlp" : selector == "optimizer" ? "adam" : "constant";
}
}  // namespace keys

std::string samples_problem(std::int64_t n) {
  // The limits are the key table's (design.samples), written there only.
  const auto& k = key_spec("design", "samples");
  const auto lo = static_cast<std::int64_t>(k.lo), hi = static_cast<std::int64_t>(k.hi);
  if (n < lo) return "must be at least " + std::to_string(lo) + ", got " + std::to_string(n);
  if (n > hi) {
    return "must be at most " + std::to_string(hi) + " (trainings), got " + std::to_string(n) +
           "; split a larger study into several";
  }
  return "";
}

const Setting* Block::find(const std::string& key) const {
  for (const auto& s : settings) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

SourceMark Block::where(const std::string& key) const {
  if (const auto* s = find(key)) return s->mark;
  return mark;
}

namespace {

const Block& block_named(const Deck& deck, const std::string& block) {
  return block == "data" ? deck.data : block == "model" ? deck.model : deck.training;
}

// The values a selector can take in this deck: from the space when a hyperparameter varies it,
// else from its block, else its default. Empty: any value (a hyperparameter of another type).
std::vector<std::string> selector_values(const Deck& deck, const KeySpec& rule) {
  if (rule.selector == "name") return {deck.data_name};
  if (auto k = deck.space.find(rule.selector)) {
    const auto& p = deck.space[*k];
    if (p.type == Type::Fixed) return {to_text(p.fixed_value)};
    std::vector<std::string> values;
    if (p.type == Type::Categorical) {
      for (const auto& v : p.categories)
        values.push_back(to_text(v));
    }
    return values;
  }
  if (const auto* s = block_named(deck, rule.block).find(rule.selector)) return {s->text};
  return {keys::selector_default(rule.selector)};
}

// The rule that says where `key` of `block` applies, when it does not apply to this deck.
const KeySpec* not_applying(const Deck& deck, const std::string& block, const std::string& key) {
  for (const auto& rule : deck_keys()) {
    if (rule.block != block || rule.name != key || rule.selector.empty()) continue;
    const auto values = selector_values(deck, rule);
    if (values.empty()) return nullptr;
    for (const auto& v : values) {
      if (std::find(rule.applies.begin(), rule.applies.end(), v) != rule.applies.end())
        return nullptr;
    }
    return &rule;
  }
  return nullptr;
}

// "data set runge", "optimizer adam or adamw": what a selector is called, with its values.
std::string selector_text(const std::string& selector, const std::vector<std::string>& values) {
  const std::string label = selector == "name"   ? "data set"
                            : selector == "type" ? "model type"
                                                 : selector;
  return label + " " + join(values, " or ");
}

}  // namespace

std::vector<std::string> settable_keys(const Deck& deck) {
  std::vector<std::string> out;
  for (const char* block : {"data", "model", "training"}) {
    for (const auto& k : key_names(block)) {
      const bool is_map = keys::is_map(block, k);
      const bool command =  // how to run a program, not what it trains
          std::find(keys::command.begin(), keys::command.end(), k) != keys::command.end() ||
          std::find(keys::both.begin(), keys::both.end(), k) != keys::both.end();
      if (k != "name" && !is_map && !command && !not_applying(deck, block, k)) out.push_back(k);
    }
  }
  return out;
}

bool settable_by_space(const Deck& deck, const std::string& name) {
  if (deck.external) return true;  // the command takes any name
  const auto keys = settable_keys(deck);
  if (std::find(keys.begin(), keys.end(), name) != keys.end()) return true;
  for (const std::string prefix : {"units_", "filters_"}) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string base = prefix.substr(0, prefix.size() - 1);
    const std::string rest = name.substr(prefix.size());
    if (!rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos &&
        rest[0] != '0' && std::find(keys.begin(), keys.end(), base) != keys.end())
      return true;
  }
  return false;
}

const char* method_name(DesignMethod m) {
  return m == DesignMethod::Lhs ? "lhs" : "random";
}

const char* criterion_name(DesignCriterion c) {
  switch (c) {
    case DesignCriterion::None:
      return "none";
    case DesignCriterion::Maximin:
      return "maximin";
    case DesignCriterion::Discrepancy:
      return "discrepancy";
  }
  return "?";
}

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

class DeckReader {
 public:
  DeckReader(const std::string& file, DeckUse use) : r_(file), use_(use) {}

  Deck read(const std::string& text, const std::string& path) {
    YAML::Node root;
    try {
      const auto docs = YAML::LoadAll(text);
      if (docs.size() > 1) {
        throw InputError(r_.mark(docs[1]),
                         "the file holds a second YAML document (after '---'): a deck is one "
                         "document; put the other in a file of its own");
      }
      if (!docs.empty()) root = docs.front();
    } catch (const YAML::ParserException& e) {
      const std::string why =
          e.msg == "bad file"
              ? "cannot parse this YAML (lists or maps nested hundreds of levels deep?)"
              : "YAML syntax error: " + e.msg +
                    "; check the indentation (spaces, not tabs), brackets and quotes on this "
                    "line and the one before";
      throw InputError(SourceMark{path, e.mark.line + 1, e.mark.column + 1}, why);
    } catch (const YAML::Exception& e) {
      throw InputError(SourceMark{path, 1, 1}, "cannot parse this YAML: " + e.msg);
    }
    if (!root.IsMap()) {
      throw InputError(SourceMark{path, 1, 1},
                       std::string(root.IsNull() ? "the deck is empty; " : "") +
                           "a deck is a YAML map with the blocks " + join(keys::top) +
                           " (docs/deck.md has a complete example)");
    }
    r_.expect_keys(root, "the deck", keys::top);
    Deck deck;
    deck.path = path;
    deck.text = text;
    read_study(root["study"], deck);
    read_design(root["design"], deck.design);
    deck.training = read_block(root["training"], "training");
    deck.external = deck.training.has("command");
    if (deck.external) {
      check_external(root, deck);
    } else if (use_ == DeckUse::SpaceOnly && !root["data"]) {
      deck.data = read_block(root["data"], "data");  // absent: the space alone
    } else {
      read_data(root, deck);
      for (const auto& s : deck.training.settings) {
        const auto base = s.key.substr(0, s.key.find('.'));
        if (base != "command" &&
            std::find(keys::command.begin(), keys::command.end(), base) != keys::command.end()) {
          throw InputError(s.key_mark, "key '" + base +
                                           "' of block 'training' applies only with "
                                           "training.command (your own training program)");
        }
      }
    }
    deck.model = read_block(root["model"], "model");
    deck.analysis = read_block(root["analysis"], "analysis");
    deck.optimize = read_block(root["optimize"], "optimize");
    deck.pruning = read_block(root["pruning"], "pruning");
    if (!root["space"]) {
      throw InputError(SourceMark{path, 1, 1},
                       "the deck has no 'space' block: list the hyperparameters to study");
    }
    read_space(root["space"], deck.space);
    read_added(deck);
    if (!deck.external && !deck.data_name.empty()) check_applicable(deck);
    return deck;
  }

 private:
  void checked_block(const YAML::Node& node, const std::string& where,
                     const std::vector<std::string>& allowed) {
    if (node) r_.expect_keys(node, where, allowed);
  }

  // A block of key: value pairs, each value a scalar or a list of scalars, kept with its marks.
  Block read_block(const YAML::Node& node, const std::string& name) {
    const auto allowed = key_names(name);
    Block b;
    b.name = name;
    b.mark = node ? r_.mark(node) : SourceMark{r_.file(), 1, 1};
    b.canonical = "{}";
    if (!node) return b;
    const std::string where = "block '" + name + "'";
    r_.expect_keys(node, where, allowed);
    b.present = true;
    b.canonical = YAML::Dump(node);
    for (const auto& kv : node) {
      Setting s;
      s.key = kv.first.Scalar();
      s.key_mark = r_.mark(kv.first);
      s.mark = r_.mark(kv.second);
      const std::string what = name + "." + s.key;
      if (kv.second.IsScalar()) {
        s.text = kv.second.Scalar();
        s.quoted = yaml::Reader::is_quoted(kv.second);
      } else if (kv.second.IsSequence()) {
        s.is_list = true;
        for (const auto& item : kv.second) {
          if (!item.IsScalar())
            r_.fail(item, what + ": the items of its list must be single values");
          s.list.push_back(item.Scalar());
        }
      } else if (kv.second.IsMap()) {
        if (!keys::is_map(name, s.key))
          r_.fail(kv.second, what + " expects a value or a list, not a map");
        if (const auto subs = keys::sub_keys(name, s.key); !subs.empty())
          r_.expect_keys(kv.second, what, subs);
        b.settings.push_back(s);  // the map itself: where it is, for "does not apply"
        for (const auto& sub : kv.second) {
          Setting t;
          t.key = s.key + "." + sub.first.Scalar();
          t.key_mark = r_.mark(sub.first);
          t.mark = r_.mark(sub.second);
          if (!sub.second.IsScalar())
            r_.fail(sub.second, name + "." + t.key + " expects a single value");
          t.text = sub.second.Scalar();
          t.quoted = yaml::Reader::is_quoted(sub.second);
          b.settings.push_back(std::move(t));
        }
        continue;
      } else {
        r_.fail(kv.first, what + " has no value");
      }
      b.settings.push_back(std::move(s));
    }
    return b;
  }

  // A key that means nothing for the chosen data set, model or optimizer is a mistake (a deck
  // copied from another case, a misremembered option): refuse it at its line.
  void check_applicable(const Deck& deck) {
    for (const char* name : {"data", "model", "training"}) {
      for (const auto& s : block_named(deck, name).settings) {
        if (const auto* rule = not_applying(deck, name, s.key)) {
          throw InputError(s.key_mark,
                           "key '" + s.key + "' of block '" + name + "' does not apply to " +
                               selector_text(rule->selector, selector_values(deck, *rule)) +
                               ": it is for " + selector_text(rule->selector, rule->applies) +
                               "; remove it");
        }
      }
    }
  }

  // One key's value from the deck, typed by the table's rule (space/keys.hpp); an error at its
  // line, naming the key, what it takes and what was written.
  template <class Read>
  auto typed(const YAML::Node& node, const std::string& block, const std::string& key, Read read) {
    const KeySpec& spec = key_spec(block, key);
    const std::string label = spec.label();
    switch (spec.kind) {  // the YAML-level type first: a quoted number is text
      case KeyKind::Number:
        r_.number(node, label);
        break;
      case KeyKind::Whole:
        r_.integer(node, label);
        break;
      case KeyKind::Boolean:
        r_.boolean(node, label);
        break;
      case KeyKind::Choice:
        r_.choice(node, label, spec.choices);
        break;
      default:
        r_.scalar(node, label);
    }
    try {
      return read(spec, node.Scalar());
    } catch (const KeyValueError& e) {
      r_.fail(node, label + " " + e.what());
    }
  }

  void read_study(const YAML::Node& node, Deck& deck) {
    checked_block(node, "block 'study'", key_names("study"));
    std::string stem = deck.path;
    if (auto slash = stem.find_last_of('/'); slash != std::string::npos) stem.erase(0, slash + 1);
    if (auto dot = stem.find_last_of('.'); dot != std::string::npos) stem.erase(dot);
    deck.study.name = stem.empty() ? "study" : stem;
    if (!node) {
      deck.study.output = default_output(deck.study.name, YAML::Node(), false);
      return;
    }
    if (node["name"]) deck.study.name = typed(node["name"], "study", "name", key_text);
    if (node["description"])
      deck.study.description = typed(node["description"], "study", "description", key_text);
    if (node["seed"])
      deck.study.seed = static_cast<std::uint64_t>(typed(node["seed"], "study", "seed", key_whole));
    if (node["output"]) deck.study.output = typed(node["output"], "study", "output", key_text);
    if (node["scheduling"])
      deck.study.dynamic =
          typed(node["scheduling"], "study", "scheduling", key_choice) == "dynamic";
    if (node["order"]) {
      deck.study.longest_first =
          typed(node["order"], "study", "order", key_choice) == "longest_first";
    }
    if (node["fuse"])
      deck.study.fuse = static_cast<int>(typed(node["fuse"], "study", "fuse", key_whole));
    if (node["progress"])
      deck.study.progress_seconds = typed(node["progress"], "study", "progress", key_number);
    if (deck.study.output.empty()) {
      deck.study.output = default_output(deck.study.name, node["name"], true);
    } else if (deck.study.output.back() == '/') {
      r_.fail(node["output"], "study.output '" + deck.study.output +
                                  "' names a folder; give a file name, e.g. " + deck.study.output +
                                  "study.h5");
    }
  }

  // <name>.h5 in the working folder, when the name is safe as a file name: no path separator,
  // no control character (a newline), not empty, not hidden (starting with '.').
  std::string default_output(const std::string& name, const YAML::Node& at, bool from_deck) {
    const bool safe = !name.empty() && name[0] != '.' && name.size() <= 200 &&
                      std::none_of(name.begin(), name.end(), [](unsigned char c) {
                        return c == '/' || c == '\\' || c < 0x20 || c == 0x7f;
                      });
    if (safe) return name + ".h5";
    const std::string why = "study.name '" + name +
                            "' cannot name the study file (no '/', '\\' or control characters, "
                            "not empty, not starting with '.'): give study.output, or another "
                            "name";
    if (from_deck) r_.fail(at, why);
    throw InputError(SourceMark{r_.file(), 1, 1},
                     "the deck's file name makes the study name '" + name +
                         "', which cannot name the study file: give study.name or study.output");
  }

  void read_design(const YAML::Node& node, DesignSettings& d) {
    checked_block(node, "block 'design'", key_names("design"));
    if (!node) return;
    if (node["method"]) {
      d.method = typed(node["method"], "design", "method", key_choice) == "lhs"
                     ? DesignMethod::Lhs
                     : DesignMethod::Random;
    }
    if (node["samples"]) {
      // The message of `hsicho design --n` too (samples_problem).
      const auto n = r_.integer(node["samples"], "design.samples");
      if (const auto problem = samples_problem(n); !problem.empty())
        r_.fail(node["samples"], "design.samples " + problem);
      d.samples = static_cast<std::size_t>(typed(node["samples"], "design", "samples", key_whole));
    }
    if (node["criterion"]) {
      const auto c = typed(node["criterion"], "design", "criterion", key_choice);
      d.criterion = criterion_of(c);
    }
    if (node["iterations"])
      d.iterations =
          static_cast<std::size_t>(typed(node["iterations"], "design", "iterations", key_whole));
    if (node["add"]) {
      added_.reset(node["add"]);  // typed once the space is known (read_added)
      has_added_ = true;
    }
  }

  // design.add: each entry a map of values by name over the space; the hyperparameters it leaves
  // out take their default (or the middle of their domain), as with `hsicho eval --set`.
  void read_added(Deck& deck) {
    if (!has_added_) return;
    const auto& spec = key_spec("design", "add");
    if (!added_.IsSequence() || added_.size() == 0)
      r_.fail(added_, "design.add must be " + spec.what() + ", e.g. [{lr: 0.01, layers: 2}]");
    key_text(spec, "");
    const auto& sp = deck.space;
    for (const auto& entry : added_) {
      if (!entry.IsMap() || entry.size() == 0)
        r_.fail(entry,
                "each entry of design.add must be a map of hyperparameter values by name, "
                "e.g. {lr: 0.01, layers: 2}");
      Config config(sp.size());
      for (std::size_t k = 0; k < sp.size(); ++k) {
        const auto& p = sp[k];
        config[k] = p.default_value         ? *p.default_value
                    : p.type == Type::Fixed ? p.fixed_value
                                            : p.value_at(0.5);
      }
      std::string text;
      std::vector<std::size_t> given;
      for (const auto& kv : entry) {
        const std::string name = r_.scalar(kv.first, "a name of design.add");
        const auto k = sp.find(name);
        if (!k)
          r_.fail(kv.first, "design.add: no hyperparameter '" + name + "'" +
                                did_you_mean(name, sp.names()) +
                                "; the space has: " + join(sp.names()));
        const std::string value = r_.scalar(kv.second, "design.add: " + name);
        try {
          config[*k] = sp[*k].parse(value);
        } catch (const InputError& e) {
          r_.fail(kv.second, std::string("design.add: ") + e.what());
        }
        given.push_back(*k);
        text += (text.empty() ? "" : " ") + name + "=" + value;
      }
      const Config before = config;
      sp.apply_conditions(config);
      for (auto k : given) {
        if (before[k] && !config[k])
          r_.fail(entry, "design.add: '" + sp[k].name +
                             "' is inactive in this configuration (it "
                             "exists when " +
                             sp[k].condition->text + ")");
      }
      for (const auto& other : deck.design.added) {
        if (other == config)
          r_.fail(entry, "design.add lists the configuration " + text + " twice");
      }
      deck.design.added.push_back(config);
      deck.design.added_text.push_back(text);
    }
  }

  // With an external command, the command reads its data and builds its network: a data or
  // model block, or a built-in training key, would mean nothing.
  void check_external(const YAML::Node& root, Deck& deck) {
    for (const char* block : {"data", "model"}) {
      if (root[block]) {
        r_.fail(yaml::Reader::key_node(root, block),
                std::string("block '") + block +
                    "' does not apply with training.command: your command reads its own data and "
                    "builds its own network; pass what it needs as hyperparameters (fixed ones "
                    "too) or in its own files");
      }
    }
    for (const auto& s : deck.training.settings) {
      const auto base = s.key.substr(0, s.key.find('.'));
      if (std::find(keys::command.begin(), keys::command.end(), base) == keys::command.end() &&
          std::find(keys::both.begin(), keys::both.end(), base) == keys::both.end()) {
        throw InputError(s.key_mark, "key '" + s.key +
                                         "' of block 'training' does not apply with "
                                         "training.command: your command trains; vary '" +
                                         s.key +
                                         "' as a hyperparameter of the space (params.json "
                                         "passes it), or set it in your command");
      }
    }
  }

  void read_data(const YAML::Node& root, Deck& deck) {
    const YAML::Node node = root["data"];
    if (!node) {
      throw InputError(SourceMark{r_.file(), 1, 1},
                       "the deck has no 'data' block: say which data set to train on (name: " +
                           join(key_spec("data", "name").choices, " | ") +
                           "), or train with your own program (training.command, docs/driver.md)");
    }
    deck.data = read_block(node, "data");
    const auto& datasets = key_spec("data", "name").choices;
    if (!node["name"]) r_.fail(node, "block 'data' needs a 'name': one of " + join(datasets));
    deck.data_name = r_.choice(node["name"], "data.name", datasets);
    key_choice(key_spec("data", "name"), deck.data_name);
  }

  void read_space(const YAML::Node& node, Space& space) {
    if (!node.IsSequence() || node.size() == 0) {
      r_.fail(node,
              "'space' must be a non-empty list of hyperparameters, each '- name: ..., "
              "type: ...'");
    }
    for (const auto& entry : node)
      space.add(read_param(entry));
    space.finalize();
    if (space.dimension() == 0) {
      r_.fail(
          node,
          "the space has only fixed hyperparameters: nothing to vary and analyse; give at least "
          "one a range or values");
    }
  }

  Hyperparameter read_param(const YAML::Node& e) {
    if (!e.IsMap()) r_.fail(e, "each entry of 'space' must be a map with 'name' and 'type'");
    if (!e["name"]) r_.fail(e, "a hyperparameter of 'space' has no 'name'");
    Hyperparameter p;
    p.name = r_.scalar(e["name"], "name");
    p.mark = r_.mark(e["name"]);
    const std::string where = "hyperparameter '" + p.name + "'";
    if (!is_identifier(p.name)) {
      r_.fail(e["name"],
              "hyperparameter name '" + p.name +
                  "' must be a word of letters, digits and '_' (not starting with a digit), "
                  "such as learning_rate");
    }
    r_.expect_keys(e, where, keys::param);
    if (!e["type"]) r_.fail(e, where + " has no 'type': one of " + join(keys::types));
    const std::string type = r_.choice(e["type"], where + ": type", keys::types);

    auto forbid = [&](const char* key, const std::string& takes) {
      if (e[key]) {
        r_.fail(yaml::Reader::key_node(e, key), "key '" + std::string(key) +
                                                    "' does not apply to " + type + " " + where +
                                                    " (it takes: " + takes + ")");
      }
    };
    auto require = [&](const char* key, const std::string& what) {
      if (!e[key]) r_.fail(e, where + " (" + type + ") needs '" + key + "': " + what);
    };

    if (type == "continuous" || type == "log" || type == "integer") {
      p.type = type == "continuous" ? Type::Continuous : type == "log" ? Type::Log : Type::Integer;
      require("range", "[low, high]");
      forbid("values", "range");
      forbid("value", "range");
      if (p.type != Type::Integer) forbid("log", "range");
      read_range(e["range"], where, p);
      if (p.type == Type::Integer && e["log"]) p.log_scale = r_.boolean(e["log"], where + ": log");
      check_range(e["range"], where, p);
    } else if (type == "categorical") {
      p.type = Type::Categorical;
      require("values", "the list of its values");
      forbid("range", "values");
      forbid("value", "values");
      forbid("log", "values");
      read_categories(e["values"], where, p);
    } else if (type == "boolean") {
      p.type = Type::Boolean;
      for (const char* k : {"range", "values", "value", "log"})
        forbid(k, "no bounds: false or true");
      p.categories = {Value(false), Value(true)};
    } else {
      p.type = Type::Fixed;
      require("value", "its constant value");
      for (const char* k : {"range", "values", "log"})
        forbid(k, "value");
      p.fixed_value = scalar_value(e["value"], where + ": value");
    }
    if (e["when"]) p.condition = read_condition(e["when"], where);
    if (e["default"]) {
      const std::string text = r_.scalar(e["default"], where + ": default");
      try {
        p.default_value = p.parse(text);
      } catch (const InputError& err) {
        r_.fail(e["default"], std::string(err.what()) + "; choose a default inside it");
      }
    }
    return p;
  }

  void read_range(const YAML::Node& node, const std::string& where, Hyperparameter& p) {
    if (!node.IsSequence() || node.size() != 2) {
      r_.fail(node, where + ": range must be a list of two numbers [low, high]");
    }
    if (p.type == Type::Integer) {
      p.lo = static_cast<double>(r_.integer(node[0], where + ": range low"));
      p.hi = static_cast<double>(r_.integer(node[1], where + ": range high"));
    } else {
      p.lo = r_.number(node[0], where + ": range low");
      p.hi = r_.number(node[1], where + ": range high");
    }
  }

  void check_range(const YAML::Node& node, const std::string& where, const Hyperparameter& p) {
    const std::string shown = "[" + to_text(p.lo) + ", " + to_text(p.hi) + "]";
    if (p.lo > p.hi) {
      r_.fail(node, where + ": range " + shown + " is inverted; write [low, high] with low < high");
    }
    if (p.lo == p.hi) {
      r_.fail(node, where + ": range " + shown +
                        " is empty (one value); use 'type: fixed' with 'value: " + to_text(p.lo) +
                        "' for a constant");
    }
    if ((p.type == Type::Log || p.log_scale) && p.lo <= 0) {
      r_.fail(node,
              where + ": a log-scale range must be above zero, got " + shown +
                  (p.type == Type::Integer ? "; start it at 1 or more"
                                           : "; use a small positive low bound such as 1e-6"));
    }
    if (p.type == Type::Integer && p.hi - p.lo > 1e9) {
      r_.fail(node, where + ": integer range " + shown + " is too wide; use a log range instead");
    }
    // Subnormal numbers (below 2.2e-308) lose precision: a design over them has a handful of
    // distinct values, or none, and log scales of them are not finite.
    for (const double v : {p.lo, p.hi}) {
      if (v != 0 && std::fabs(v) < std::numeric_limits<double>::min()) {
        r_.fail(node, where + ": range " + shown + " reaches " + to_text(v) +
                          ", a subnormal number (below 2.2e-308) with little precision left; "
                          "rescale the hyperparameter (its units, or a log of it)");
      }
    }
    if (p.type != Type::Integer && !(p.type == Type::Log || p.log_scale) &&
        !(p.hi - p.lo >= 1e-300)) {
      r_.fail(node, where + ": range " + shown +
                        " is too narrow to sample (its width is below 1e-300); rescale the "
                        "hyperparameter");
    }
  }

  // A scalar as a typed value: quoted or non-numeric text is a word; whole numbers integers.
  Value scalar_value(const YAML::Node& node, const std::string& what) {
    const std::string s = r_.scalar(node, what);
    if (!yaml::Reader::is_quoted(node)) {
      if (const auto x = scalar::to_number(s)) {
        if (std::floor(*x) == *x && std::fabs(*x) < 9e15 &&
            s.find_first_of(".eE") == std::string::npos) {
          return static_cast<std::int64_t>(*x);
        }
        return *x;
      }
      if (const auto b = scalar::to_boolean(s)) return *b;
    }
    return s;
  }

  void read_categories(const YAML::Node& node, const std::string& where, Hyperparameter& p) {
    if (!node.IsSequence() || node.size() < 2) {
      r_.fail(node, where +
                        ": values must be a list of at least two values (one value: use "
                        "'type: fixed')");
    }
    std::vector<Value> values;
    bool numbers = false, words = false, all_whole = true;
    std::string first_number, first_word;
    for (const auto& item : node) {
      Value v = scalar_value(item, where + ": each value");
      if (std::holds_alternative<bool>(v)) v = to_text(v);  // true/false among words
      if (is_number(v)) {
        numbers = true;
        if (first_number.empty()) first_number = to_text(v);
        all_whole = all_whole && std::holds_alternative<std::int64_t>(v);
      } else {
        words = true;
        if (first_word.empty()) first_word = to_text(v);
      }
      for (const auto& seen : values) {
        if (same_value(seen, v))
          r_.fail(item,
                  where + ": value '" + to_text(v) + "' is listed twice; list each value once");
      }
      values.push_back(v);
    }
    if (numbers && words) {
      r_.fail(node, where + ": values mix numbers (" + first_number + ") and words (" + first_word +
                        "), which cannot be compared; make them all numbers, or quote the numbers "
                        "to make them all words");
    }
    if (numbers && !all_whole) {
      for (auto& v : values)
        v = as_number(v);  // one numeric kind for the whole list
    }
    p.categories = std::move(values);
  }

  Condition read_condition(const YAML::Node& node, const std::string& where) {
    Condition c;
    c.text = trim(r_.scalar(node, where + ": when"));
    c.mark = r_.mark(node);
    static const std::vector<std::pair<std::string, Condition::Op>> ops = {
        {">=", Condition::Op::Ge},  {"<=", Condition::Op::Le}, {"==", Condition::Op::Eq},
        {"!=", Condition::Op::Ne},  {">", Condition::Op::Gt},  {"<", Condition::Op::Lt},
        {" in ", Condition::Op::In}};
    std::size_t at = std::string::npos, len = 0;
    for (const auto& [sym, op] : ops) {
      const auto pos = c.text.find(sym);
      if (pos != std::string::npos && pos < at) at = pos, len = sym.size(), c.op = op;
    }
    const std::string usage =
        "; write 'when: \"PARENT OP VALUE\"' with OP one of == != < <= > >=, or "
        "'when: \"PARENT in [A, B]\"'";
    if (at == std::string::npos)
      r_.fail(node, where + ": cannot read condition '" + c.text + "'" + usage);
    c.parent = trim(c.text.substr(0, at));
    const std::string rhs = trim(c.text.substr(at + len));
    if (!is_identifier(c.parent) || rhs.empty()) {
      r_.fail(node, where + ": cannot read condition '" + c.text + "'" + usage);
    }
    if (c.op == Condition::Op::In) {
      YAML::Node list;
      try {
        list = YAML::Load(rhs);
      } catch (const YAML::Exception&) {
      }
      if (!list.IsSequence() || list.size() == 0) {
        r_.fail(node, where + ": 'in' needs a list such as [sgd, rmsprop], got '" + rhs + "'");
      }
      for (const auto& item : list) {
        if (!item.IsScalar()) r_.fail(node, where + ": the list after 'in' must hold plain values");
        c.operand_texts.push_back(item.Scalar());
      }
    } else {
      c.operand_texts.push_back(unquote(rhs));
    }
    return c;
  }

  yaml::Reader r_;
  DeckUse use_;
  YAML::Node added_;  // design.add, read after the space
  bool has_added_ = false;
};

}  // namespace

Deck parse_deck(const std::string& text, const std::string& path, DeckUse use) {
  // Every name and value goes into JSON (journal, params.json) and HDF5 strings: text that is
  // not UTF-8 would pass here and fail in the middle of a run.
  if (const auto at = invalid_utf8_at(text); at != std::string_view::npos) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line, column = 1;
      } else if ((static_cast<unsigned char>(text[i]) >> 6) != 2) {
        ++column;
      }
    }
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
    throw InputError(
        SourceMark{path, line, column},
        std::string("the deck is not UTF-8 text (byte ") + byte + " here): save it as UTF-8");
  }
  return DeckReader(path, use).read(text, path);
}

}  // namespace hsicho::space
