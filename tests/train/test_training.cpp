// Training with LibTorch: parameter counts by hand, a network that learns, divergence, failure,
// reproducibility, devices.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <utility>

#include "hsicho/error.hpp"
#include "hsicho/train/trainer.hpp"

using namespace hsicho;
using namespace hsicho::train;

namespace {

DataSet images(int channels, int size) {
  DataSet d;
  d.classification = true;
  d.outputs = 10;
  d.input_shape = {channels, size, size};
  for (Split* s : {&d.train, &d.validation, &d.test}) {
    s->rows = 8;
    s->x.assign(static_cast<std::size_t>(8 * channels * size * size), 0.5f);
    s->label.assign(8, 3);
  }
  return d;
}

DataSet runge_data(int train = 256) {
  DataSpec s;
  s.name = "runge";
  s.train = train, s.validation = 256, s.test = 512;
  return load_dataset(s, 1);
}

TrainSpec mlp_spec() {
  TrainSpec t;
  t.model.type = ModelType::Mlp;
  t.model.layers = 2;
  t.model.units = {32, 32};
  t.model.activation = Activation::Tanh;
  t.optim.optimizer = Optimizer::Adam;
  t.optim.lr = 1e-2;
  t.optim.batch_size = 32;
  t.optim.epochs = 60;
  t.optim.loss = Loss::Mse;
  return t;
}

}  // namespace

TEST_CASE("parameter counts match hand computation", "[train]") {
  DataSet one;
  one.input_shape = {1};
  one.outputs = 1;
  ModelSpec m;
  m.type = ModelType::Mlp;
  m.layers = 2;
  m.units = {32, 16};
  // (1*32 + 32) + (32*16 + 16) + (16*1 + 1)
  CHECK(count_parameters(m, one) == 609);
  m.batch_norm = true;  // + 2 per unit (scale, shift)
  CHECK(count_parameters(m, one) == 609 + 2 * (32 + 16));

  // LeNet-5-like on 1x28x28: conv 5x5 (6), pool, conv 5x5 (16), pool, 120, 84, 10.
  ModelSpec lenet;
  lenet.type = ModelType::Cnn;
  lenet.layers = 2;
  lenet.filters = {6, 16};
  lenet.kernel_size = 5;
  lenet.head_units = {120, 84};
  // conv1 156 + conv2 2416 + fc 16*7*7*120+120 + 120*84+84 + 84*10+10
  CHECK(count_parameters(lenet, images(1, 28)) == 156 + 2416 + 94200 + 10164 + 850);

  // A small residual network for CIFAR-10: two residual blocks (3->8, 8->8), no pooling.
  ModelSpec res;
  res.type = ModelType::Cnn;
  res.layers = 2;
  res.filters = {8, 8};
  res.kernel_size = 3;
  res.residual = true;
  res.pooling = Pooling::None;
  res.head_units = {};
  // block 1: conv 3->8 (224) + conv 8->8 (584) + 1x1 skip 3->8 (32); block 2: 584 + 584;
  // head: 8*32*32*10 + 10
  CHECK(count_parameters(res, images(3, 32)) == 224 + 584 + 32 + 584 + 584 + 81930);
}

TEST_CASE("a small MLP learns the 1-D Runge function", "[train]") {
  const auto data = runge_data();
  const Result r = train_one(mlp_spec(), data);
  INFO(r.message);
  CHECK(r.status == Outcome::Ok);
  CHECK(r.val_error < 1e-3);
  CHECK(r.test_error < 2e-3);
  CHECK(r.epochs == 60);
  CHECK(static_cast<int>(r.curves.size()) == 60);
  CHECK(r.curves.back() < r.curves.front());
  CHECK(r.parameters == 1153);  // 1*32+32 + 32*32+32 + 32+1
  CHECK(r.device == "cpu");
}

TEST_CASE("the same seed gives the same training, bit for bit", "[train]") {
  const auto data = runge_data(128);
  auto spec = mlp_spec();
  spec.optim.epochs = 5;
  spec.model.dropout = 0.1;
  const Result a = train_one(spec, data), b = train_one(spec, data);
  CHECK(a.curves == b.curves);
  CHECK(a.test_error == b.test_error);
  spec.seed = 2;
  CHECK(train_one(spec, data).curves != a.curves);
}

TEST_CASE("paused after an epoch and continued later: the same training, bit for bit",
          "[train][pause]") {
  // Successive halving (issue 40) pauses a training at a rung and continues it after the rung's
  // decision, with other trainings in between. Dropout, batch order and the optimizer's moments
  // all carry state across the pause.
  const auto data = runge_data(128);
  const std::string dir = "paused_training_test";
  std::filesystem::create_directories(dir);
  for (auto [optimizer, momentum] : {std::pair{Optimizer::Adam, 0.0},
                                     {Optimizer::Sgd, 0.9},
                                     {Optimizer::Rmsprop, 0.5},
                                     {Optimizer::Adamw, 0.0}}) {
    auto spec = mlp_spec();
    spec.optim.epochs = 7;
    spec.optim.optimizer = optimizer;
    spec.optim.momentum = momentum;
    spec.optim.lr = optimizer == Optimizer::Sgd ? 0.05 : 1e-2;
    spec.model.dropout = 0.1;
    spec.seed = 11;
    const Result straight = train_one(spec, data);
    REQUIRE(straight.ok());
    REQUIRE(straight.epochs == 7);
    Pausing pause;
    pause.state_file = dir + "/11.pt";
    pause.pause_after = 3;
    const auto first = train_pausable(spec, data, 0, Hooks{}, pause);
    CHECK(first.paused);
    CHECK_FALSE(first.result);
    // Another training in between moves the global random generator.
    auto other = mlp_spec();
    other.optim.epochs = 2;
    other.seed = 99;
    train_one(other, data);
    // Paused again at 5, continued to the end.
    pause.continue_from = true;
    pause.pause_after = 5;
    CHECK(train_pausable(spec, data, 0, Hooks{}, pause).paused);
    pause.pause_after = 0;
    const auto rest = train_pausable(spec, data, 0, Hooks{}, pause);
    REQUIRE(rest.result);
    CHECK_FALSE(rest.paused);
    const Result& r = *rest.result;
    CHECK(r.curves == straight.curves);  // every epoch's validation error, exactly
    CHECK(r.val_error == straight.val_error);
    CHECK(r.test_error == straight.test_error);
    CHECK(r.best_epoch == straight.best_epoch);
    CHECK(r.epochs == 7);
    CHECK(r.parameters == straight.parameters);
    CHECK(r.seconds > 0);
  }
  // A state that does not read is the run's fault (RuntimeError), not a failed training.
  auto spec = mlp_spec();
  Pausing broken;
  broken.state_file = dir + "/missing.pt";
  broken.continue_from = true;
  CHECK_THROWS_AS(train_pausable(spec, data, 0, Hooks{}, broken), RuntimeError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a diverging training is a result, not a crash", "[train]") {
  const auto data = runge_data(128);
  auto spec = mlp_spec();
  spec.optim.optimizer = Optimizer::Sgd;
  spec.optim.lr = 1e8;
  const Result r = train_one(spec, data);
  CHECK(r.status == Outcome::Diverged);
  CHECK(std::isinf(r.val_error));
  CHECK(std::isinf(r.test_error));
  CHECK(r.epochs <= spec.optim.epochs);
  CHECK(!r.message.empty());
}

TEST_CASE("an error inside a training gives status failed", "[train]") {
  // Labels out of range make cross-entropy throw inside LibTorch.
  DataSet d = images(1, 8);
  for (auto& l : d.train.label)
    l = 42;
  TrainSpec spec;
  spec.model.type = ModelType::Cnn;
  spec.model.layers = 1;
  spec.model.filters = {2};
  spec.optim.loss = Loss::CrossEntropy;
  spec.optim.epochs = 1;
  const Result r = train_one(spec, d);
  CHECK(r.status == Outcome::Failed);
  CHECK(!r.message.empty());
  CHECK(std::isinf(r.val_error));
}

TEST_CASE("a hook's fault ends the run, it is not the training's result", "[train]") {
  // The study layer's rung log failing (a full disk): the exception leaves train_one as thrown.
  const auto data = runge_data(64);
  auto spec = mlp_spec();
  spec.optim.epochs = 4;
  Hooks hooks;
  int calls = 0;
  hooks.after_epoch = [&](int epoch, double) {
    ++calls;
    if (epoch == 2) throw RuntimeError("cannot write 'rungs-00000.log': No space left on device");
    return AfterEpoch::Continue;
  };
  CHECK_THROWS_AS(train_one(spec, data, 0, hooks), RuntimeError);
  CHECK(calls == 2);
  hooks.after_epoch = nullptr;
  hooks.interrupted = []() -> bool { throw std::runtime_error("the stop flag is unreadable"); };
  CHECK_THROWS_WITH(train_one(spec, data, 0, hooks), "the stop flag is unreadable");
}

TEST_CASE("early stopping, schedules and every optimizer run", "[train]") {
  const auto data = runge_data(64);
  for (const std::string opt : {"sgd", "adam", "adamw", "rmsprop"}) {
    for (const std::string sched : {"constant", "step", "cosine"}) {
      auto spec = mlp_spec();
      spec.optim.optimizer = parse_choice<Optimizer>(opt);
      spec.optim.schedule = parse_choice<Schedule>(sched);
      spec.optim.step_size = 2;
      spec.optim.epochs = 4;
      spec.optim.clip = 1.0;
      spec.optim.lr = 1e-3;
      const Result r = train_one(spec, data);
      INFO(opt << " " << sched << ": " << r.message);
      CHECK(r.status == Outcome::Ok);
    }
  }
  auto spec = mlp_spec();
  spec.optim.lr = 0;  // nothing improves after the first epoch
  spec.optim.patience = 3;
  spec.optim.epochs = 50;
  const Result r = train_one(spec, data);
  CHECK(r.epochs == 4);
  CHECK(r.best_epoch == 1);
}

TEST_CASE("devices: cuda without a GPU is refused, auto falls back to the CPU", "[train][device]") {
  if (choose_device("auto", 0) != "cpu") {
    SUCCEED("a GPU is present: covered by scripts/gpu_check.sh");
    return;
  }
  CHECK(choose_device("cpu", 3) == "cpu");
  CHECK_THROWS_AS(choose_device("cuda", 0), InputError);
  CHECK_THROWS_WITH(choose_device("cuda", 0), Catch::Contains("device: auto"));
}

TEST_CASE("on a GPU: training runs on the device, and running out of memory is a failed result",
          "[train][cuda]") {
  if (choose_device("auto", 0) == "cpu") {
    SUCCEED("no GPU here");
    return;
  }
  const auto data = runge_data();
  auto spec = mlp_spec();
  spec.optim.device = "cuda";
  const Result r = train_one(spec, data);
  INFO(r.message);
  CHECK(r.status == Outcome::Ok);
  CHECK(r.device.rfind("cuda:", 0) == 0);
  CHECK(r.val_error < 1e-3);
  // Divergence is found on the device too (checked once per epoch there).
  auto wild = spec;
  wild.optim.optimizer = Optimizer::Sgd;
  wild.optim.lr = 1e8;
  const Result d = train_one(wild, data);
  CHECK(d.status == Outcome::Diverged);
  CHECK(std::isinf(d.val_error));
  // A batch of 200 000 CIFAR-sized images through 512 filters needs ~400 GB of activations.
  DataSet big = images(3, 32);
  big.train.rows = 200000;
  big.train.x.assign(static_cast<std::size_t>(200000) * 3 * 32 * 32, 0.0f);
  big.train.label.assign(200000, 1);
  TrainSpec huge;
  huge.model.type = ModelType::Cnn;
  huge.model.layers = 1;
  huge.model.filters = {512};
  huge.model.pooling = Pooling::None;
  huge.optim.loss = Loss::CrossEntropy;
  huge.optim.batch_size = 200000;
  huge.optim.epochs = 1;
  huge.optim.device = "cuda";
  const Result oom = train_one(huge, big);
  CHECK(oom.status == Outcome::Failed);
  CHECK(oom.message.find("memory") != std::string::npos);
  // The device is still usable afterwards.
  CHECK(train_one(spec, data).status == Outcome::Ok);
}

namespace {

DataSpec table_spec(const std::string& file, std::vector<std::string> x, std::vector<std::string> y,
                    const std::string& task) {
  DataSpec s;
  s.name = "table";
  s.path = std::string(HSICHO_TEST_DATA "/table/") + file;
  s.x = std::move(x), s.y = std::move(y), s.task = task;
  return s;
}

}  // namespace

TEST_CASE("a CNN learns images from an HDF5 array (N x C x H x W, uint8 labels)",
          "[train][table]") {
  TrainSpec t;
  t.data = table_spec("bars.h5", {"/images"}, {"/labels"}, "classification");
  const DataSet d = load_dataset(t.data, 1);
  t.model.type = ModelType::Cnn;
  t.model.layers = 1;
  t.model.filters = {4};
  t.model.head_units = {8};
  t.optim.loss = Loss::CrossEntropy;
  t.optim.lr = 1e-2;
  t.optim.batch_size = 16;
  t.optim.epochs = 15;
  const Result r = train_one(t, d);
  REQUIRE(r.status == Outcome::Ok);
  // Horizontal against vertical bars: chance is 0.5.
  CHECK(r.val_error <= 0.15);
  CHECK(std::isnan(r.val_rel_l2));
}

TEST_CASE("an MLP classifies a CSV table with cross-entropy", "[train][table]") {
  TrainSpec t = mlp_spec();
  t.data = table_spec("circle.csv", {"a", "b"}, {"inside"}, "classification");
  const DataSet d = load_dataset(t.data, 1);
  t.optim.loss = Loss::CrossEntropy;
  t.optim.epochs = 80;
  const Result r = train_one(t, d);
  REQUIRE(r.status == Outcome::Ok);
  CHECK(r.val_error <= 0.25);  // inside the unit circle or not; about half inside
}

TEST_CASE("regression errors are in the data's own units, whatever the scaling", "[train][table]") {
  // The trainer reports MSE = sum (f - y)^2 / (n k) and relative L2 = sqrt(sum (f - y)^2 / sum
  // y^2), both on unscaled targets: so MSE = rel^2 * mean(y^2), with y the file's values.
  for (const std::string scale : {"standard", "minmax", "none"}) {
    INFO(scale);
    TrainSpec t = mlp_spec();
    t.optim.epochs = 5;
    t.data = table_spec("oscillator.csv", {"t", "omega", "zeta"}, {"x", "v"}, "regression");
    t.data.scale = scale;
    const DataSet d = load_dataset(t.data, 1);
    DataSpec raw_spec = t.data;
    raw_spec.scale = "none";
    const DataSet raw = load_dataset(raw_spec, 1);
    double sq = 0;
    for (float v : raw.validation.y)
      sq += static_cast<double>(v) * v;
    const Result r = train_one(t, d);
    REQUIRE(r.status == Outcome::Ok);
    CHECK(r.val_error ==
          Approx(r.val_rel_l2 * r.val_rel_l2 * sq / raw.validation.y.size()).epsilon(1e-4));
    t.data.metric = Metric::RelativeL2;
    CHECK(train_one(t, d).val_error == Approx(r.val_rel_l2).epsilon(1e-9));
  }
}
