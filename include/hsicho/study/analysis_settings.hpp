// The HSIC engine's options from the deck's `analysis` block or from `hsicho analyze`'s command
// line: one validator per option, so that both accept exactly the same values.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::study {

// Sets option `key` (alpha, bandwidth, estimator, scaling, pvalues, interactions, global, block,
// seed) from its text. Throws std::invalid_argument saying what is expected; the caller says
// where (the deck's line, or the option's name).
void set_analysis_option(hsic::Options& o, const std::string& key, const std::string& text);

// Sets every option whose default the key table gives as a value an option takes (alpha,
// bootstrap, estimator, ...): the one place a default is written; a deck or the command line
// then overrides what it says. The engine's own defaults (hsic::Options) serve its library users.
void apply_analysis_defaults(hsic::Options& o);

// The bins of each discrete column of `names` (hyperparameters of `space`; unknown names and
// continuous ones get none), for hsic::Options::discrete.
std::vector<hsic::Discrete> discrete_columns(const space::Space& space,
                                             const std::vector<std::string>& names);
// The bins of one hyperparameter (none for a continuous one or one of too many levels).
hsic::Discrete discrete_of(const space::Hyperparameter& p);

// The deck's analysis block over the defaults of a study (conditional inputs, the study's seed).
// Throws InputError at the offending key's line.
hsic::Options read_analysis(const space::Deck& deck);

}  // namespace hsicho::study
