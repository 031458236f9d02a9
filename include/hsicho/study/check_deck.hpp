// Everything `hsicho validate` checks before a study trains anything: the trainer's keys and
// values, the optimizer's and the analysis' settings, every point of the first design (each must
// be a configuration the trainer accepts), and the data files. One function, so that validate,
// the tests and the fuzzer check the same things.
#pragma once

#include <cstddef>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/stage.hpp"

namespace hsicho::study {

struct DeckCheck {
  OptimizeSettings optimize;
  hsic::Options analysis;
};

// Throws InputError naming the deck, line and column (or the design point) of the first problem.
// `max_samples` > 0 checks a smaller first design (for the fuzzer, whose inputs must stay fast).
DeckCheck check_deck(const space::Deck& deck, bool read_data, std::size_t max_samples = 0);

}  // namespace hsicho::study
