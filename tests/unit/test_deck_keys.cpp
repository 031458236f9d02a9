// The table of deck keys (space/keys.hpp) is the deck's one description: every key in it is
// consumed by a reader (set alone in a deck, with the table's own example value, it reaches the
// reader that gives it meaning), every block's accepted keys are the table's, and the typed
// readers apply the table's limits with one message style.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/spec.hpp"

using namespace hsicho;
using space::KeyKind;

namespace {

// "key: value" as YAML inside the block's map; a sub-key (split.validation) as a nested map.
std::string entry(const space::KeySpec& k) {
  const auto dot = k.name.find('.');
  if (dot == std::string::npos) return k.name + ": " + k.example;
  return k.name.substr(0, dot) + ": {" + k.name.substr(dot + 1) + ": " + k.example + "}";
}

// A deck in which `k` is set and applies: the data set, model type, optimizer or schedule it
// needs, and what its reader needs beside it.
std::string deck_for(const space::KeySpec& k) {
  const std::string space_block =
      "space:\n  - {name: width_unused, type: fixed, value: 1}\n"
      "  - {name: lr, type: log, range: [0.001, 0.1]}\n";
  auto with = [&](const std::string& block, std::string base) {
    // The base settings of the block, without the one under test.
    std::string items;
    std::size_t at = 0;
    while (at < base.size()) {
      auto end = base.find(';', at);
      if (end == std::string::npos) end = base.size();
      const std::string item = base.substr(at, end - at);
      if (!item.empty() && item.rfind(k.name.substr(0, k.name.find('.')) + ":", 0) != 0)
        items += item + ", ";
      at = end + 1;
    }
    return block + ": {" + items + entry(k) + "}\n";
  };
  const std::string first = k.applies.empty() ? "" : k.applies.front();
  if (k.block == "study" || k.block == "design")
    return with(k.block, "") + "data: {name: runge}\n" + space_block;
  if (k.block == "pruning") {
    return "data: {name: runge}\n" + with("pruning", "") + space_block;
  }
  if (k.block == "analysis" || k.block == "optimize") {
    const std::string base = k.block == "optimize" ? "stages: [8, 8]" : "";
    return "data: {name: runge}\n" + with(k.block, base) + space_block;
  }
  if (k.block == "data") {
    const std::string name = first.empty() ? "runge" : first;
    std::string base = name == "table" ? "name: table;path: t.csv;x: [a];y: b" : "name: " + name;
    if (k.name == "classes") base += ";task: classification";
    return with("data", base) + space_block;
  }
  if (k.block == "model") {
    const bool cnn = first == "cnn";
    return std::string("data: {name: ") + (cnn ? "mnist" : "runge") + "}\n" +
           with("model", cnn ? "type: cnn" : "") + space_block;
  }
  // training
  const std::vector<std::string> command = {"command", "shell", "workdir",
                                            "timeout", "env",   "checkpoint"};
  if (std::find(command.begin(), command.end(), k.name) != command.end()) {
    return with("training", "command: [/bin/echo, x]") + space_block;
  }
  if (k.name == "persistent" || k.name == "max_trainings_per_worker")
    return with("training", "command: [/bin/echo, x];persistent: true") + space_block;
  std::string base;
  if (k.selector == "optimizer") base = "optimizer: sgd;momentum: 0.5";
  if (k.selector == "schedule") base = "schedule: step";
  return "data: {name: runge}\n" + with("training", base) + space_block;
}

// Every reader of a deck, as `hsicho run` calls them.
void read_everything(const space::Deck& deck) {
  if (deck.external) {
    external::read_command(deck);
  } else {
    train::resolve(deck, train::config_from_settings(deck.space, {}), 1);
  }
  study::read_analysis(deck);
  study::read_optimize(deck);
  study::read_retries(deck);
  study::read_pruning(deck);
}

}  // namespace

TEST_CASE("every key of the table is consumed by a reader", "[deck_keys]") {
  std::size_t keys = 0;
  for (const auto& k : space::deck_keys()) {
    if (k.kind == KeyKind::Map && k.block == "data") continue;  // split: through its sub-keys
    INFO(k.label() << " in:\n" << deck_for(k));
    space::forget_consumed_keys();
    try {
      read_everything(space::parse_deck(deck_for(k), "keys.yaml"));
      CHECK(k.kind != KeyKind::Removed);  // a removed key is refused, never taken
    } catch (const InputError& e) {
      INFO(e.what());
      CHECK(k.kind == KeyKind::Removed);
    }
    const auto consumed = space::consumed_keys();
    CHECK(std::find(consumed.begin(), consumed.end(), k.label()) != consumed.end());
    ++keys;
  }
  CHECK(keys > 80);
}

TEST_CASE("a block accepts the table's keys and refuses others with a suggestion", "[deck_keys]") {
  CHECK(space::key_names("analysis") ==
        std::vector<std::string>{"alpha", "bandwidth", "estimator", "pvalues", "interactions",
                                 "scaling", "global", "block", "seed", "discrete", "bootstrap",
                                 "goal", "rank", "cost", "tolerance"});
  CHECK_THROWS_WITH(
      space::parse_deck("data: {name: runge}\nanalysis: {alpah: 0.2}\nspace:\n  - {name: lr, "
                        "type: log, range: [0.001, 0.1]}\n",
                        "k.yaml"),
      Catch::Contains("k.yaml:2:12") && Catch::Contains("did you mean 'alpha'"));
  CHECK_THROWS_AS(space::key_spec("analysis", "no_such_key"), std::logic_error);
}

TEST_CASE("the typed readers apply the table's limits, one message style", "[deck_keys]") {
  const auto& alpha = space::key_spec("analysis", "alpha");
  CHECK(space::key_number(alpha, "0.25") == 0.25);
  CHECK_THROWS_WITH(space::key_number(alpha, "1"),
                    "must be in (0, 1): the fraction of best trainings, e.g. 0.1, got '1'");
  CHECK_THROWS_AS(space::key_number(alpha, "0"), space::KeyValueError);  // open ends
  const auto& samples = space::key_spec("design", "samples");
  CHECK(space::key_whole(samples, "2") == 2);
  CHECK_THROWS_WITH(space::key_whole(samples, "1e7"),
                    "must be a whole number from 2 to 1000000, got '1e7'");
  const auto& estimator = space::key_spec("analysis", "estimator");
  CHECK_THROWS_WITH(space::key_choice(estimator, "w"),
                    Catch::StartsWith("must be v or u, got 'w'"));
  CHECK(space::key_spec("training", "optimizer").what() == "sgd, adam, adamw or rmsprop");
  CHECK(space::key_spec("data", "noise").what() == "a number in [0, 3.4e+38]");
  CHECK(space::key_spec("training", "lr").unit.empty());
  CHECK(space::key_spec("study", "progress").unit == "s");
}
