#include "hsicho/study/plan.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::study {
namespace {

// Settings that change how a study runs, not what a result means: a resume may change them (a
// study started on CPUs goes on on GPUs; a new allocation has another core count; a timeout set
// too low is raised; failed trainings are retried).
bool is_run_setting(const std::string& key) {
  static const std::vector<std::string> keys = {"training.threads", "training.device",
                                                "training.timeout", "training.retries",
                                                "training.env",     "pruning.grace"};
  for (const auto& k : keys) {
    if (key == k || key.rfind(k + ".", 0) == 0) return true;
  }
  return false;
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
                                                                {"optimize", &deck.optimize},
                                                                {"pruning", &deck.pruning}};
  for (const auto& [name, block] : blocks) {
    for (const auto& s : block->settings) {
      const std::string key = std::string(name) + "." + s.key;
      if (!is_run_setting(key)) id[key] = setting_text(s);
    }
  }
  for (const auto& p : deck.space.params()) {
    std::string v = std::string(space::type_name(p.type)) + " " + p.describe_domain();
    if (p.condition) v += " when " + p.condition->text;
    if (p.default_value) v += " default " + space::to_text(*p.default_value);
    id["space." + p.name] = v;
  }
  // The mode the study runs, not the word in the deck: under `auto` (the default) it follows
  // what the trainings can do, and a default may change between versions.
  if (deck.pruning.present) id["pruning.mode"] = read_pruning(deck).mode();
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

Identity run_settings(const space::Deck& deck) {
  Identity out;
  for (const auto* block : {&deck.training, &deck.pruning}) {
    for (const auto& s : block->settings) {
      const std::string key = block->name + "." + s.key;
      if (is_run_setting(key) && s.key != "env") out[key] = setting_text(s);
    }
  }
  return out;
}

int read_retries(const space::Deck& deck) {
  const auto* s = deck.training.find("retries");
  if (!s) return 0;
  try {
    return static_cast<int>(space::key_whole(space::key_spec("training", "retries"), s->text));
  } catch (const space::KeyValueError& e) {
    throw InputError(s->mark, std::string("training.retries ") + e.what());
  }
}

std::vector<FileStamp> program_files(const space::Deck& deck) {
  std::vector<FileStamp> out;
  if (!deck.external) return out;
  const auto command = external::read_command(deck);
  std::vector<std::string> words;
  if (command.shell) {
    // The words of the shell line that name files (a script and what it is given).
    std::string word;
    for (char c : command.argv.front() + " ") {
      if (c == ' ' || c == '\t' || c == ';' || c == '|' || c == '&') {
        if (!word.empty()) words.push_back(word);
        word.clear();
      } else if (c != '"' && c != '\'') {
        word += c;
      }
    }
  } else {
    words = command.argv;
  }
  namespace fs = std::filesystem;
  const fs::path deck_dir = fs::path(deck.path).parent_path();
  for (std::size_t k = 0; k < words.size(); ++k) {
    const auto& w = words[k];
    // A program found in PATH (python3, bash) is the system's, not the study's.
    if (w.empty() || w.find('{') != std::string::npos ||
        (k == 0 && w.find('/') == std::string::npos))
      continue;
    std::error_code ec;
    fs::path p = w;
    if (p.is_relative() && !deck_dir.empty() && fs::is_regular_file(deck_dir / p, ec))
      p = deck_dir / p;
    if (!fs::is_regular_file(p, ec)) continue;
    const auto path = fs::absolute(p, ec).lexically_normal().string();
    if (std::none_of(out.begin(), out.end(), [&](const auto& f) { return f.path == path; }))
      out.push_back(io::stamp_file(path));
  }
  return out;
}

std::vector<std::string> program_changes(const std::vector<FileStamp>& before,
                                         const std::vector<FileStamp>& now) {
  std::vector<std::string> out;
  for (const auto& b : before) {
    const auto it =
        std::find_if(now.begin(), now.end(), [&](const auto& n) { return n.path == b.path; });
    if (it == now.end()) {
      out.push_back(b.path + ": no longer named by training.command");
    } else if (it->bytes != b.bytes || it->crc32 != b.crc32) {
      out.push_back(fmt::format("{}: {} bytes, CRC-32 {:08x} -> {} bytes, CRC-32 {:08x}", b.path,
                                b.bytes, b.crc32, it->bytes, it->crc32));
    }
  }
  for (const auto& n : now) {
    if (std::none_of(before.begin(), before.end(), [&](const auto& b) { return b.path == n.path; }))
      out.push_back(n.path + ": newly named by training.command");
  }
  return out;
}

std::vector<std::string> identity_changes(const Identity& before, const Identity& now,
                                          bool run_settings_too) {
  std::vector<std::string> out;
  auto value = [](const Identity& m, const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? std::string("(not set)") : it->second;
  };
  Identity keys = before;
  keys.insert(now.begin(), now.end());
  for (const auto& [key, unused] : keys) {
    if (!run_settings_too && is_run_setting(key)) continue;  // in an older hsicho's identity
    const auto a = value(before, key), b = value(now, key);
    if (a != b) out.push_back(key + ": " + a + " -> " + b);
  }
  return out;
}

bool is_command_key(const std::string& key) {
  return key == "training.command" || key.rfind("training.command.", 0) == 0;
}

Plan settle_plan(const std::optional<Plan>& before, const space::Deck& deck, bool optimized,
                 std::size_t planned, bool command_may_change) {
  Plan plan;
  plan.identity = study_identity(deck);
  plan.run_settings = run_settings(deck);
  plan.program = program_files(deck);
  plan.space_order = sampled_order(deck.space);
  plan.optimized = optimized;
  const std::size_t want = deck.design.samples;
  if (!before) {
    plan.samples = {want};
    plan.fingerprint = identity_fingerprint(plan.identity, want);
  } else {
    // The journals' stamp stays the study's first, whatever identity this version computes.
    plan.fingerprint = !before->fingerprint.empty()
                           ? before->fingerprint
                           : identity_fingerprint(before->identity, before->samples.front());
    // A study file of an hsicho before `mode: auto` ran ordered when its deck named no mode.
    Identity started = before->identity;
    if (plan.identity.count("pruning.mode") && !started.count("pruning.mode"))
      started["pruning.mode"] = "ordered";
    auto changes = identity_changes(started, plan.identity);
    if (command_may_change) {
      changes.erase(std::remove_if(changes.begin(), changes.end(),
                                   [](const std::string& c) {
                                     return is_command_key(c.substr(0, c.find(':')));
                                   }),
                    changes.end());
    }
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
    for (auto& c : changes) {
      if (c.rfind("pruning.mode:", 0) == 0 && !deck.pruning.has("mode"))
        c += " (no mode in the deck: the default, auto, runs " + plan.identity["pruning.mode"] +
             " here; write mode: " + started["pruning.mode"] +
             " in the pruning block to go on as the study started)";
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
          "grow (and training.command, while no training has a result).");
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
  plan.planned = optimized ? planned : plan.samples.back() + deck.design.added.size();
  return plan;
}

std::string resume_command(const std::string& deck, const std::string& out,
                           const std::string& launcher) {
  return launcher + shell_quote(parallel::front_end_path()) + " run " + shell_quote(deck) +
         " --resume" + (out.empty() ? "" : " --out " + shell_quote(out));
}

std::string launcher_of(const Plan& plan) {
  if (!plan.slurm_job.empty()) return "srun ";
  return plan.ranks > 1 ? "mpiexec -n " + std::to_string(plan.ranks) + " " : "";
}

}  // namespace hsicho::study
