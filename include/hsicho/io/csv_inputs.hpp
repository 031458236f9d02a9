// The inputs of `hsicho analyze FILE.csv`: a CSV table turned into the matrix the HSIC engine
// reads. Kept apart from the command so that the fuzzer and the tests reach the same code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hsicho/io/csv.hpp"
#include "hsicho/space/space.hpp"

namespace hsicho::io {

struct CsvInputs {
  std::vector<std::string> names;     // the input columns, in file order
  Eigen::MatrixXd x;                  // n x d; NaN where a cell is empty (an inactive child)
  Eigen::VectorXd y;                  // the target column
  std::size_t nan_targets = 0;        // NaN targets counted as the worst (+inf)
  std::size_t empty_targets = 0;      // empty targets (failed trials), the worst too
  std::vector<std::string> warnings;  // index-like columns, unnamed columns left out
};

// Which columns are inputs: `inputs` when given (only those), else every column but the target
// and `ignore`. A NaN target (a diverged trial from another tool) is the worst value, like inf,
// unless `refuse_nan`.
struct CsvColumns {
  std::vector<std::string> ignore, inputs;
  bool refuse_nan = false;
};

// Without a space, cells must be finite numbers; with one, each input column must be a
// hyperparameter of it (fixed ones are left out) and cells are read as its typed values and
// mapped to the unit scale (seeded jitter inside discrete bins, as in a study). Throws
// InputError naming file, line and column for every bad cell, and every unknown column at once.
CsvInputs csv_inputs(const CsvTable& table, const std::string& target, const CsvColumns& columns,
                     const space::Space* space, const std::string& space_file, std::uint64_t seed);

}  // namespace hsicho::io
