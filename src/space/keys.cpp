#include "hsicho/space/keys.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "hsicho/space/scalar.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::space {
namespace {

// A row of the table, built by chained setters.
struct Row {
  KeySpec k;
  Row(const char* block, const char* name, KeyKind kind) {
    k.block = block;
    k.name = name;
    k.kind = kind;
  }
  Row& range(double lo, double hi) {
    k.lo = lo, k.hi = hi;
    return *this;
  }
  Row& open(bool lo, bool hi) {
    k.lo_open = lo, k.hi_open = hi;
    return *this;
  }
  Row& choices(std::vector<std::string> c) {
    k.choices = std::move(c);
    return *this;
  }
  Row& def(const char* d) {
    k.fallback = d;
    return *this;
  }
  Row& unit(const char* u) {
    k.unit = u;
    return *this;
  }
  Row& expect(const char* e) {
    k.expected = e;
    return *this;
  }
  Row& applies(const char* selector, std::vector<std::string> values) {
    k.selector = selector, k.applies = std::move(values);
    return *this;
  }
  Row& help(const char* h) {
    k.help = h;
    return *this;
  }
  Row& ex(const char* e) {
    k.example = e;
    return *this;
  }
};

using K = KeyKind;
constexpr double kInf = std::numeric_limits<double>::infinity();
// The most of anything counted (rows, trainings, units): the same limit everywhere.
constexpr double kMaxCount = 1e9;

const std::vector<std::string> kDatasets = {"runge",         "bateman", "mnist",
                                            "fashion_mnist", "cifar10", "table"};
const std::vector<std::string> kBuiltin = {"runge", "bateman", "mnist", "fashion_mnist", "cifar10"};

std::vector<KeySpec> build() {
  std::vector<Row> rows = {
      // study
      Row("study", "name", K::Text)
          .def("the deck's file name")
          .ex("case_a")
          .help("the study's name (the default study file is NAME.h5)"),
      Row("study", "seed", K::Whole)
          .range(0, kInf)
          .def("1")
          .ex("7")
          .help("seed of the design, the training seeds and the analysis"),
      Row("study", "output", K::Path).def("NAME.h5").ex("out.h5").help("the study file"),
      Row("study", "description", K::Text)
          .ex("why this study")
          .help("what the study is for, in words (kept in the study file)"),
      Row("study", "scheduling", K::Choice)
          .choices({"static", "dynamic"})
          .def("dynamic")
          .ex("static")
          .help("trainings shared out as ranks free up, or in fixed slices"),
      Row("study", "order", K::Choice)
          .choices({"index", "longest_first"})
          .def("longest_first")
          .ex("index")
          .help("the order of dynamic scheduling: expected cost, or design order"),
      Row("study", "progress", K::Number)
          .range(0, kInf)
          .unit("s")
          .def("0")
          .ex("30")
          .help("at most one progress line every this many seconds (0: one per training)"),
      Row("study", "fuse", K::Whole)
          .range(1, 1024)
          .def("16")
          .ex("1")
          .help("small MLPs trained together, at most this many per computation (1: one at a "
                "time)"),
      // design
      Row("design", "method", K::Choice)
          .choices({"lhs", "random"})
          .def("lhs")
          .ex("random")
          .help("Latin hypercube or uniform random sampling"),
      Row("design", "samples", K::Whole)
          .range(2, 1e6)
          .unit("trainings")
          .def("32")
          .ex("8")
          .help("configurations of the design (raise it to extend a study)"),
      Row("design", "criterion", K::Choice)
          .choices({"none", "maximin", "discrepancy"})
          .def("discrepancy")
          .ex("maximin")
          .help("what the space-filling search improves"),
      Row("design", "iterations", K::Whole)
          .range(0, 1e8)
          .def("0")
          .ex("100")
          .expect("from 0 (automatic) to 100000000")
          .help("swaps tried by the space-filling search"),
      Row("design", "add", K::Special)
          .ex("[{lr: 0.01}]")
          .expect("a list of configurations, each a map of hyperparameter values by name")
          .help("configurations to train besides the design's, left out of the indices"),
      // data
      Row("data", "name", K::Choice).choices(kDatasets).ex("runge").help("the data set"),
      Row("data", "path", K::Path)
          .applies("name", {"mnist", "fashion_mnist", "cifar10", "table"})
          .ex("data/file.csv")
          .help("the data file (table) or folder (images)"),
      Row("data", "dim", K::Whole)
          .range(1, kMaxCount)
          .applies("name", {"runge"})
          .def("1")
          .ex("2")
          .help("input dimension of the Runge function"),
      Row("data", "train", K::Whole)
          .range(0, kMaxCount)
          .applies("name", kBuiltin)
          .unit("rows")
          .def("512 (images: all)")
          .ex("64")
          .help("training rows (generated sets; image subsets)"),
      Row("data", "validation", K::Whole)
          .range(1, kMaxCount)
          .applies("name", kBuiltin)
          .unit("rows")
          .def("256 (images: 5000)")
          .ex("32")
          .help("validation rows"),
      Row("data", "test", K::Whole)
          .range(0, kMaxCount)
          .applies("name", kBuiltin)
          .unit("rows")
          .def("1024 (images: all)")
          .ex("32")
          .help("test rows"),
      Row("data", "noise", K::Number)
          .range(0, 3.4e38)
          .applies("name", {"runge"})
          .def("0")
          .ex("0.01")
          .help("Gaussian noise on the training targets"),
      Row("data", "species", K::Whole)
          .range(1, 200)
          .applies("name", {"bateman"})
          .def("3")
          .ex("3")
          .expect("a whole number from 1 to 200 (each row costs a matrix exponential of that "
                  "size, species^3)")
          .help("length of the decay chain"),
      Row("data", "decay", K::Numbers)
          .range(1e-12, 3.4e38)
          .applies("name", {"bateman"})
          .def("1, 0.5, 0.25, ...")
          .ex("[1, 0.5, 0.25]")
          .help("decay constants, one per species"),
      Row("data", "t_max", K::Number)
          .range(1e-12, 3.4e38)
          .applies("name", {"bateman"})
          .def("5")
          .ex("4")
          .help("times are sampled in [0, t_max]"),
      Row("data", "initial", K::Numbers)
          .range(0, 3.4e38)
          .applies("name", {"bateman"})
          .def("[0, 1]")
          .ex("[0, 2]")
          .help("each initial amount is uniform in this range"),
      Row("data", "log_outputs", K::Boolean)
          .applies("name", {"bateman"})
          .def("false")
          .ex("true")
          .help("learn log(N(t) + 1e-8)"),
      Row("data", "standardize", K::Boolean)
          .applies("name", kBuiltin)
          .def("true")
          .ex("false")
          .help("standardize the inputs on the training rows"),
      Row("data", "x", K::Names)
          .applies("name", {"table"})
          .ex("[a, b]")
          .help("the inputs: CSV columns, an HDF5 data set, an .npz array or an .npy file"),
      Row("data", "y", K::Names).applies("name", {"table"}).ex("c").help("the targets, likewise"),
      Row("data", "task", K::Choice)
          .choices({"regression", "classification"})
          .applies("name", {"table"})
          .def("regression")
          .ex("regression")
          .help("what y holds"),
      Row("data", "classes", K::Whole)
          .range(2, 1e6)
          .applies("name", {"table"})
          .def("the largest label + 1")
          .ex("3")
          .help("classification: the number of classes"),
      Row("data", "split", K::Map)
          .applies("name", {"table"})
          .ex("{seed: 2}")
          .help("validation, test (fractions, rows or files) and seed of the split"),
      Row("data", "split.validation", K::Special)
          .applies("name", {"table"})
          .def("0.15")
          .ex("0.2")
          .expect("a fraction of the rows in (0, 1), a number of rows, or a file")
          .help("the validation rows"),
      Row("data", "split.test", K::Special)
          .applies("name", {"table"})
          .def("0.15")
          .ex("0.2")
          .expect("a fraction of the rows in (0, 1), a number of rows, or a file")
          .help("the test rows"),
      Row("data", "split.seed", K::Whole)
          .range(0, kInf)
          .applies("name", {"table"})
          .def("1")
          .ex("3")
          .help("which rows go where"),
      Row("data", "scale", K::Choice)
          .choices({"standard", "minmax", "none"})
          .applies("name", {"table"})
          .def("standard")
          .ex("minmax")
          .help("scaling of inputs and targets"),
      Row("data", "metric", K::Choice)
          .choices({"mse", "mae", "relative_l2"})
          .applies("name", {"table"})
          .def("mse")
          .ex("mae")
          .help("the regression error"),
      // model
      Row("model", "type", K::Choice)
          .choices({"mlp", "cnn"})
          .def("mlp")
          .ex("mlp")
          .help("the network family"),
      Row("model", "layers", K::Whole)
          .range(0, 1e4)
          .def("2")
          .ex("3")
          .help("hidden layers (mlp) or convolution blocks (cnn)"),
      Row("model", "units", K::Wholes)
          .range(1, kMaxCount)
          .applies("type", {"mlp"})
          .def("32")
          .ex("[16, 8]")
          .help("width of each hidden layer (one value: all)"),
      Row("model", "activation", K::Choice)
          .choices({"relu", "tanh", "sigmoid", "elu", "gelu", "silu"})
          .def("relu")
          .ex("tanh")
          .help("the activation function"),
      Row("model", "dropout", K::Number)
          .range(0, 1)
          .open(false, true)
          .def("0")
          .ex("0.1")
          .expect("below 1 (the fraction of units dropped)")
          .help("dropout after each hidden layer"),
      Row("model", "batch_norm", K::Boolean).def("false").ex("true").help("batch normalization"),
      Row("model", "init", K::Choice)
          .choices({"default", "xavier", "kaiming"})
          .def("default")
          .ex("xavier")
          .help("weight initialization"),
      Row("model", "blocks", K::Whole)
          .range(1, 1e4)
          .applies("type", {"cnn"})
          .ex("2")
          .help("convolution blocks (the same as layers for a cnn)"),
      Row("model", "filters", K::Wholes)
          .range(1, kMaxCount)
          .applies("type", {"cnn"})
          .def("16")
          .ex("[8, 16]")
          .help("filters of each block"),
      Row("model", "kernel_size", K::Whole)
          .range(1, 1e4)
          .applies("type", {"cnn"})
          .def("3")
          .ex("5")
          .help("convolution kernel size"),
      Row("model", "pooling", K::Choice)
          .choices({"max", "avg", "none"})
          .applies("type", {"cnn"})
          .def("max")
          .ex("avg")
          .help("pooling after each block"),
      Row("model", "head_units", K::Wholes)
          .range(1, kMaxCount)
          .applies("type", {"cnn"})
          .def("64")
          .ex("[32]")
          .help("widths of the dense head"),
      Row("model", "residual", K::Boolean)
          .applies("type", {"cnn"})
          .def("false")
          .ex("true")
          .help("residual blocks"),
      // training
      Row("training", "optimizer", K::Choice)
          .choices({"sgd", "adam", "adamw", "rmsprop"})
          .def("adam")
          .ex("sgd")
          .help("the optimizer"),
      Row("training", "lr", K::Number)
          .range(0, 3.4e38)
          .def("0.001")
          .ex("0.01")
          .help("learning rate"),
      Row("training", "momentum", K::Number)
          .range(0, 1)
          .open(false, true)
          .applies("optimizer", {"sgd", "rmsprop"})
          .def("0")
          .ex("0.9")
          .expect("below 1 (1 or more never damps)")
          .help("momentum"),
      Row("training", "nesterov", K::Boolean)
          .applies("optimizer", {"sgd"})
          .def("false")
          .ex("false")
          .help("Nesterov momentum (sgd with momentum > 0)"),
      Row("training", "weight_decay", K::Number)
          .range(0, 3.4e38)
          .def("0")
          .ex("1e-4")
          .help("weight decay"),
      Row("training", "batch_size", K::Whole)
          .range(1, kMaxCount)
          .def("32")
          .ex("16")
          .help("rows per batch"),
      Row("training", "epochs", K::Whole)
          .range(1, kMaxCount)
          .def("20")
          .ex("5")
          .help("epochs of training"),
      Row("training", "schedule", K::Choice)
          .choices({"constant", "step", "cosine"})
          .def("constant")
          .ex("step")
          .help("learning-rate schedule"),
      Row("training", "step_size", K::Whole)
          .range(1, kMaxCount)
          .applies("schedule", {"step"})
          .def("10")
          .ex("5")
          .unit("epochs")
          .help("epochs between steps"),
      Row("training", "gamma", K::Number)
          .range(0, 3.4e38)
          .applies("schedule", {"step"})
          .def("0.1")
          .ex("0.5")
          .help("factor of each step"),
      Row("training", "clip", K::Number)
          .range(0, 3.4e38)
          .def("0")
          .ex("1")
          .help("largest gradient norm (0: no clipping)"),
      Row("training", "patience", K::Whole)
          .range(0, kMaxCount)
          .def("0")
          .ex("3")
          .unit("epochs")
          .help("stop when the validation error has not improved for this long (0: never)"),
      Row("training", "loss", K::Choice)
          .choices({"mse", "mae", "huber", "cross_entropy"})
          .def("mse, or cross_entropy for classes")
          .ex("mae")
          .help("the training loss"),
      Row("training", "device", K::Choice)
          .choices({"cpu", "cuda", "auto"})
          .def("cpu")
          .ex("cpu")
          .help("where each rank trains (cuda: one GPU per rank)"),
      Row("training", "threads", K::Special)
          .def("auto")
          .ex("2")
          .expect("auto, or a whole number >= 1")
          .help("LibTorch threads per rank (auto: 1 for an MLP under 2 M parameters, else "
                "SLURM_CPUS_PER_TASK within the node, else 1)"),
      Row("training", "command", K::Special)
          .ex("[/bin/echo, \"{params}\", \"{result}\"]")
          .help("your training program and its arguments (docs/driver.md)"),
      Row("training", "shell", K::Boolean)
          .def("false")
          .ex("false")
          .help("run the command as one line of /bin/sh"),
      Row("training", "workdir", K::Special)
          .def("STUDY.h5.runs/{id}")
          .ex("\"runs/{id}\"")
          .help("one folder per configuration, holding {id}; no '.' or '..'"),
      Row("training", "timeout", K::Duration)
          .def("none")
          .ex("30m")
          .help("longest training of one configuration"),
      Row("training", "retries", K::Whole)
          .range(0, 100)
          .def("0")
          .ex("1")
          .help("trainings that failed (not diverged) are trained again on resume, up to this many "
                "times each"),
      Row("training", "env", K::Map)
          .ex("{OMP_NUM_THREADS: \"1\"}")
          .help("environment variables of the command"),
      Row("training", "persistent", K::Boolean)
          .def("false")
          .ex("true")
          .help("start the command once per rank and send it configuration after configuration "
                "(hsicho.serve, docs/driver.md), instead of once per configuration"),
      Row("training", "checkpoint", K::Boolean)
          .def("false")
          .ex("true")
          .help("the command keeps the checkpoint contract (pause_after, checkpoint, "
                "continue_from in params.json, docs/driver.md), so that pruning.mode: halving can "
                "pause it at each rung and continue it later"),
      Row("training", "max_trainings_per_worker", K::Whole)
          .range(0, 1000000000)
          .def("0")
          .ex("100")
          .help("with persistent: start the command anew after this many trainings (code that "
                "leaks); 0: never"),
      // analysis
      Row("analysis", "alpha", K::Number)
          .range(0, 1)
          .open(true, true)
          .def("0.1")
          .ex("0.2")
          .expect("in (0, 1): the fraction of best trainings, e.g. 0.1")
          .help("the fraction of best trials"),
      Row("analysis", "bandwidth", K::Special)
          .def("median")
          .ex("max")
          .expect("median, std, max or a number in [0.001, 1000] (inputs are in [0, 1])")
          .help("median | std | max | VALUE"),
      Row("analysis", "estimator", K::Choice).choices({"v", "u"}).def("v").ex("u").help("v | u"),
      Row("analysis", "pvalues", K::Special)
          .def("gamma")
          .ex("permutation:100")
          .expect("gamma, permutation:B (1 <= B <= 1000000) or none")
          .help("gamma | permutation:B | none"),
      Row("analysis", "interactions", K::Boolean)
          .def("false")
          .ex("true")
          .help("joint indices of every pair"),
      Row("analysis", "scaling", K::Choice)
          .choices({"hsic", "paper"})
          .def("hsic")
          .ex("paper")
          .help("hsic: (m/n)^2 | paper: alpha^2"),
      Row("analysis", "global", K::Boolean)
          .def("false")
          .ex("true")
          .help("global HSIC (the whole error) instead of the target"),
      Row("analysis", "block", K::Whole)
          .range(4, 1e6)
          .def("0")
          .ex("16")
          .expect("a block size between 4 and 1000000")
          .help("block U statistic with blocks of B >= 4 rows"),
      Row("analysis", "seed", K::Whole)
          .range(0, kInf)
          .def("the study's seed")
          .ex("3")
          .help("seed of the category jitter and permutations"),
      Row("analysis", "discrete", K::Choice)
          .choices({"expected", "jitter"})
          .def("expected")
          .ex("jitter")
          .help("discrete inputs: expected (no jitter, no order) | jitter (the paper's)"),
      Row("analysis", "bootstrap", K::Whole)
          .range(0, 1e5)
          .def("200")
          .ex("50")
          .expect("a number of resamples between 0 and 100000")
          .help("resamples behind each index's interval and top-3 share, 0 for none"),
      Row("analysis", "goal", K::Special)
          .def("indicator")
          .ex("smooth:0.5")
          .expect("indicator, pareto or smooth:S (S > 0: the weight's decay length in standard "
                  "deviations of the errors)")
          .help("indicator (the best alpha fraction) | pareto (the first layers of the "
                "accuracy-cost front) | smooth:S (a weight exp(-distance / (S sd)) above the "
                "quantile)"),
      Row("analysis", "rank", K::Choice)
          .choices({"evidence", "index"})
          .def("evidence")
          .ex("index")
          .help("the ranking: evidence (of deciding the best, every input on one scale) | index "
                "(the paper's reading, conditional inputs after the others)"),
      Row("analysis", "cost", K::Special)
          .def("parameters")
          .ex("flops")
          .expect("parameters, flops, seconds or metric:NAME")
          .help("the cost of the accuracy-cost front and of the pick"),
      Row("analysis", "tolerance", K::Number)
          .range(0, 10)
          .open(true, false)
          .def("0.1, or the error's noise")
          .ex("0.2")
          .help("the pick: the cheapest configuration within this fraction of the best error "
                "(the final retraining's seed spread where there is one; unset: 10% or, for an "
                "error rate on N samples, one standard error of it, the larger)"),
      // pruning (docs/early_stopping.md)
      Row("pruning", "min_epochs", K::Whole)
          .range(1, kMaxCount)
          .def("3")
          .ex("2")
          .unit("epochs")
          .help("the first rung: trainings are compared after this many epochs"),
      Row("pruning", "factor", K::Number)
          .range(1, 1000)
          .open(true, false)
          .def("3")
          .ex("2")
          .help("each rung this many times the epochs of the one before (3, 9, 27, ...)"),
      Row("pruning", "rungs", K::Wholes)
          .range(1, kMaxCount)
          .ex("[5, 20]")
          .unit("epochs")
          .help("the rungs themselves, instead of min_epochs and factor"),
      Row("pruning", "keep", K::Numbers)
          .range(1, 1000)
          .def("[3, 2, 1.5]")
          .ex("[3, 2]")
          .help(
              "a training goes on while its error is within the best keep x alpha of its rung; one "
              "value per rung, the last for the rungs after"),
      Row("pruning", "min_trainings", K::Whole)
          .range(2, kMaxCount)
          .def("8")
          .ex("4")
          .help("no training stops before this many others have reached its rung"),
      Row("pruning", "mode", K::Choice)
          .choices({"auto", "ordered", "async", "halving"})
          .def("auto")
          .ex("ordered")
          .help("auto: halving where trainings can pause (hsicho's trainer, a command with "
                "training.checkpoint and pruning.rungs), else ordered; ordered: results "
                "independent of ranks and timing; async: no waiting (ASHA); halving: every "
                "training to each rung, decided over the whole batch"),
      Row("pruning", "grace", K::Duration)
          .def("10s")
          .ex("5s")
          .help("your command's time to stop after SIGTERM, before SIGKILL"),
      // optimize
      Row("optimize", "strategy", K::Choice)
          .choices({"hsic", "random", "lhs"})
          .def("hsic")
          .ex("hsic")
          .help("the HSIC-guided stages, or a baseline"),
      Row("optimize", "stages", K::Special)
          .def("auto")
          .ex("[16, 8]")
          .expect("auto, or whole numbers from 4 to 1000000 (trainings per stage)")
          .help("trainings per stage"),
      Row("optimize", "alpha", K::Numbers)
          .range(0, 1)
          .open(true, true)
          .def("0.1")
          .ex("[0.2, 0.1]")
          .help("the goal set's fraction, per stage"),
      Row("optimize", "pvalue", K::Number)
          .range(0, 1)
          .def("0.05")
          .ex("0.1")
          .expect("in [0, 1]: inputs with a p-value at most this are important")
          .help("the p-value below which an input is important"),
      Row("optimize", "freeze_ratio", K::Number)
          .range(0, 1)
          .def("0.05")
          .ex("0.1")
          .expect("in [0, 1]: the largest index, as a fraction of the leading input's, of an input "
                  "that "
                  "may be frozen")
          .help("freezing needs an index at most this fraction of the leader's"),
      Row("optimize", "freeze", K::Choice)
          .choices({"cheapest", "best", "mode"})
          .def("cheapest")
          .ex("best")
          .help("the value a frozen input keeps"),
      Row("optimize", "spread", K::Number)
          .range(1e-3, 1)
          .def("0.1")
          .ex("0.2")
          .expect("in [0.001, 1] (of the normalized scale)")
          .help("sd of the moves around good configurations"),
      Row("optimize", "explore", K::Number)
          .range(0, 1)
          .def("0.2")
          .ex("0.3")
          .expect("in [0, 1]: the share of a later stage drawn at random")
          .help("share of a later stage drawn uniformly"),
      Row("optimize", "drift", K::Number)
          .range(0, 4)
          .def("1")
          .ex("2")
          .expect("in [0, 4]: steps toward the cheaper side per stage")
          .help("steps toward the cheaper side per stage"),
      Row("optimize", "final_top", K::Whole)
          .range(1, 1000)
          .def("3")
          .ex("2")
          .help("configurations retrained at the end"),
      Row("optimize", "final_seeds", K::Whole)
          .range(1, 1000)
          .def("3")
          .ex("2")
          .help("seeds of each final retraining"),
      Row("optimize", "pick", K::Choice)
          .choices({"best", "cheapest"})
          .def("best")
          .ex("cheapest")
          .help("the winner: the lowest mean error of the final retraining, or the cheapest "
                "finalist within the spread of the best's seeds"),
      Row("optimize", "final_epochs", K::Number)
          .range(1e-3, 1e3)
          .def("2")
          .ex("1.5")
          .expect("a factor in [0.001, 1000] on the epochs")
          .help("epochs factor of the final retraining"),
      Row("optimize", "budget", K::Whole)
          .range(0, kMaxCount)
          .def("0 (no cap)")
          .ex("40")
          .expect("a whole number of trainings from 0 to 1000000000, or a wall time (90s, 30m, "
                  "2h)")
          .help("trainings in all, final retraining included; or a wall time (90s, 30m, 2h): "
                "stage 1 of 8 trainings per hyperparameter, each later stage sized from the time "
                "left when the one before ends"),
      Row("optimize", "margin", K::Removed)
          .ex("0.1")
          .help("belonged to the range-narrowing optimizer, which is gone: later stages sample "
                "around "
                "the good configurations (optimize.spread, optimize.explore) and freeze only with "
                "evidence (freeze_ratio); see docs/optimize.md"),
      Row("optimize", "share_floor", K::Removed)
          .ex("0.1")
          .help("belonged to the range-narrowing optimizer, which is gone: later stages sample "
                "around "
                "the good configurations (optimize.spread, optimize.explore) and freeze only with "
                "evidence (freeze_ratio); see docs/optimize.md"),
  };
  std::vector<KeySpec> out;
  for (auto& r : rows)
    out.push_back(std::move(r.k));
  return out;
}

std::mutex consumed_mutex;
std::set<std::string>& consumed() {
  static std::set<std::string> c;
  return c;
}

// A default read from the table is not a deck's key read by a reader (the table's test).
thread_local int reading_defaults = 0;

void consume(const KeySpec& key) {
  if (reading_defaults > 0) return;
  const std::lock_guard<std::mutex> lock(consumed_mutex);
  consumed().insert(key.label());
}

std::string number_text(double v) {
  return fmt::format("{}", v);
}

[[noreturn]] void refuse(const KeySpec& key, const std::string& text) {
  throw KeyValueError("must be " + key.what() + ", got '" + text + "'" +
                      (key.kind == KeyKind::Choice ? did_you_mean(text, key.choices) : ""));
}

}  // namespace

std::string KeySpec::what() const {
  if (!expected.empty()) return expected;
  switch (kind) {
    case KeyKind::Boolean:
      return "true or false";
    case KeyKind::Choice: {
      if (choices.size() < 2) return join(choices);
      const std::vector<std::string> head(choices.begin(), choices.end() - 1);
      return join(head, ", ") + " or " + choices.back();
    }
    case KeyKind::Number:
    case KeyKind::Whole:
    case KeyKind::Numbers:
    case KeyKind::Wholes: {
      const bool whole = kind == KeyKind::Whole || kind == KeyKind::Wholes;
      const bool list = kind == KeyKind::Numbers || kind == KeyKind::Wholes;
      std::string what =
          list ? (whole ? "whole numbers" : "numbers") : (whole ? "a whole number" : "a number");
      if (std::isfinite(lo) && std::isfinite(hi)) {
        if (whole) return what + " from " + number_text(lo) + " to " + number_text(hi);
        return what + " in " + (lo_open ? "(" : "[") + number_text(lo) + ", " + number_text(hi) +
               (hi_open ? ")" : "]");
      }
      if (std::isfinite(lo)) return what + (lo_open ? " > " : " >= ") + number_text(lo);
      return what;
    }
    case KeyKind::Duration:
      return "a duration: seconds, or e.g. 45s, 30m, 2h";
    default:
      return "a value";
  }
}

const std::vector<KeySpec>& deck_keys() {
  static const std::vector<KeySpec> keys = build();
  return keys;
}

const KeySpec& key_spec(const std::string& block, const std::string& name) {
  for (const auto& k : deck_keys()) {
    if (k.block == block && k.name == name) return k;
  }
  throw std::logic_error("the deck's key table has no " + block + "." + name);
}

std::vector<std::string> key_names(const std::string& block) {
  std::vector<std::string> names;
  for (const auto& k : deck_keys()) {
    if (k.block == block && k.name.find('.') == std::string::npos) names.push_back(k.name);
  }
  return names;
}

double key_number(const KeySpec& key, const std::string& text) {
  consume(key);
  const auto v = scalar::to_number(text);
  if (!v) refuse(key, text);
  const bool low_ok = key.lo_open ? *v > key.lo : *v >= key.lo;
  const bool high_ok = key.hi_open ? *v < key.hi : *v <= key.hi;
  if (!low_ok || !high_ok) refuse(key, text);
  return *v;
}

std::int64_t key_whole(const KeySpec& key, const std::string& text) {
  consume(key);
  const auto v = scalar::to_integer(text);
  if (!v || static_cast<double>(*v) < key.lo || static_cast<double>(*v) > key.hi) refuse(key, text);
  return *v;
}

bool key_boolean(const KeySpec& key, const std::string& text) {
  consume(key);
  const auto b = scalar::to_boolean(text);
  if (!b) throw KeyValueError(scalar::boolean_expected(text));
  return *b;
}

std::string key_choice(const KeySpec& key, const std::string& text) {
  consume(key);
  if (std::find(key.choices.begin(), key.choices.end(), text) == key.choices.end())
    refuse(key, text);
  return text;
}

const std::string& key_text(const KeySpec& key, const std::string& text) {
  consume(key);
  return text;
}

void key_refused(const KeySpec& key, const std::string& text) {
  consume(key);
  refuse(key, text);
}

namespace {
// The table's default of a key, refused if it is not a plain value the key takes.
const std::string& plain_default(const KeySpec& k) {
  if (k.fallback.empty()) throw std::logic_error(k.label() + " has no default in the key table");
  return k.fallback;
}
using DefaultsReading = DefaultsScope;
}  // namespace

DefaultsScope::DefaultsScope() {
  ++reading_defaults;
}
DefaultsScope::~DefaultsScope() {
  --reading_defaults;
}

template <>
double key_default(const std::string& block, const std::string& name) {
  const auto& k = key_spec(block, name);
  const DefaultsReading reading;
  try {
    return key_number(k, plain_default(k));
  } catch (const KeyValueError& e) {
    throw std::logic_error(k.label() + ": the table's default " + e.what());
  }
}
template <>
std::int64_t key_default(const std::string& block, const std::string& name) {
  const auto& k = key_spec(block, name);
  const DefaultsReading reading;
  try {
    return key_whole(k, plain_default(k));
  } catch (const KeyValueError& e) {
    throw std::logic_error(k.label() + ": the table's default " + e.what());
  }
}
template <>
int key_default(const std::string& block, const std::string& name) {
  return static_cast<int>(key_default<std::int64_t>(block, name));
}
template <>
bool key_default(const std::string& block, const std::string& name) {
  const auto& k = key_spec(block, name);
  const DefaultsReading reading;
  try {
    return key_boolean(k, plain_default(k));
  } catch (const KeyValueError& e) {
    throw std::logic_error(k.label() + ": the table's default " + e.what());
  }
}
template <>
std::string key_default(const std::string& block, const std::string& name) {
  const auto& k = key_spec(block, name);
  const DefaultsReading reading;
  try {
    return k.kind == KeyKind::Choice ? key_choice(k, plain_default(k)) : plain_default(k);
  } catch (const KeyValueError& e) {
    throw std::logic_error(k.label() + ": the table's default " + e.what());
  }
}

std::vector<double> key_default_numbers(const std::string& block, const std::string& name) {
  const auto& k = key_spec(block, name);
  const DefaultsReading reading;
  std::string text = plain_default(k);
  std::vector<double> out;
  if (!text.empty() && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto comma = std::min(text.find(',', at), text.size());
    std::string item = text.substr(at, comma - at);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    try {
      out.push_back(key_number(k, item));
    } catch (const KeyValueError& e) {
      throw std::logic_error(k.label() + ": the table's default " + e.what());
    }
    at = comma + 1;
  }
  return out;
}

std::vector<std::string> consumed_keys() {
  const std::lock_guard<std::mutex> lock(consumed_mutex);
  return {consumed().begin(), consumed().end()};
}

void forget_consumed_keys() {
  const std::lock_guard<std::mutex> lock(consumed_mutex);
  consumed().clear();
}

}  // namespace hsicho::space
