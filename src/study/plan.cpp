#include "hsicho/study/plan.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "hsicho/error.hpp"

namespace hsicho::study {
namespace {

// Settings that change how fast a study trains, not what it finds: a resume may change them (a
// study started on CPUs goes on on GPUs; a new allocation has another core count).
bool affects_results(const std::string& block, const std::string& key) {
  return !(block == "training" && (key == "threads" || key == "device"));
}

std::string setting_text(const space::Setting& s) {
  if (!s.is_list) return s.quoted ? "\"" + s.text + "\"" : s.text;
  std::string out = "[";
  for (std::size_t i = 0; i < s.list.size(); ++i)
    out += (i ? ", " : "") + s.list[i];
  return out + "]";
}

std::uint64_t fnv(const std::string& s, std::uint64_t h = 0xCBF29CE484222325ull) {
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001B3ull;
  return h;
}

std::vector<std::string> sampled_order(const space::Space& space) {
  std::vector<std::string> names;
  for (auto c : space.free_columns())
    names.push_back(space[c].name);
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Identity study_identity(const space::Deck& deck) {
  Identity id;
  const std::pair<const char*, const space::Block*> blocks[] = {{"data", &deck.data},
                                                                {"model", &deck.model},
                                                                {"training", &deck.training},
                                                                {"optimize", &deck.optimize}};
  for (const auto& [name, block] : blocks) {
    for (const auto& s : block->settings) {
      if (affects_results(name, s.key)) id[std::string(name) + "." + s.key] = setting_text(s);
    }
  }
  for (const auto& p : deck.space.params()) {
    std::string v = std::string(space::type_name(p.type)) + " " + p.describe_domain();
    if (p.condition) v += " when " + p.condition->text;
    if (p.default_value) v += " default " + space::to_text(*p.default_value);
    id["space." + p.name] = v;
  }
  id["design.method"] = space::method_name(deck.design.method);
  id["design.criterion"] = space::criterion_name(deck.design.criterion);
  id["design.iterations"] = std::to_string(deck.design.iterations);
  id["study.seed"] = std::to_string(deck.study.seed);
  return id;
}

std::string identity_fingerprint(const Identity& identity, std::size_t first_samples) {
  std::string s;
  for (const auto& [key, value] : identity)
    s += key + '\x1f' + value + '\x1e';
  s += "design.samples\x1f" + std::to_string(first_samples);
  return fmt::format("{:016x}", fnv(s));
}

std::vector<std::string> identity_changes(const Identity& before, const Identity& now) {
  std::vector<std::string> out;
  auto value = [](const Identity& m, const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? std::string("(not set)") : it->second;
  };
  Identity keys = before;
  keys.insert(now.begin(), now.end());
  for (const auto& [key, unused] : keys) {
    const auto a = value(before, key), b = value(now, key);
    if (a != b) out.push_back(key + ": " + a + " -> " + b);
  }
  return out;
}

Plan settle_plan(const std::optional<Plan>& before, const space::Deck& deck, bool optimized,
                 std::size_t planned) {
  Plan plan;
  plan.identity = study_identity(deck);
  plan.space_order = sampled_order(deck.space);
  plan.optimized = optimized;
  const std::size_t want = deck.design.samples;
  if (!before) {
    plan.samples = {want};
  } else {
    auto changes = identity_changes(before->identity, plan.identity);
    // The same hyperparameters in another order are another design: each finished result
    // would be joined to the values of another configuration.
    // (Another set of names is listed above, key by key.)
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    if (before->space_order != plan.space_order &&
        sorted(before->space_order) == sorted(plan.space_order)) {
      changes.push_back("space, order of the sampled hyperparameters: " +
                        joined(before->space_order) + " -> " + joined(plan.space_order) +
                        " (the design's columns follow this order: put the lines back in it)");
    }
    if (!changes.empty()) {
      std::string list;
      for (const auto& c : changes)
        list += "\n  " + c;
      throw InputError(
          "the deck changed since this study started, in what its results depend "
          "on:" +
          list +
          "\nRestore these values to go on with this study, or start a new one "
          "(another --out, or remove the journal folder). Only design.samples may "
          "grow.");
    }
    plan.samples = before->samples;
    const std::size_t has = plan.samples.back();
    if (want > has) {
      if (optimized) {
        throw InputError(fmt::format(
            "design.samples: {} -> {}: an optimized study's sizes are optimize.stages, which "
            "cannot change; extend a plain study, or start a new one",
            has, want));
      }
      plan.samples.push_back(want);
    } else if (want < has) {
      throw InputError(
          fmt::format("design.samples: the study has {} configurations and the deck "
                      "asks for {}: a study grows, it does not shrink. Set "
                      "design.samples: {} (or more, to extend it)",
                      has, want, has));
    }
  }
  plan.planned = optimized ? planned : plan.samples.back();
  return plan;
}

}  // namespace hsicho::study
