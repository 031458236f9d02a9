#include "reference.hpp"

#include "hsicho/random.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hsicho::test {

std::map<std::string, std::vector<double>> read_reference(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::map<std::string, std::vector<double>> ref;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    s >> key;
    double v;
    while (s >> v)
      ref[key].push_back(v);
  }
  return ref;
}

Eigen::MatrixXd read_numeric_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ','))
      row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  Eigen::MatrixXd m(rows.size(), rows.empty() ? 0 : rows[0].size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      m(i, j) = rows[i][j];
  }
  return m;
}

void authors_interaction_example(int n, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  Rng rng(31);
  x.resize(n, 4);
  y.resize(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < 4; ++c)
      x(i, c) = rng.uniform();
    const bool one = (x(i, 1) > 0.5) != (x(i, 2) > 0.5);
    y[i] = (1 - x(i, 0)) + (one ? 0.0 : 1.0) + 0.05 * rng.uniform();
  }
}

}  // namespace hsicho::test
