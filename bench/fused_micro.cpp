// Fused training of one set of networks against training them one at a time, in one process
// (issue 32): the cost model of train::form_groups was measured with it, and
// bench/fused_torch.py runs it beside PyTorch. Build: cmake --build build --target
// hsicho_fused_micro. Run on one core (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1):
//   hsicho_fused_micro G LAYERS WIDTH MODE
// MODE: identical (G MLPs LAYERS x WIDTH, relu, Adam), same (widths WIDTH - k mod 4), act (relu,
// tanh, silu mixed), opt (Adam and SGD mixed), mix (both), demo (the default deck's shapes:
// depths 1-3, widths 4-64, activations and optimizers mixed, batch 16, 60 epochs). Learning
// rates differ per network (1e-3 (k mod 16 + 1)). Runge data: 256 training, 256 validation,
// 1024 test rows, as the default deck. Modes for runge_small's largest group (batch 16, 60
// epochs, widths 4-50, depths 1-4, four activations, two optimizers): r16 as it is, r16_act (one
// activation), r16_depth (one depth, 4), r16_width (one width, 50), r16_opt (Adam only).
// HSICHO_FUSED_ONLY=1 skips the one-at-a-time part (for a profiler, or A/B runs of the fused).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsicho/train/fused.hpp"

using namespace hsicho::train;

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 16;
  const int layers = argc > 2 ? std::atoi(argv[2]) : 1;
  const int width = argc > 3 ? std::atoi(argv[3]) : 32;
  const std::string mode = argc > 4 ? argv[4] : "same";
  DataSpec ds;
  ds.name = "runge";
  ds.train = 256, ds.validation = 256, ds.test = 1024;
  const DataSet data = load_dataset(ds, 1);
  const bool r16 = mode.rfind("r16", 0) == 0;
  const bool mixed_act =
      mode == "mix" || mode == "act" || mode == "demo" || (r16 && mode != "r16_act");
  const bool mixed_opt =
      mode == "mix" || mode == "opt" || mode == "demo" || (r16 && mode != "r16_opt");
  const char* activations[] = {"relu", "tanh", "silu", "gelu"};
  const char* optimizers[] = {"adam", "sgd"};
  const int demo_widths[] = {4, 8, 16, 32, 64};
  std::vector<TrainSpec> specs;
  for (int k = 0; k < count; ++k) {
    TrainSpec t;
    t.model.layers = mode == "demo" ? 1 + k % 3 : layers;
    const int w = mode == "demo"        ? demo_widths[(k * 3) % 5]
                  : mode == "identical" ? width
                                        : width - k % 4;
    t.model.units.assign(static_cast<std::size_t>(t.model.layers), w);
    if (r16) {
      t.model.layers = mode == "r16_depth" ? 4 : 1 + (k * 7) % 4;
      t.model.units.assign(static_cast<std::size_t>(t.model.layers),
                           mode == "r16_width" ? 50 : 4 + (k * 13) % 47);
    }
    t.model.activation =
        parse_choice<Activation>(mixed_act ? activations[k % (r16 ? 4 : 3)] : "relu");
    t.optim.optimizer = parse_choice<Optimizer>(mixed_opt ? optimizers[k % 2] : "adam");
    t.optim.momentum = 0.5;
    t.optim.lr = 1e-3 * (k % 16 + 1);
    t.optim.batch_size = mode == "demo" || r16 ? 16 : 32;
    t.optim.epochs = mode == "demo" || r16 ? 60 : 20;
    t.optim.loss = Loss::Mse;
    t.seed = static_cast<std::uint64_t>(k + 1);
    specs.push_back(t);
  }
  const auto t0 = std::chrono::steady_clock::now();
  // HSICHO_FUSED_ONLY=1: the fused part alone (for a profiler).
  if (!std::getenv("HSICHO_FUSED_ONLY")) {
    for (const auto& s : specs)
      train_one(s, data);
  }
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<std::size_t> all;
  for (int k = 0; k < count; ++k)
    all.push_back(static_cast<std::size_t>(k));
  const auto groups = form_groups(specs, all, static_cast<std::size_t>(count));
  GroupHooks hooks;
  hooks.finished = [](std::size_t, Result) {};
  for (const auto& g : groups) {
    if (g.members.size() == 1) {
      train_one(specs[g.members[0]], data);
    } else {
      train_group(specs, g, data, 0, hooks);
    }
  }
  const auto t2 = std::chrono::steady_clock::now();
  const double alone = std::chrono::duration<double>(t1 - t0).count();
  const double fused = std::chrono::duration<double>(t2 - t1).count();
  std::printf(
      "G=%d layers=%d width=%d %s (%zu groups): one at a time %.3f s, fused %.3f s, ratio %.2f\n",
      count, layers, width, mode.c_str(), groups.size(), alone, fused, alone / fused);
}
