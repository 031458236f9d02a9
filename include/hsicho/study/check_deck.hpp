// Everything `hsicho validate` checks before a study trains anything: the trainer's keys and
// values, the optimizer's and the analysis' settings, every point of the first design (each must
// be a configuration the trainer accepts), and the data files. One function, so that validate,
// the tests and the fuzzer check the same things.
#pragma once

#include <cstddef>
#include <string>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::study {

struct DeckCheck {
  OptimizeSettings optimize;
  hsic::Options analysis;
  std::string data_summary;  // what was read: rows per split, inputs, outputs or classes, files
};

// Throws InputError naming the deck, line and column (or the design point) of the first problem.
// `max_samples` > 0 checks a smaller first design (for the fuzzer, whose inputs must stay fast).
DeckCheck check_deck(const space::Deck& deck, bool read_data, std::size_t max_samples = 0);

// One line per split and shape, then the files read: what `hsicho validate` says of the data.
std::string data_summary(const train::DataSet& data);

}  // namespace hsicho::study
