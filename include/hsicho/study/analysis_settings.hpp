// The deck's `analysis` block as the HSIC engine's options (alpha, bandwidth, estimator,
// p-values, interactions). Read by `hsicho validate` and by `hsicho run` before any training.
#pragma once

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::study {

// Throws InputError at the offending key's line for a bad value.
hsic::Options read_analysis(const space::Deck& deck);

}  // namespace hsicho::study
