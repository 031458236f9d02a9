// hsicho eval: one configuration of a deck (--set name=value, the others at their defaults),
// trained once on this process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/record.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::study {

struct Evaluation {
  space::Deck deck;
  space::Config config;
  train::TrainSpec spec;
  Record record;       // filled by evaluate()
  std::string metric;  // mse | error_rate
};

// Reads and checks everything (InputError as validate would say it), trains nothing: every rank
// of an MPI launch agrees on the same errors. `seed`: the training seed (default study.seed).
Evaluation prepare_evaluation(const std::string& deck_path,
                              const std::vector<std::string>& settings,
                              const std::optional<std::string>& seed);

// Trains it (rank 0's part).
void evaluate(Evaluation& e);

}  // namespace hsicho::study
