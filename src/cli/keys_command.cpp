// hsicho keys [BLOCK] [--markdown]: every key a deck may hold, from the table that the deck's
// readers use (space/keys.hpp): what it takes, its default, where it applies, what it does.
#include <iostream>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/suggest.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

std::string applies(const space::KeySpec& k) {
  if (k.selector.empty()) return "";
  const std::string label = k.selector == "name" ? "data set" : k.selector;
  return label + " " + join(k.applies, " | ");
}

std::string takes(const space::KeySpec& k) {
  if (k.kind == space::KeyKind::Removed) return "(removed)";
  if (k.kind == space::KeyKind::Text || k.kind == space::KeyKind::Path) return "text";
  if (k.kind == space::KeyKind::Names) return "a name or a list of names";
  if (k.kind == space::KeyKind::Map) return "a map";
  return k.what() + (k.unit.empty() ? "" : " (" + k.unit + ")");
}

}  // namespace

int cmd_keys(const KeysArgs& args, const Context& ctx) {
  std::vector<std::string> blocks;
  for (const auto& k : space::deck_keys()) {
    if (std::find(blocks.begin(), blocks.end(), k.block) == blocks.end()) blocks.push_back(k.block);
  }
  if (!args.block.empty() && std::find(blocks.begin(), blocks.end(), args.block) == blocks.end()) {
    throw InputError("hsicho keys: no block '" + args.block + "'" +
                     did_you_mean(args.block, blocks) + "; the blocks: " + join(blocks));
  }
  if (ctx.rank != 0) return 0;
  std::vector<std::vector<std::string>> rows;
  if (args.markdown) {
    std::cout << "| key | takes | default | applies to | what it does |\n|---|---|---|---|---|\n";
  } else {
    rows.push_back({"key", "takes", "default", "applies to", "what it does"});
  }
  for (const auto& k : space::deck_keys()) {
    if (!args.block.empty() && k.block != args.block) continue;
    if (args.markdown) {
      auto cell = [](std::string s) {
        for (std::size_t at = s.find('|'); at != std::string::npos; at = s.find('|', at + 2))
          s.replace(at, 1, "\\|");
        return s;
      };
      std::cout << "| `" << k.label() << "` | " << cell(takes(k)) << " | " << cell(k.fallback)
                << " | " << cell(applies(k)) << " | " << cell(k.help) << " |\n";
    } else {
      rows.push_back({k.label(), takes(k), k.fallback, applies(k), k.help});
    }
  }
  if (!args.markdown) std::cout << table(rows, "");
  return 0;
}

}  // namespace hsicho::cli
