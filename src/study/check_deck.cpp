#include "hsicho/study/check_deck.hpp"

#include <algorithm>
#include <vector>

#include "hsicho/design/design.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/train/data.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::study {

DeckCheck check_deck(const space::Deck& deck, bool read_data, std::size_t max_samples) {
  train::check_space_keys(deck);
  if (deck.external) {
    external::read_command(deck);  // placeholders, durations, the program exists
  } else {
    train::resolve(deck, train::config_from_settings(deck.space, {}), deck.study.seed);
  }
  DeckCheck c;
  c.optimize = read_optimize(deck);
  c.analysis = read_analysis(deck);
  auto settings = stage_design(deck, c.optimize, 0);
  if (max_samples > 0) {
    settings.samples = std::min(settings.samples, max_samples);
    settings.iterations =
        std::min<std::size_t>(settings.iterations == 0 ? 64 : settings.iterations, 64);
  }
  const auto first = make_stage_design(deck.space, settings, deck.study.seed, 0);
  if (deck.external) return c;
  std::vector<train::TrainSpec> specs;
  for (std::size_t i = 0; i < first.configs.size(); ++i)
    specs.push_back(train::resolve_point(deck, first.configs[i], deck.study.seed, i));
  if (read_data && !specs.empty()) {
    const auto data = train::load_deck_data(deck, specs.front().data);
    for (const auto& spec : specs)
      train::check_fits(deck, spec, data);
  }
  return c;
}

}  // namespace hsicho::study
