// Training throughput of hsicho's trainer (the same code path as every study's trainings).
// Usage: hsicho_bench_train mlp|cnn EPOCHS [DEVICE]   (DEVICE: cpu (default), cuda, auto)
// Prints: hsicho <case> samples_per_second=<v> seconds=<t> parameters=<p>
// bench/train_vs_pytorch.py runs it beside the same networks and loop in Python PyTorch.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsicho/random.hpp"
#include "hsicho/train/trainer.hpp"

using namespace hsicho::train;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s mlp|cnn EPOCHS\n", argv[0]);
    return 2;
  }
  const std::string which = argv[1];
  const int epochs = std::atoi(argv[2]);
  TrainSpec spec;
  spec.optim.device = argc > 3 ? argv[3] : "cpu";
  spec.optim.epochs = epochs;
  spec.optim.optimizer = Optimizer::Adam;
  spec.optim.lr = 1e-3;
  spec.optim.threads = 1;
  DataSet data;
  if (which == "mlp") {
    // Small MLP on the 1-D Runge function: 1 -> 64 -> 64 -> 1, tanh, batch 32.
    DataSpec ds;
    ds.name = "runge";
    ds.train = 4096, ds.validation = 64, ds.test = 64;
    data = load_dataset(ds, 1);
    spec.model.type = ModelType::Mlp;
    spec.model.layers = 2;
    spec.model.units = {64, 64};
    spec.model.activation = Activation::Tanh;
    spec.optim.batch_size = 32;
    spec.optim.loss = Loss::Mse;
  } else {
    // LeNet-like CNN on MNIST-shaped data (random pixels): conv5(6)-pool-conv5(16)-pool-120-84-10.
    data.classification = true;
    data.outputs = 10;
    data.input_shape = {1, 28, 28};
    hsicho::Rng rng(1);
    for (Split* s : {&data.train, &data.validation, &data.test}) {
      s->rows = s == &data.train ? 2048 : 64;
      for (int k = 0; k < s->rows * 784; ++k)
        s->x.push_back(static_cast<float>(rng.uniform()));
      for (int r = 0; r < s->rows; ++r)
        s->label.push_back(static_cast<std::int64_t>(rng.below(10)));
    }
    spec.model.type = ModelType::Cnn;
    spec.model.layers = 2;
    spec.model.filters = {6, 16};
    spec.model.kernel_size = 5;
    spec.model.head_units = {120, 84};
    spec.model.activation = Activation::Relu;
    spec.optim.batch_size = 64;
    spec.optim.loss = Loss::CrossEntropy;
  }
  // A first, short training pays the one-time costs (device context, kernels' first use) that
  // a study pays once per process, not once per training.
  TrainSpec warm = spec;
  warm.optim.epochs = 1;
  train_one(warm, data);
  const Result r = train_one(spec, data);
  if (!r.ok()) {
    std::fprintf(stderr, "training %s: %s\n", outcome_name(r.status), r.message.c_str());
    return 1;
  }
  std::printf("hsicho %s device=%s samples_per_second=%.1f seconds=%.4f parameters=%lld\n",
              which.c_str(), r.device.c_str(),
              static_cast<double>(data.train.rows) * r.epochs / r.seconds, r.seconds,
              static_cast<long long>(r.parameters));
  return 0;
}
