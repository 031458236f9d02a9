#include "hsicho/study/check_deck.hpp"

#include <algorithm>
#include <vector>

#include "hsicho/design/design.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/pruning.hpp"
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
  read_pruning(deck);  // its keys, rungs and mode, at validate as at run
  DeckCheck c;
  c.optimize = read_optimize(deck);
  c.analysis = read_analysis(deck);
  auto settings = stage_design(deck, c.optimize, 0);
  // Estimators that need more rows than the design gives fail at the end of the run, not here.
  const std::size_t n = settings.samples;
  if (c.analysis.estimator == hsic::Estimator::U && n < 4) {
    throw InputError(deck.analysis.where("estimator"),
                     "analysis.estimator: u needs at least 4 trainings, and the first design "
                     "has " +
                         std::to_string(n) + ": use v, or raise design.samples");
  }
  if (c.analysis.block_size > 0 && n < 2 * c.analysis.block_size) {
    throw InputError(deck.analysis.where("block"),
                     "analysis.block: blocks of " + std::to_string(c.analysis.block_size) +
                         " need at least " + std::to_string(2 * c.analysis.block_size) +
                         " trainings, and the first design has " + std::to_string(n));
  }
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
    c.data_summary = data_summary(data);
  }
  return c;
}

std::string data_summary(const train::DataSet& d) {
  std::string shape;
  for (auto k : d.input_shape)
    shape += (shape.empty() ? "" : " x ") + std::to_string(k);
  std::string s = std::to_string(d.train.rows) + " training, " + std::to_string(d.validation.rows) +
                  " validation, " + std::to_string(d.test.rows) + " test rows; inputs " + shape +
                  "; ";
  if (d.classification) {
    std::vector<int> count(static_cast<std::size_t>(std::max(d.outputs, 1)), 0);
    for (auto l : d.train.label) {
      if (l >= 0 && l < d.outputs) ++count[static_cast<std::size_t>(l)];
    }
    const auto [least, most] = std::minmax_element(count.begin(), count.end());
    s += std::to_string(d.outputs) + " classes (" + std::to_string(*least) + " to " +
         std::to_string(*most) + " training rows each)";
    if (!d.class_names.empty()) {
      // The numbering the study file records (class_names): a newcomer sees it before training.
      s += "\n  class names, numbered in sorted order: ";
      const std::size_t shown = std::min<std::size_t>(d.class_names.size(), 10);
      for (std::size_t k = 0; k < shown; ++k)
        s += (k ? ", " : "") + std::to_string(k) + " = " + d.class_names[k];
      if (shown < d.class_names.size())
        s += ", ... (" + std::to_string(d.class_names.size() - shown) + " more)";
    }
  } else {
    s += std::to_string(d.outputs) + (d.outputs == 1 ? " output" : " outputs") + " (regression)";
  }
  for (const auto& f : d.sources)
    s += "\n  read " + f.path + " (" + std::to_string(f.bytes) + " bytes)";
  return s;
}

}  // namespace hsicho::study
