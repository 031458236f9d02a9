// Data sets as plain arrays (no LibTorch): the generated regression problems of the paper
// (Runge function, Bateman equations) and the image sets read from their official files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hsicho/io/array_file.hpp"
#include "hsicho/train/spec.hpp"

namespace hsicho::train {

struct Split {
  int rows = 0;
  std::vector<float> x;             // rows x prod(input_shape), row-major
  std::vector<float> y;             // regression: rows x outputs
  std::vector<std::int64_t> label;  // classification
};

struct DataSet {
  std::vector<int> input_shape;  // {features} or {channels, height, width}
  int outputs = 1;               // regression outputs, or classes
  bool classification = false;
  Split train, validation, test;
  // Regression targets are trained scaled (y - offset) / scale; errors are computed back in the
  // data's own units. Empty: the targets are not scaled.
  std::vector<float> y_offset, y_scale;
  std::vector<io::FileStamp> sources;  // the user's files read (table data)
  // Classification labels written as names: the name of class k (sorted); empty for numbers.
  std::vector<std::string> class_names;
};

// The values one sample feeds the network: the product of input_shape.
inline long input_features(const DataSet& d) {
  long n = 1;
  for (int v : d.input_shape)
    n *= v;
  return n;
}

// The user's own data (data.name: table): x and y from CSV, HDF5, .npy or .npz files, split and
// scaled as the spec says. Every problem with a file is an InputError naming it.
DataSet table_dataset(const DataSpec& spec);
// Whether split.validation or split.test names a file (else a fraction or a number of rows).
bool split_is_file(const std::string& text);

// Inputs scaled by the training part's statistics, per feature (per channel for images):
// standard (mean 0, deviation 1), minmax (to [0, 1]) or none. Regression targets likewise, with
// the offsets and scales kept in the data set.
void scale_inputs(DataSet& d, const std::string& mode);
void scale_outputs(DataSet& d, const std::string& mode);

// Throws InputError for missing or malformed files (naming the file and what is wrong).
DataSet load_dataset(const DataSpec& spec, std::uint64_t seed);

// The Runge function 1 / (1 + 25 |x|^2).
double runge(const double* x, int dim);

// Bateman equations of a linear chain: dN_1/dt = -l_1 N_1, dN_k/dt = l_{k-1} N_{k-1} - l_k N_k.
Eigen::MatrixXd bateman_matrix(const std::vector<double>& decay);
// N(t) = exp(A t) N(0), by Eigen's matrix exponential.
Eigen::VectorXd bateman_expm(const std::vector<double>& decay, const Eigen::VectorXd& n0, double t);
// The closed-form Bateman solution (distinct decay constants).
Eigen::VectorXd bateman_closed_form(const std::vector<double>& decay, const Eigen::VectorXd& n0,
                                    double t);

// IDX files (MNIST layout), raw or gzipped: images as bytes, and labels.
struct Idx {
  std::vector<int> dims;
  std::vector<std::uint8_t> data;
};
Idx read_idx(const std::string& path, int expected_dims);

}  // namespace hsicho::train
