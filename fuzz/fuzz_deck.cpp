// Fuzz target: the deck reader and everything `hsicho validate` checks, then the design and the
// training settings of every point of a small first design, as `hsicho run` builds them before it
// trains anything. A deck may be refused only with an InputError that names the deck; any other
// exception, crash, hang, leak or sanitizer report is a finding.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsicho/design/design.hpp"
#include "hsicho/error.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/spec.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_deck: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hsicho;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // What `hsicho validate` does, with a smaller first design (the deck's own size would make
  // each input slow): the deck, the trainer's keys and values, the optimizer, every design point.
  try {
    const auto deck = space::parse_deck(text, "fuzz.yaml");
    train::check_space_keys(deck);
    train::resolve(deck, train::config_from_settings(deck.space, {}), deck.study.seed);
    const auto opt = study::read_optimize(deck);
    auto settings = study::stage_design(deck, opt, 0);
    settings.samples = std::min<std::size_t>(settings.samples, 8);
    settings.iterations =
        settings.iterations == 0 ? 64 : std::min<std::size_t>(settings.iterations, 64);
    const auto design = design::make_design(deck.space, settings, deck.study.seed);
    for (std::size_t i = 0; i < design.configs.size(); ++i)
      train::resolve_point(deck, design.configs[i], deck.study.seed + i, i);
  } catch (const InputError& e) {
    if (std::string(e.what()).find("fuzz.yaml") == std::string::npos)
      fail(std::string("a deck error that does not name the deck: ") + e.what());
  }
  return 0;
}
