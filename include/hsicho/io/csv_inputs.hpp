// The inputs of `hsicho analyze FILE.csv`: a CSV table turned into the matrix the HSIC engine
// reads. Kept apart from the command so that the fuzzer and the tests reach the same code.
#pragma once

#include <cstdint>
#include <optional>
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
  // What typed each input column: its hyperparameter of --space, or a category of the texts
  // a column holds; none for a column of plain numbers.
  std::vector<std::optional<space::Hyperparameter>> types;
};

// Which columns are inputs: `inputs` when given (only those), else every column but the target
// and `ignore`; in Optuna's export (trials_dataframe: number, value(s), params_*) only its
// params_ columns. A NaN target (a diverged trial from another tool) is the worst value, like
// inf, unless `refuse_nan`.
struct CsvColumns {
  std::vector<std::string> ignore, inputs;
  bool refuse_nan = false;
};

// Without a space, cells must be finite numbers, or a column's cells all words (categories: at
// most 32 distinct, each seen twice on average; more is a label, left out); with one, each input
// column must be a hyperparameter of it (params_NAME is NAME; fixed ones are left out) and
// cells are read as its typed values. Typed values are mapped to the unit scale (seeded jitter
// inside discrete bins, as in a study). A numeric column named like an outcome (error, loss,
// accuracy, time, parameters, user_attrs_...) analysed as an input is warned about. Throws
// InputError naming file, line and column for every bad cell, and every unknown column at once.
// A CSV of Optuna's trials_dataframe(): columns number, value (or values_0, ...) and params_*.
bool is_optuna_export(const CsvTable& table);

CsvInputs csv_inputs(const CsvTable& table, const std::string& target, const CsvColumns& columns,
                     const space::Space* space, const std::string& space_file, std::uint64_t seed);

}  // namespace hsicho::io
