// The one JSON shape of an analysis (hsicho analyze --json, report --json, the Python engine)
// and the ranking order it carries: below the command line, so that every consumer shares it.
#pragma once

#include <string>
#include <vector>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/json.hpp"

namespace hsicho::io {

// Input positions in the order of the engine's ranking (InputResult::rank); a file written
// before the ranking existed: by index, conditional inputs after the others.
std::vector<std::size_t> ranking(const hsic::Analysis& an);

// What the ranking is by, in one line (printed under every ranking).
std::string ranking_rule(const hsic::Analysis& an);

// {n, alpha, threshold, m, ranked_by, ranking, bootstrap, top_k, inputs: [every field of
// hsic::InputResult, significant] in input order, interactions: {names, hsic[, anova,
// anova_pvalue]} when computed}.
io::Json analysis_json(const hsic::Analysis& an);

}  // namespace hsicho::io
