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

}  // namespace hsicho::test
