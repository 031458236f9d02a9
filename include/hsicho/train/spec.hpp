// What to train, as plain values: the deck's data, model and training blocks with the values of
// one configuration laid over them. A hyperparameter of the space sets the key of the same name
// (units_K and filters_K set layer or block K alone). No LibTorch here: this file is read by
// every layer that needs to check or describe a training.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsicho/space/deck.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/train/choices.hpp"

namespace hsicho::train {

// The defaults are the key table's (space/keys.cpp), the one place they are written; those that
// depend on the data set (sizes) are set by resolve().
template <class T>
T dflt(const char* block, const char* key) {
  return space::key_default<T>(block, key);
}
template <class E>
E dflt_choice(const char* block, const char* key) {
  return parse_choice<E>(space::key_default<std::string>(block, key));
}

struct DataSpec {
  std::string name;                    // runge | bateman | mnist | fashion_mnist | cifar10 | table
  std::string path;                    // folder of the image files; table: the data file
  int dim = dflt<int>("data", "dim");  // runge: input dimension
  int train = 512, validation = 256, test = 1024;  // sizes (generated sets; subsets of images)
  double noise = dflt<double>("data", "noise");    // runge: Gaussian noise on the training targets
  int species = dflt<int>("data", "species");      // bateman: chain length K
  std::vector<double> decay;  // bateman: decay constants l_1..l_K (default 1, 0.5, 0.25, ...)
  double t_max = dflt<double>("data", "t_max");  // bateman: times sampled in [0, t_max]
  std::vector<double> initial = {0.0, 1.0};      // bateman: each N_k(0) uniform in this range
  bool log_outputs = dflt<bool>("data", "log_outputs");  // bateman: learn log(N(t) + 1e-8)
  bool standardize = dflt<bool>("data", "standardize");  // built-in sets: on the train set
  // table: the user's own data (train/data_table.cpp, docs/deck.md "Your own data").
  std::vector<std::string> x, y;  // CSV columns, an HDF5 data set, an NPZ array, or .npy files
  std::string task = dflt<std::string>("data", "task");  // regression | classification
  int classes = 0;  // classification: 0 = the largest label + 1
  // Each of validation and test: a fraction of the rows (< 1), a number of rows, or a file.
  std::string split_validation = dflt<std::string>("data", "split.validation");
  std::string split_test = dflt<std::string>("data", "split.test");
  std::uint64_t split_seed = static_cast<std::uint64_t>(dflt<std::int64_t>("data", "split.seed"));
  std::string scale = dflt<std::string>("data", "scale");  // standard | minmax | none
  Metric metric = dflt_choice<Metric>("data", "metric");   // regression error
};

struct ModelSpec {
  ModelType type = dflt_choice<ModelType>("model", "type");
  int layers = dflt<int>("model", "layers");  // mlp: hidden layers; cnn: convolution blocks
  std::vector<int> units;                     // mlp: width per hidden layer
  Activation activation = dflt_choice<Activation>("model", "activation");
  double dropout = dflt<double>("model", "dropout");
  bool batch_norm = dflt<bool>("model", "batch_norm");
  Init init = dflt_choice<Init>("model", "init");
  std::vector<int> filters;  // cnn: filters per block
  int kernel_size = dflt<int>("model", "kernel_size");
  Pooling pooling = dflt_choice<Pooling>("model", "pooling");
  std::vector<int> head_units = {dflt<int>("model", "head_units")};
  bool residual = dflt<bool>("model", "residual");
};

struct OptimSpec {
  Optimizer optimizer = dflt_choice<Optimizer>("training", "optimizer");
  double lr = dflt<double>("training", "lr");
  double momentum = dflt<double>("training", "momentum");
  double weight_decay = dflt<double>("training", "weight_decay");
  bool nesterov = dflt<bool>("training", "nesterov");
  int batch_size = dflt<int>("training", "batch_size");
  int epochs = dflt<int>("training", "epochs");
  Schedule schedule = dflt_choice<Schedule>("training", "schedule");
  int step_size = dflt<int>("training", "step_size");
  double gamma = dflt<double>("training", "gamma");
  double clip = dflt<double>("training", "clip");    // max gradient norm; 0: none
  int patience = dflt<int>("training", "patience");  // early stopping on the validation error
  Loss loss = Loss::Mse;  // the default by data set: cross_entropy for classification
  std::string device = dflt<std::string>("training", "device");  // cpu | cuda | auto
  int threads = 0;  // LibTorch threads per rank; 0: auto (threads_per_rank)
};

// The learning rate of `epoch` (0-based) under the optimizer's schedule.
double scheduled_lr(const OptimSpec& o, int epoch);

// The threads a rank trains with: `configured` when positive, else (auto) SLURM_CPUS_PER_TASK
// when Slurm sets it (the one place a batch script says it), else 1 (ranks on a workstation
// share its cores); auto never exceeds the CPUs this process may use over the ranks of its node.
int threads_per_rank(int configured);

// The threads one network trains with: `configured` when positive; auto gives an MLP under
// kMlpThreadsFrom parameters one thread (measured: 2 threads were 1.2-6.3x slower than 1 for MLPs
// of 321 to 1 052 673 parameters, bench/results/threads_by_width.txt), else threads_per_rank.
inline constexpr std::int64_t kMlpThreadsFrom = 2000000;
int threads_for_network(int configured, ModelType type, std::int64_t parameters);

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
