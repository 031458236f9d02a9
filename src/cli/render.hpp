// How analyses are shown, in one place for run, analyze and report: the ranking table, the
// strongest pairs, and the one JSON shape of an analysis.
#pragma once

#include <string>
#include <vector>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/analysis_json.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/study_file.hpp"

namespace hsicho::cli {

// The ranking's order and rule (io/analysis_json.hpp): what every command prints in that order.
using io::ranking;
using io::ranking_rule;

// A number for people: '-' for NaN, inf for infinities, else `spec` (fmt syntax, e.g. {:.3e}).
std::string num(double v, const char* spec = "{:.4g}");

// HH:MM:SS; "?" when unknown (negative or not finite).
std::string clock_text(double seconds);

// Left-aligned columns, two spaces apart, each line after `indent`, trailing blanks trimmed.
std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::string& indent = "");

// rank, hyperparameter, evidence, its p-value with a star when significant, HSIC, share, the
// top-k share, notes (where a conditional input exists, an interaction that carries the
// evidence); `detailed` adds the index's p-value, stderr, R2, interval and bandwidth. Ends with
// what the ranking is by and the footnotes.
std::string ranking_table(const hsic::Analysis& an, bool detailed, const std::string& indent);

struct Pair {
  double hsic;  // what the pair adds beyond its main effects (HSIC-ANOVA), else the joint index
  std::size_t a, b;
  double pvalue;  // of the HSIC-ANOVA term; NaN without it
  double joint;   // the pair's joint index
};
// The `most` pairs of two different inputs that add the most beyond their main effects
// (HSIC-ANOVA second-order terms; the joint indices where those were not computed).
std::vector<Pair> strongest_pairs(const hsic::Analysis& an, std::size_t most);

// Those pairs as lines of text (a heading, then one line per pair), for run, analyze and report.
std::string pairs_text(const hsic::Analysis& an, std::size_t most, const std::string& indent);

}  // namespace hsicho::cli
