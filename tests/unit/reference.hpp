// Reading the committed reference files of tests/reference (made by the scripts beside them).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace hsicho::test {

// "key v1 v2 ..." lines -> key -> values.
std::map<std::string, std::vector<double>> read_reference(const std::string& path);
// A numeric CSV with a header line -> n x columns matrix.
Eigen::MatrixXd read_numeric_csv(const std::string& path);

// The authors' interaction example (PAPER.md): Y depends on X1 and on "exactly one of X2 > 1,
// X3 > 1"; X4 is a dummy. Inputs uniform on [0, 2], normalized to [0, 1]; n rows from seed 31.
void authors_interaction_example(int n, Eigen::MatrixXd& x, Eigen::VectorXd& y);

}  // namespace hsicho::test
