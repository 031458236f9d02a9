// Fuzz target: the CSV path of `hsicho analyze`: the reader, the typed conversion (with a space)
// and the HSIC analysis of what was read. The first byte picks the options. Bad input may only be
// refused with an InputError (file and line) or, from the engine, std::invalid_argument (which
// the command reports as the user's). An analysis that succeeds must give, for every column
// without missing values, a finite index (for the V statistic: >= 0, R2 in [0, 1] or NaN) and a
// p-value in [0, 1] or NaN (not available with n <= 5 or a degenerate null variance; documented).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/csv_inputs.hpp"
#include "hsicho/space/deck.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_csv: %s\n", what.c_str());
  std::abort();
}

// One hyperparameter of each type, a conditional one among them, for --space.
const char* kSpaceDeck = R"(study: {name: fuzz}
data: {name: runge}
space:
  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}
  - {name: layers, type: integer, range: [1, 3]}
  - {name: units_1, type: integer, range: [4, 64], log: true}
  - {name: units_3, type: integer, range: [4, 64], when: "layers >= 3"}
  - {name: activation, type: categorical, values: [relu, tanh]}
  - {name: batch_norm, type: boolean}
  - {name: dropout, type: continuous, range: [0, 0.5]}
  - {name: epochs, type: fixed, value: 3}
)";

const hsicho::space::Space& typed_space() {
  static const auto deck = hsicho::space::parse_deck(kSpaceDeck, "space.yaml");
  return deck.space;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hsicho;
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  io::CsvInputs in;
  try {
    const auto table = io::parse_csv(text, "fuzz.csv");
    if (table.header.empty()) fail("a table without a header was accepted");
    in = io::csv_inputs(table, table.header.back(), io::CsvColumns{},
                        (mode & 1) ? &typed_space() : nullptr, "space.yaml", mode >> 4);
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind("fuzz.csv", 0) != 0 && what.rfind("'fuzz.csv'", 0) != 0)
      fail(std::string("a CSV error that does not start with the file: ") + e.what());
    return 0;
  }
  if (in.x.rows() > 256) return 0;  // the engine's cost is not what is fuzzed here
  hsic::Options o;
  o.interactions = mode & 2;
  o.estimator = (mode & 4) ? hsic::Estimator::U : hsic::Estimator::V;
  o.pvalues = (mode & 4) ? hsic::PValueMethod::None : hsic::PValueMethod::Gamma;
  o.conditional = mode & 8;
  o.alpha = (mode & 16) ? 0.5 : 0.1;
  hsic::Analysis an;
  try {
    an = hsic::analyze(in.x, in.y, in.names, o);
  } catch (const std::invalid_argument&) {
    return 0;  // bad data, reported to the user as such
  }
  for (Eigen::Index c = 0; c < in.x.cols(); ++c) {
    if (in.x.col(c).hasNaN()) continue;  // a conditional column: its own sub-sample
    const auto& r = an.inputs[static_cast<std::size_t>(c)];
    const bool v_statistic = o.estimator == hsic::Estimator::V;  // >= 0; U may be negative
    // R2 = HSIC(X, Z) / sqrt(HSIC(X, X) HSIC(Z, Z)) is NaN where HSIC(X, X) is not positive (a
    // constant input, or one constant at its bandwidth up to rounding; documented), and carries
    // the rounding of the sums it comes from: 1 + 4e-8 was seen for three rows spread over 0.016
    // with a bandwidth of 1 (kernel values 1 - 1e-4: cancellation). Cauchy-Schwarz bounds it by
    // 1 up to that.
    if (!std::isfinite(r.hsic) || (v_statistic && r.hsic < -1e-9) ||
        (v_statistic && !std::isnan(r.r2) && !(r.r2 > -1e-6 && r.r2 < 1 + 1e-6)) ||
        (o.pvalues == hsic::PValueMethod::Gamma &&
         !(std::isnan(r.pvalue) || (r.pvalue >= 0 && r.pvalue <= 1)))) {
      fail("input '" + r.name + "': hsic " + std::to_string(r.hsic) + ", r2 " +
           std::to_string(r.r2) + ", p " + std::to_string(r.pvalue));
    }
  }
  return 0;
}
