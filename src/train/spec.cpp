#include "hsicho/train/spec.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {
namespace {

// One key's value, wherever it comes from, as text plus a place to blame.
struct Found {
  std::string text;
  std::vector<std::string> list;  // a YAML sequence
  bool is_list = false;
  std::string where;  // "deck.yaml:12:5" or "hyperparameter 'lr'"
};

class Resolver {
 public:
  Resolver(const space::Deck& deck, const space::Config& config) : deck_(deck), config_(config) {}

  std::optional<Found> find(const space::Block& block, const std::string& key) const {
    if (auto k = deck_.space.find(key)) {
      const auto& v = config_[*k];
      if (v) {
        return Found{space::to_text(*v),
                     {},
                     false,
                     deck_.space[*k].mark.str() + ": hyperparameter '" + key + "'"};
      }
    }
    const space::Setting* s = block.find(key);
    if (!s) return std::nullopt;
    return Found{s->text, s->list, s->is_list, s->mark.str() + ": " + key};
  }

  // Where a key's value comes from (the deck line, or the hyperparameter's), else the deck: the
  // place to blame for a check across keys.
  std::string where(const space::Block& block, const std::string& key) const {
    if (auto f = find(block, key)) return f->where;
    return deck_.path;
  }

  // The key's value, typed by the table of deck keys (space/keys.hpp): its kind and limits,
  // and one message naming where the value comes from, what it takes and what was written.
  template <class Read>
  static auto typed(const space::Block& block, const std::string& key, const Found& f, Read read) {
    try {
      return read(space::key_spec(block.name, key), f.text);
    } catch (const space::KeyValueError& e) {
      throw InputError(f.where + ": " + e.what());
    }
  }
  static double number(const std::string& text, const std::string& where) {
    const auto v = space::scalar::to_number(text);
    if (!v) throw InputError(where + ": expected a number, got '" + text + "'");
    return *v;
  }
  static int integer(const std::string& text, const std::string& where, int minimum) {
    const auto v = space::scalar::to_integer(text);
    if (!v || *v < minimum || *v > 1000000000) {
      throw InputError(where + ": expected a whole number >= " + std::to_string(minimum) +
                       ", got '" + text + "'");
    }
    return static_cast<int>(*v);
  }

  void set(const space::Block& block, const std::string& key, double& out) const {
    if (auto f = find(block, key)) {
      scalar_only(*f);
      // The trainer computes in float32: a value beyond its range is infinite there (the
      // table's limits stop at 3.4e38).
      if (const auto v = space::scalar::to_number(f->text); v && std::fabs(*v) > 3.4e38) {
        throw InputError(f->where + ": " + f->text +
                         " is beyond the float32 range the trainer computes in (about 3.4e38)");
      }
      out = typed(block, key, *f, space::key_number);
    }
  }
  // `minimum`: a lower bound of this deck's (generated sets need more rows than image subsets).
  void set(const space::Block& block, const std::string& key, int& out, int minimum = 0) const {
    if (auto f = find(block, key)) {
      scalar_only(*f);
      const auto v = typed(block, key, *f, space::key_whole);
      if (v < minimum) {
        throw InputError(f->where + ": must be " + space::key_spec(block.name, key).what() +
                         " and at least " + std::to_string(minimum) + " here, got '" + f->text +
                         "'");
      }
      out = static_cast<int>(v);
    }
  }
  void set(const space::Block& block, const std::string& key, bool& out) const {
    if (auto f = find(block, key)) scalar_only(*f), out = typed(block, key, *f, space::key_boolean);
  }
  void set(const space::Block& block, const std::string& key, std::string& out) const {
    if (auto f = find(block, key)) {
      scalar_only(*f);
      const auto& spec = space::key_spec(block.name, key);
      if (spec.kind != space::KeyKind::Choice) {
        out = space::key_text(spec, f->text);
        return;
      }
      if (std::find(spec.choices.begin(), spec.choices.end(), f->text) == spec.choices.end()) {
        space::key_text(spec, f->text);
        throw InputError(f->where + ": '" + f->text + "' is not one of " + join(spec.choices) +
                         did_you_mean(f->text, spec.choices));
      }
      out = space::key_choice(spec, f->text);
    }
  }
  // A choice of the key table, parsed once into its enum (train/choices.hpp).
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
  void set(const space::Block& block, const std::string& key, E& out) const {
    std::string text(name(out));
    set(block, key, text);
    out = parse_choice<E>(text);
  }
  // A list of numbers, or one number for all, each within the key's limits.
  template <class T>
  void set_list(const space::Block& block, const std::string& key, std::vector<T>& out) const {
    auto f = find(block, key);
    if (!f) return;
    const auto& spec = space::key_spec(block.name, key);
    out.clear();
    const std::vector<std::string> items = f->is_list ? f->list : std::vector<std::string>{f->text};
    for (const auto& t : items) {
      try {
        if constexpr (std::is_integral<T>::value) {
          out.push_back(static_cast<T>(space::key_whole(spec, t)));
        } else {
          out.push_back(static_cast<T>(space::key_number(spec, t)));
        }
      } catch (const space::KeyValueError& e) {
        throw InputError(f->where + ": " + e.what());
      }
    }
  }
  // Per-layer values: the block's list (or one value), then KEY_1, KEY_2, ... from the space.
  void per_layer(const space::Block& block, const std::string& key, int count, int fallback,
                 std::vector<int>& out) const {
    std::vector<int> base;
    set_list(block, key, base);
    if (base.empty()) base = {fallback};
    out.resize(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
      out[static_cast<std::size_t>(k)] =
          base[std::min<std::size_t>(static_cast<std::size_t>(k), base.size() - 1)];
      const std::string name = key + "_" + std::to_string(k + 1);
      if (auto f = find(space::Block(), name))
        out[static_cast<std::size_t>(k)] = integer(f->text, f->where, 1);
    }
  }

 private:
  static void scalar_only(const Found& f) {
    if (f.is_list) throw InputError(f.where + ": expected one value, not a list");
  }
  const space::Deck& deck_;
  const space::Config& config_;
};

double physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<double>(pages) * static_cast<double>(size) : 1e12;
}

// A relative path is looked up beside the deck first (deck and data travel together), then
// from the working folder (where the built-in image sets' data/ folders are).
std::string data_path(const space::Deck& deck, const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute()) return path;
  const auto beside = fs::path(deck.path).parent_path() / path;
  std::error_code ec;
  if (!fs::path(deck.path).parent_path().empty() && fs::exists(beside, ec))
    return beside.lexically_normal().string();
  return path;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The table source's keys: which arrays are x and y, the task, the split, scaling and metric.
void resolve_table(const space::Deck& deck, const Resolver& r, DataSpec& ds) {
  const space::Block& d = deck.data;
  auto names = [&](const std::string& key, std::vector<std::string>& out) {
    const auto f = r.find(d, key);
    if (!f) {
      throw InputError(d.where(key).str() + ": data set table needs '" + key +
                       "': the CSV column names (or first:last ranges), the HDF5 data set "
                       "path, the .npz array name, or the .npy file holding the " +
                       (key == "x" ? "inputs" : "targets"));
    }
    out = f->is_list ? f->list : std::vector<std::string>{f->text};
    space::key_text(space::key_spec("data", key), f->text);
    if (out.empty()) throw InputError(f->where + ": names nothing");
  };
  names("x", ds.x);
  names("y", ds.y);
  const bool npy = ends_with(ds.x[0], ".npy") || ends_with(ds.y[0], ".npy");
  if (npy) {
    if (!ds.path.empty()) {
      throw InputError(r.where(d, "path") +
                       ": with x and y in .npy files, leave out path (a .npy file holds one "
                       "array), or put both arrays in one .npz file");
    }
    if (ds.x.size() != 1 || ds.y.size() != 1 || !ends_with(ds.x[0], ".npy") ||
        !ends_with(ds.y[0], ".npy")) {
      throw InputError(r.where(d, "x") + ": with .npy files, x and y each name one .npy file");
    }
    ds.x[0] = data_path(deck, ds.x[0]);
    ds.y[0] = data_path(deck, ds.y[0]);
  } else if (ds.path.empty()) {
    throw InputError(d.where("name").str() +
                     ": data set table needs 'path': the .csv, .h5 or .npz file (or x and y as "
                     ".npy files)");
  }
  r.set(d, "task", ds.task);
  r.set(d, "classes", ds.classes);
  if (ds.task != "classification" && r.find(d, "classes"))
    throw InputError(r.where(d, "classes") + ": classes is for task: classification");
  r.set(d, "scale", ds.scale);
  r.set(d, "metric", ds.metric);
  if (ds.task == "classification" && r.find(d, "metric")) {
    throw InputError(r.where(d, "metric") +
                     ": classification is measured by its error rate; metric is for regression");
  }
  if (const auto* split = d.find("split"))
    space::key_text(space::key_spec("data", "split"), split->text);
  for (auto [key, out] : {std::make_pair("split.validation", &ds.split_validation),
                          std::make_pair("split.test", &ds.split_test)}) {
    const auto f = r.find(d, key);
    if (!f) continue;
    const auto& spec = space::key_spec("data", key);
    const auto v = space::scalar::to_number(space::key_text(spec, f->text));
    if (!v) {
      *out = data_path(deck, f->text);  // a file of its own
    } else if (*v <= 0 || (*v >= 1 && *v != std::floor(*v)) || *v > 1e12) {
      throw InputError(f->where + ": expected " + spec.what() + ", got '" + f->text + "'");
    } else {
      *out = f->text;
    }
  }
  if (const auto f = r.find(d, "split.seed")) {
    ds.split_seed =
        static_cast<std::uint64_t>(Resolver::typed(d, "split.seed", *f, space::key_whole));
  }
}

}  // namespace

TrainSpec resolve(const space::Deck& deck, const space::Config& config, std::uint64_t seed) {
  const Resolver r(deck, config);
  TrainSpec s;
  s.seed = seed;
  s.data_seed = deck.study.seed;
  const space::Block& d = deck.data;
  DataSpec& ds = s.data;
  ds.name = deck.data_name;
  r.set(d, "path", ds.path);
  if (ds.path.empty() && ds.name == "fashion_mnist")
    ds.path = "/usr/share/datasets/fashion-mnist";  // Debian dataset-fashion-mnist
  if (ds.path.empty() && ds.name == "mnist") ds.path = "data/mnist";
  if (ds.path.empty() && ds.name == "cifar10") ds.path = "data/cifar10";
  if (!ds.path.empty()) ds.path = data_path(deck, ds.path);
  const bool images = ds.name == "mnist" || ds.name == "fashion_mnist" || ds.name == "cifar10";
  const bool table = ds.name == "table";
  if (images) ds.train = 0, ds.validation = 5000, ds.test = 0;  // 0: all of the set
  r.set(d, "dim", ds.dim);
  r.set(d, "train", ds.train, images ? 0 : 4);
  r.set(d, "validation", ds.validation, images ? 1 : 4);
  r.set(d, "test", ds.test, images ? 0 : 4);
  r.set(d, "noise", ds.noise);
  r.set(d, "species", ds.species);
  if (ds.name == "bateman" && ds.species > 200) {
    throw InputError(r.where(d, "species") + ": " + std::to_string(ds.species) +
                     " species: each row costs a matrix exponential of that size (species^3); "
                     "at most 200");
  }
  r.set_list(d, "decay", ds.decay);
  if (ds.decay.empty()) {
    for (int k = 0; k < ds.species; ++k)
      ds.decay.push_back(std::pow(0.5, k));
  }
  if (static_cast<int>(ds.decay.size()) != ds.species) {
    throw InputError(r.where(d, "decay") + ": lists " + std::to_string(ds.decay.size()) +
                     " decay constants for " + std::to_string(ds.species) +
                     " species; give one per species");
  }
  r.set(d, "t_max", ds.t_max);
  r.set_list(d, "initial", ds.initial);
  if (ds.initial.size() != 2 || ds.initial[0] > ds.initial[1]) {
    throw InputError(r.where(d, "initial") + ": must be a range [low, high] with low <= high");
  }
  r.set(d, "log_outputs", ds.log_outputs);
  r.set(d, "standardize", ds.standardize);
  if (ds.name == "runge" || ds.name == "bateman") {
    const double width = ds.name == "runge" ? ds.dim + 1.0 : 2.0 * ds.species + 1;
    // Generated in double, kept in float32, copied into tensors: about 16 bytes per value.
    const double bytes = (static_cast<double>(ds.train) + ds.validation + ds.test) * width * 16;
    const double memory = physical_memory();
    if (bytes > 0.5 * memory) {
      const char* key = ds.train > std::max(ds.validation, ds.test)
                            ? (d.has("train") ? "train" : nullptr)
                            : (ds.validation > ds.test ? "validation" : "test");
      if (!key || !d.has(key)) key = ds.name == "runge" ? "dim" : "species";
      throw InputError(r.where(d, key) + ": the data set (" + std::to_string(ds.train) + " + " +
                       std::to_string(ds.validation) + " + " + std::to_string(ds.test) +
                       " rows of " + space::to_text(width) + " values) needs " +
                       fmt::format("{:.3g}", bytes / 1e9) +
                       " GB, more than half of this machine's " +
                       fmt::format("{:.3g}", memory / 1e9) + " GB; use fewer rows or dimensions");
    }
  }
  if (table) resolve_table(deck, r, ds);
  const bool classification = images || ds.task == "classification";
  const space::Block& m = deck.model;
  ModelSpec& ms = s.model;
  r.set(m, "type", ms.type);
  if (ms.type == ModelType::Cnn && !images && !table) {
    throw InputError(
        r.where(m, "type") +
        ": cnn needs an image data set (mnist, fashion_mnist, cifar10, or table with images); "
        "use type: mlp");
  }
  r.set(m, "layers", ms.layers, ms.type == ModelType::Mlp ? 0 : 1);
  r.set(m, "blocks", ms.layers);
  r.per_layer(m, "units", ms.layers, dflt<int>("model", "units"), ms.units);
  r.per_layer(m, "filters", ms.type == ModelType::Cnn ? ms.layers : 0,
              dflt<int>("model", "filters"), ms.filters);
  if (ms.type == ModelType::Mlp) {
    // Weights, gradients and two optimizer moments of the hidden-to-hidden layers alone, in
    // float32: a network beyond memory fails every training; say so now.
    double weights = 0;
    for (std::size_t k = 1; k < ms.units.size(); ++k)
      weights += static_cast<double>(ms.units[k - 1]) * ms.units[k];
    if (weights * 16 > 0.5 * physical_memory()) {
      throw InputError(r.where(m, ms.units.empty() ? "layers" : "units") + ": " +
                       std::to_string(ms.layers) + " hidden layers of up to " +
                       std::to_string(*std::max_element(ms.units.begin(), ms.units.end())) +
                       " units need about " + fmt::format("{:.3g}", weights * 16 / 1e9) +
                       " GB to train, more than half of this machine's " +
                       fmt::format("{:.3g}", physical_memory() / 1e9) + " GB");
    }
  }
  r.set(m, "activation", ms.activation);
  r.set(m, "dropout", ms.dropout);
  r.set(m, "batch_norm", ms.batch_norm);
  r.set(m, "init", ms.init);
  r.set(m, "kernel_size", ms.kernel_size);
  r.set(m, "pooling", ms.pooling);
  r.set_list(m, "head_units", ms.head_units);
  r.set(m, "residual", ms.residual);

  const space::Block& t = deck.training;
  OptimSpec& os = s.optim;
  r.set(t, "optimizer", os.optimizer);
  r.set(t, "lr", os.lr);
  r.set(t, "momentum", os.momentum);
  r.set(t, "nesterov", os.nesterov);
  r.set(t, "weight_decay", os.weight_decay);
  r.set(t, "batch_size", os.batch_size);
  r.set(t, "epochs", os.epochs);
  r.set(t, "schedule", os.schedule);
  r.set(t, "step_size", os.step_size);
  r.set(t, "gamma", os.gamma);
  r.set(t, "clip", os.clip);
  r.set(t, "patience", os.patience);
  os.loss = classification ? Loss::CrossEntropy : Loss::Mse;
  r.set(t, "loss", os.loss);
  if (classification != (os.loss == Loss::CrossEntropy)) {
    throw InputError(
        r.where(t, "loss") + ": " + std::string(name(os.loss)) + " does not fit data set " +
        ds.name +
        (classification ? " (classification: cross_entropy)" : " (regression: mse, mae or huber)"));
  }
  r.set(t, "device", os.device);
  // auto (the default): what Slurm gave each task (SLURM_CPUS_PER_TASK), else 1.
  if (auto f = r.find(t, "threads")) {
    const auto& spec = space::key_spec("training", "threads");
    const auto v = space::scalar::to_integer(space::key_text(spec, f->text));
    if (f->text != "auto" && (!v || *v < 1 || *v > 4096))
      throw InputError(f->where + ": must be " + spec.what() + ", got '" + f->text + "'");
    os.threads = f->text == "auto" ? 0 : static_cast<int>(*v);
  }
  if (os.nesterov && (os.optimizer != Optimizer::Sgd || os.momentum <= 0)) {
    throw InputError(r.where(t, "nesterov") +
                     ": needs optimizer sgd with momentum > 0; set them, or leave nesterov false");
  }
  return s;
}

double scheduled_lr(const OptimSpec& o, int epoch) {
  switch (o.schedule) {
    case Schedule::Step:
      return o.lr * std::pow(o.gamma, epoch / o.step_size);
    case Schedule::Cosine:
      return o.lr * 0.5 * (1 + std::cos(M_PI * epoch / o.epochs));
    case Schedule::Constant:
      break;
  }
  return o.lr;
}

namespace {

// A whole number from the environment, the first of `names` set ("2(x3)": its leading 2).
std::optional<long> env_whole(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* v = std::getenv(name);
    if (!v || !*v) continue;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end != v && n >= 1 && n <= 1000000) return n;
  }
  return std::nullopt;
}

}  // namespace

int threads_per_rank(int configured) {
  if (configured > 0) return configured;
  const auto slurm = env_whole({"SLURM_CPUS_PER_TASK"});
  int threads = slurm && *slurm <= 4096 ? static_cast<int>(*slurm) : 1;
  // Never more than this node's share: the CPUs this process may run on over the ranks on the
  // node (a --cpus-per-task larger than the node's cores per task would spin-wait threads
  // against each other: measured 12x slower, slurm/README.md).
  cpu_set_t set;
  CPU_ZERO(&set);
  const int cpus = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  const auto local = env_whole({"OMPI_COMM_WORLD_LOCAL_SIZE", "SLURM_STEP_TASKS_PER_NODE",
                                "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE"});
  if (cpus > 0)
    threads = std::min(threads, std::max(1, cpus / static_cast<int>(local.value_or(1))));
  return threads;
}

int threads_for_network(int configured, ModelType type, std::int64_t parameters) {
  if (configured > 0) return configured;
  if (type == ModelType::Mlp && parameters < kMlpThreadsFrom) return 1;
  return threads_per_rank(0);
}

TrainSpec resolve_point(const space::Deck& deck, const space::Config& config, std::uint64_t seed,
                        std::size_t index) {
  try {
    return resolve(deck, config, seed);
  } catch (const InputError& e) {
    std::string values;
    for (std::size_t k = 0; k < config.size(); ++k) {
      if (config[k] && deck.space[k].is_free())
        values +=
            (values.empty() ? "" : ", ") + deck.space[k].name + " = " + space::to_text(*config[k]);
    }
    throw InputError(std::string(e.what()) + " (design point " + std::to_string(index) + ": " +
                     values +
                     "); restrict the space (a narrower range, fewer values, or a 'when' "
                     "condition) so that every combination is one the trainer accepts");
  }
}

DataSet load_deck_data(const space::Deck& deck, const DataSpec& spec) {
  try {
    return load_dataset(spec, deck.study.seed);
  } catch (const InputError& e) {
    throw InputError(deck.data.where(deck.data.has("path") ? "path" : "name"),
                     std::string("data: ") + e.what());
  }
}

void check_fits(const space::Deck& deck, const TrainSpec& spec, const DataSet& data) {
  if (spec.model.type == ModelType::Cnn && data.input_shape.size() != 3) {
    throw InputError(deck.model.where("type"),
                     "a cnn needs images, but x gives " + std::to_string(data.input_shape[0]) +
                         " features per row; store x as rows x height x width or rows x "
                         "channels x height x width, or use type: mlp");
  }
}

namespace {

// The largest value a numeric hyperparameter can take, or the block's value, or `fallback`.
double largest(const space::Deck& deck, const space::Block& block, const std::string& key,
               double fallback) {
  if (const auto k = deck.space.find(key)) {
    const auto& p = deck.space[*k];
    if (p.type == space::Type::Fixed) return space::as_number(p.fixed_value);
    if (p.levels() > 0 && p.type != space::Type::Integer) {
      double m = -INFINITY;
      for (std::size_t j = 0; j < p.levels(); ++j) {
        const auto v = p.level_value(j);
        if (space::is_number(v)) m = std::max(m, space::as_number(v));
      }
      return m;
    }
    return p.hi;
  }
  if (const auto* s = block.find(key)) {
    if (const auto v = space::scalar::to_number(s->text)) return *v;
  }
  return fallback;
}

// Keys a hyperparameter sets that a block also sets: the block's value is never used when the
// hyperparameter is always active (and so never checked either).
void check_shadowed(const space::Deck& deck) {
  for (const auto* block : {&deck.data, &deck.model, &deck.training}) {
    for (const auto& s : block->settings) {
      const auto k = deck.space.find(s.key);
      if (!k || deck.space[*k].condition) continue;
      throw InputError(s.key_mark, "the block's '" + s.key + "' is never used: hyperparameter '" +
                                       s.key + "' (line " +
                                       std::to_string(deck.space[*k].mark.line) +
                                       ") sets it in every configuration; remove one of them");
    }
  }
}

// units_K and filters_K beyond the most layers (blocks) a configuration can have change nothing;
// layers and blocks are one key of a CNN under two names.
void check_layer_keys(const space::Deck& deck) {
  const bool layers = deck.model.has("layers") || deck.space.find("layers").has_value();
  const bool blocks = deck.model.has("blocks") || deck.space.find("blocks").has_value();
  if (layers && blocks) {
    const auto where = deck.space.find("blocks") ? deck.space[*deck.space.find("blocks")].mark
                                                 : deck.model.where("blocks");
    throw InputError(where,
                     "'layers' and 'blocks' are the same setting (the depth) under two "
                     "names: give one of them");
  }
  const std::string depth = blocks ? "blocks" : "layers";
  const double most = largest(deck, deck.model, depth, 2);
  for (const auto& p : deck.space.params()) {
    for (const std::string prefix : {"units_", "filters_"}) {
      if (p.name.rfind(prefix, 0) != 0) continue;
      const std::string suffix = p.name.substr(prefix.size());
      if (suffix.empty() || suffix.find_first_not_of("0123456789") != std::string::npos) continue;
      // A number too large to read (units_99999999999999999999) is beyond any depth too.
      const auto k = space::scalar::to_integer(suffix);
      if (k && static_cast<double>(*k) <= most) continue;
      throw InputError(p.mark, "hyperparameter '" + p.name + "' sets " +
                                   (prefix == "units_" ? "hidden layer " : "block ") + suffix +
                                   ", but " + depth + " is at most " + space::to_text(most) +
                                   " here: it would never change a network; remove it, or allow "
                                   "more " +
                                   depth);
    }
  }
}

}  // namespace

void check_space_keys(const space::Deck& deck) {
  if (deck.external) return;  // the user's command takes any name
  for (const auto& p : deck.space.params()) {
    if (space::settable_by_space(deck, p.name)) continue;
    const auto known = space::settable_keys(deck);
    throw InputError(p.mark, "hyperparameter '" + p.name + "' sets nothing the trainer knows" +
                                 did_you_mean(p.name, known) +
                                 "; name it after a data, model or training key that applies to "
                                 "this deck: " +
                                 join(known) +
                                 " (units_K and filters_K set layer or block K); or train with "
                                 "your own program (training.command), which takes any names");
  }
  check_shadowed(deck);
  check_layer_keys(deck);
}

space::Config config_from_settings(const space::Space& space,
                                   const std::vector<std::string>& settings) {
  space::Config config(space.size());
  for (std::size_t k = 0; k < space.size(); ++k) {
    const auto& p = space[k];
    if (p.default_value) {
      config[k] = *p.default_value;
    } else if (p.type == space::Type::Fixed) {
      config[k] = p.fixed_value;
    } else {
      config[k] = p.value_at(0.5);  // the middle of the domain in its own scale
    }
  }
  std::vector<std::string> seen;
  for (const auto& s : settings) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set needs name=value, got '" + s + "'");
    const std::string name = s.substr(0, eq), text = s.substr(eq + 1);
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      throw InputError("--set " + name + " is given twice; give each hyperparameter once");
    seen.push_back(name);
    const auto k = space.find(name);
    if (!k) {
      throw InputError("--set " + name + ": no hyperparameter of that name" +
                       did_you_mean(name, space.names()) +
                       "; the space has: " + join(space.names()));
    }
    config[*k] = space[*k].parse(text);
  }
  const space::Config before = config;
  space.apply_conditions(config);
  for (const auto& s : settings) {
    const auto k = *space.find(s.substr(0, s.find('=')));
    if (before[k] && !config[k]) {
      throw InputError("--set " + s + ": '" + space[k].name +
                       "' is inactive in this configuration (it exists when " +
                       space[k].condition->text + ")");
    }
  }
  return config;
}

}  // namespace hsicho::train
