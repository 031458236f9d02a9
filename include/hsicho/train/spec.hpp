// What to train, as plain values: the deck's data, model and training blocks with the values of
// one configuration laid over them. A hyperparameter of the space sets the key of the same name
// (units_K and filters_K set layer or block K alone). No LibTorch here: this file is read by
// every layer that needs to check or describe a training.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsicho/space/deck.hpp"
#include "hsicho/train/choices.hpp"

namespace hsicho::train {

struct DataSpec {
  std::string name;  // runge | bateman | mnist | fashion_mnist | cifar10 | table
  std::string path;  // folder of the image files; table: the data file
  int dim = 1;       // runge: input dimension
  int train = 512, validation = 256, test = 1024;  // sizes (generated sets; subsets of images)
  double noise = 0;                                // runge: Gaussian noise on the training targets
  int species = 3;                                 // bateman: chain length K
  std::vector<double> decay;  // bateman: decay constants l_1..l_K (default 1, 0.5, 0.25, ...)
  double t_max = 5;           // bateman: times sampled in [0, t_max]
  std::vector<double> initial = {0.0, 1.0};  // bateman: each N_k(0) uniform in this range
  bool log_outputs = false;                  // bateman: learn log(N(t) + 1e-8)
  bool standardize = true;  // built-in sets: standardize the inputs on the train set
  // table: the user's own data (train/data_table.cpp, docs/deck.md "Your own data").
  std::vector<std::string> x, y;    // CSV columns, an HDF5 data set, an NPZ array, or .npy files
  std::string task = "regression";  // regression | classification
  int classes = 0;                  // classification: 0 = the largest label + 1
  // Each of validation and test: a fraction of the rows (< 1), a number of rows, or a file.
  std::string split_validation = "0.15", split_test = "0.15";
  std::uint64_t split_seed = 1;    // which rows go where
  std::string scale = "standard";  // inputs and regression outputs: standard | minmax | none
  Metric metric = Metric::Mse;     // regression error
};

struct ModelSpec {
  ModelType type = ModelType::Mlp;
  int layers = 2;          // mlp: hidden layers; cnn: convolution blocks
  std::vector<int> units;  // mlp: width per hidden layer
  Activation activation = Activation::Relu;
  double dropout = 0;
  bool batch_norm = false;
  Init init = Init::Default;
  std::vector<int> filters;  // cnn: filters per block
  int kernel_size = 3;
  Pooling pooling = Pooling::Max;
  std::vector<int> head_units = {64};
  bool residual = false;
};

struct OptimSpec {
  Optimizer optimizer = Optimizer::Adam;
  double lr = 1e-3, momentum = 0, weight_decay = 0;
  bool nesterov = false;
  int batch_size = 32, epochs = 20;
  Schedule schedule = Schedule::Constant;
  int step_size = 10;
  double gamma = 0.1;
  double clip = 0;             // max gradient norm; 0: none
  int patience = 0;            // early stopping on the validation error; 0: none
  Loss loss = Loss::Mse;       // the default by data set: cross_entropy for classification
  std::string device = "cpu";  // cpu | cuda | auto
  int threads = 0;             // LibTorch threads per rank; 0: auto (threads_per_rank)
};

// The learning rate of `epoch` (0-based) under the optimizer's schedule.
double scheduled_lr(const OptimSpec& o, int epoch);

// The threads a rank trains with: `configured` when positive, else (auto) SLURM_CPUS_PER_TASK
// when Slurm sets it (the one place a batch script says it), else 1 (ranks on a workstation
// share its cores).
int threads_per_rank(int configured);

struct TrainSpec {
  DataSpec data;
  ModelSpec model;
  OptimSpec optim;
  std::uint64_t seed = 1;       // of this training (initialization, batches, dropout)
  std::uint64_t data_seed = 1;  // of the generated data sets (the same for every configuration)
};

// Lays `config` over the deck's blocks. Throws InputError naming the deck position (or the
// hyperparameter) for a wrong type, an unknown choice, or a space name that sets nothing.
TrainSpec resolve(const space::Deck& deck, const space::Config& config, std::uint64_t seed);

// resolve() for point `index` of a design: an error names the point and its values, and says
// to restrict the space (a combination of values the trainer refuses, such as nesterov with adam).
TrainSpec resolve_point(const space::Deck& deck, const space::Config& config, std::uint64_t seed,
                        std::size_t index);

// The configuration given by --set name=value (others from defaults: the hyperparameter's
// `default`, else the middle of its domain). Unknown names and values outside the space:
// InputError.
space::Config config_from_settings(const space::Space& space,
                                   const std::vector<std::string>& settings);

// The data set of `spec` (train::load_dataset), a missing or damaged file reported at the deck's
// data.path (or data.name) line.
struct DataSet;
DataSet load_deck_data(const space::Deck& deck, const DataSpec& spec);

// Checks that the model can take the data set (a CNN needs images), at the deck's model.type.
void check_fits(const space::Deck& deck, const TrainSpec& spec, const DataSet& data);

// Checks that every hyperparameter of the space sets a key the trainer knows (for validate).
void check_space_keys(const space::Deck& deck);

}  // namespace hsicho::train
