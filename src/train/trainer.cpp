#include "hsicho/train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "evaluation.hpp"
#include "hook_guard.hpp"
#include "hsicho/error.hpp"
#include "hsicho/train/flops.hpp"
#include "model.hpp"
#include "paused_progress.hpp"

namespace hsicho::train {

std::string choose_device(const std::string& requested, int local_rank) {
  if (requested == "cpu") return "cpu";
  const bool cuda = torch::cuda::is_available();
  if (!cuda) {
    if (requested == "auto") return "cpu";
    throw InputError(
        "device: cuda, but no CUDA device is usable here (" +
        std::string(torch::cuda::device_count() == 0 ? "none found" : "driver problem") +
        "; this LibTorch " + (torch::cuda::is_available() ? "has" : "may lack") +
        " CUDA support). Use device: auto to fall back to the CPU");
  }
  const auto count = static_cast<int>(torch::cuda::device_count());
  return "cuda:" + std::to_string(local_rank % count);
}

namespace {

// One network's error on a split, in batches of `batch` (ErrorMeter, as the fused trainer's).
Errors evaluate(torch::nn::Sequential& net, const DeviceSplit& t, const DataSet& d, Metric metric,
                int batch) {
  torch::NoGradGuard guard;
  net->eval();
  ErrorMeter meter(d, metric, 1, t.y);
  for (int first = 0; first < t.rows; first += batch) {
    const int len = std::min(batch, static_cast<int>(t.rows) - first);
    meter.add(net->forward(t.x.narrow(0, first, len)).unsqueeze(0), t.y.narrow(0, first, len));
  }
  net->train();
  return meter.errors().front();
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimSpec& o,
                                                        std::vector<torch::Tensor> params) {
  switch (o.optimizer) {
    case Optimizer::Sgd:
      return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(o.lr)
                                                             .momentum(o.momentum)
                                                             .nesterov(o.nesterov)
                                                             .weight_decay(o.weight_decay));
    case Optimizer::Adamw:
      return std::make_unique<torch::optim::AdamW>(
          params, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
    case Optimizer::Rmsprop:
      return std::make_unique<torch::optim::RMSprop>(
          params,
          torch::optim::RMSpropOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
    case Optimizer::Adam:
      break;
  }
  return std::make_unique<torch::optim::Adam>(
      params, torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
}

bool finite_weights(torch::nn::Module& m) {
  for (const auto& p : m.parameters()) {
    if (!torch::isfinite(p).all().item<bool>()) return false;
  }
  return true;
}

}  // namespace

std::int64_t count_parameters(const ModelSpec& model, const DataSet& data) {
  auto net = build_model(model, data.input_shape, data.outputs);
  std::int64_t n = 0;
  for (const auto& p : net->parameters())
    n += p.numel();
  return n;
}

Result train_one(const TrainSpec& spec, const DataSet& data, int local_rank) {
  return *train_one(spec, data, local_rank, Hooks{});
}

namespace {

// The paused state of a training (train_pausable): tensors by name in one LibTorch archive.
struct PausedState {
  std::vector<torch::Tensor>& state;       // parameters, then buffers
  std::vector<torch::Tensor>& best_state;  // the same at the best epoch
  torch::optim::Optimizer& optimizer;
  Result& r;
  double& best;
  int& since_best;
};

void save_paused(const PausedState& p, const std::string& file, const torch::Device& device) {
  torch::serialize::OutputArchive a;
  for (std::size_t k = 0; k < p.state.size(); ++k) {
    a.write("state." + std::to_string(k), p.state[k].detach().cpu());
    a.write("best." + std::to_string(k), p.best_state[k].detach().cpu());
  }
  torch::serialize::OutputArchive opt;
  p.optimizer.save(opt);
  a.write("optimizer", opt);
  // The generator that orders the batches (randperm) and draws dropout masks: the CPU's, and the
  // device's where dropout runs on a GPU.
  a.write("rng.cpu", at::detail::getDefaultCPUGenerator().get_state());
  if (device.is_cuda())
    a.write("rng.device", at::globalContext().defaultGenerator(device).get_state());
  write_progress(a, p.r, p.best, p.since_best);
  save_atomically(a, file);
}

void load_paused(const PausedState& p, const std::string& file, const torch::Device& device) {
  try {
    torch::serialize::InputArchive a;
    a.load_from(file);
    torch::NoGradGuard guard;
    const auto get = [&](const std::string& key) { return archived(a, key); };
    for (std::size_t k = 0; k < p.state.size(); ++k) {
      p.state[k].copy_(get("state." + std::to_string(k)));
      p.best_state[k].copy_(get("best." + std::to_string(k)));
    }
    torch::serialize::InputArchive opt;
    a.read("optimizer", opt);
    p.optimizer.load(opt);
    at::Generator cpu = at::detail::getDefaultCPUGenerator();  // a handle on the global one
    cpu.set_state(get("rng.cpu"));
    if (device.is_cuda()) {
      at::Generator gpu = at::globalContext().defaultGenerator(device);
      gpu.set_state(get("rng.device"));
    }
    read_progress(a, p.r, p.best, p.since_best);
  } catch (const c10::Error& e) {
    throw RuntimeError(unreadable_paused(file, e.what()));
  }
}

std::optional<Result> train_watched(const TrainSpec& spec, const DataSet& data, int local_rank,
                                    const Hooks& hooks, const Pausing& pausing = {},
                                    PausableResult* paused = nullptr) {
  Result r;
  bool interrupted = false;
  double seconds_before = 0;  // a continued training's seconds before its pause
  r.seed = spec.seed;
  r.device = choose_device(spec.optim.device, local_rank);  // InputError: not the training's fault
  const auto start = std::chrono::steady_clock::now();
  try {
    const torch::Device device(r.device);
    torch::manual_seed(spec.seed);
    if (device.is_cuda()) torch::cuda::manual_seed_all(spec.seed);
    auto net = build_model(spec.model, data.input_shape, data.outputs);
    for (const auto& p : net->parameters())
      r.parameters += p.numel();
    torch::set_num_threads(threads_for_network(spec.optim.threads, spec.model.type, r.parameters));
    r.flops = inference_flops(spec.model, data.input_shape, data.outputs);
    net->to(device);
    // Data moves to the device once, not per batch.
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    const DeviceSplit train = to_device(data.train, data, options, false);
    const DeviceSplit val = to_device(data.validation, data, options, false);
    const DeviceSplit test = to_device(data.test, data, options, false);
    auto opt = make_optimizer(spec.optim, net->parameters());
    const auto& o = spec.optim;
    const int eval_batch = std::max(o.batch_size, 1024);
    double best = std::numeric_limits<double>::infinity();
    int since_best = 0;
    // The weights (and batch-norm statistics) of the best validation epoch: the test error is
    // measured on them once, when the training ends, not at every epoch that improves.
    std::vector<torch::Tensor> state, best_state;
    for (const auto& p : net->parameters())
      state.push_back(p);
    for (const auto& b : net->buffers())
      state.push_back(b);
    for (const auto& t : state)
      best_state.push_back(t.detach().clone());
    const PausedState held{state, best_state, *opt, r, best, since_best};
    // The paused state's file is the run's (like a hook's journal): a fault there ends the run.
    if (pausing.continue_from) {
      call_hook([&] { load_paused(held, pausing.source(), device); });
      seconds_before = r.seconds;
    }
    for (int epoch = r.epochs; epoch < o.epochs; ++epoch) {
      const double lr = scheduled_lr(o, epoch);
      for (auto& group : opt->param_groups())
        group.options().set_lr(lr);
      const auto order =
          torch::randperm(train.rows, torch::TensorOptions().dtype(torch::kInt64)).to(device);
      // On a GPU, reading the loss every batch would wait for the device each time: the losses
      // are summed there and checked once per epoch. On the CPU the check is free and stops at
      // once.
      torch::Tensor epoch_loss = torch::zeros({}, torch::TensorOptions().device(device));
      for (int first = 0; first < train.rows; first += o.batch_size) {
        if (hooks.interrupted && call_hook(hooks.interrupted)) {
          interrupted = true;
          break;
        }
        const int len = std::min(o.batch_size, static_cast<int>(train.rows) - first);
        if (len < 2 && spec.model.batch_norm) continue;  // batch norm needs two samples
        const auto idx = order.narrow(0, first, len);
        opt->zero_grad();
        const auto loss = batch_loss(o.loss, net->forward(train.x.index_select(0, idx)),
                                     train.y.index_select(0, idx));
        if (device.is_cuda()) {
          epoch_loss += loss.detach();
        } else if (const double value = loss.item<double>(); !std::isfinite(value)) {
          r.status = Outcome::Diverged;
          r.message =
              "loss became " + std::to_string(value) + " in epoch " + std::to_string(epoch + 1);
          break;
        }
        loss.backward();
        if (o.clip > 0) torch::nn::utils::clip_grad_norm_(net->parameters(), o.clip);
        opt->step();
      }
      if (interrupted) break;
      r.epochs = epoch + 1;
      if (r.ok() && device.is_cuda() && !std::isfinite(epoch_loss.item<double>())) {
        r.status = Outcome::Diverged;
        r.message = "loss became infinite or NaN in epoch " + std::to_string(epoch + 1);
      }
      if (r.ok() && !finite_weights(*net)) {
        r.status = Outcome::Diverged;
        r.message = "weights became infinite or NaN in epoch " + std::to_string(epoch + 1);
      }
      if (!r.ok()) break;
      const Errors v = evaluate(net, val, data, spec.data.metric, eval_batch);
      if (!std::isfinite(v.error)) {
        r.status = Outcome::Diverged;
        r.message = "validation error became " + std::to_string(v.error) + " in epoch " +
                    std::to_string(epoch + 1);
        break;
      }
      r.curves.push_back(v.error);
      if (v.error < best) {
        best = v.error;
        since_best = 0;
        r.best_epoch = epoch + 1;
        r.val_error = v.error;
        r.val_rel_l2 = v.rel_l2;
        torch::NoGradGuard guard;
        for (std::size_t k = 0; k < state.size(); ++k)
          best_state[k].copy_(state[k]);
      } else if (o.patience > 0 && ++since_best >= o.patience) {
        break;  // early stopping
      }
      if (hooks.after_epoch) {
        // The best validation error so far: what the training's result would be if it ended now.
        const auto next = call_hook([&] { return hooks.after_epoch(epoch + 1, best); });
        if (next == AfterEpoch::Interrupt) interrupted = true;
        if (next != AfterEpoch::Continue) break;
      }
      if (epoch + 1 == pausing.pause_after && epoch + 1 < o.epochs) {
        r.seconds = seconds_before +
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        call_hook([&] { save_paused(held, pausing.state_file, device); });
        if (paused) {
          paused->paused = true;
          paused->at_pause = r;
          if (r.best_epoch > 0) {
            // The test error of the best epoch's weights, as a training ending here measures it;
            // the weights of this epoch put back after (the state file holds them anyway).
            torch::NoGradGuard guard;
            std::vector<torch::Tensor> now;
            for (std::size_t k = 0; k < state.size(); ++k) {
              now.push_back(state[k].detach().clone());
              state[k].copy_(best_state[k]);
            }
            const Errors t = evaluate(net, test, data, spec.data.metric, eval_batch);
            paused->at_pause.test_error = t.error;
            paused->at_pause.test_rel_l2 = t.rel_l2;
            for (std::size_t k = 0; k < state.size(); ++k)
              state[k].copy_(now[k]);
          }
        }
        return std::nullopt;
      }
    }
    if (r.ok() && r.best_epoch > 0 && !interrupted) {
      torch::NoGradGuard guard;
      for (std::size_t k = 0; k < state.size(); ++k)
        state[k].copy_(best_state[k]);
      const Errors t = evaluate(net, test, data, spec.data.metric, eval_batch);
      r.test_error = t.error;
      r.test_rel_l2 = t.rel_l2;
    }
  } catch (const std::exception& e) {
    // c10::Error (out of memory, a shape problem) and the like: this training failed, not the run
    // (a hook's fault is a HookFault, not caught here).
    r.status = Outcome::Failed;
    r.cause = "exception";
    r.message = e.what();
    const auto eol = r.message.find('\n');
    if (eol != std::string::npos) r.message.resize(eol);
  }
  if (!r.ok()) {
    r.val_error = r.test_error = std::numeric_limits<double>::infinity();
  }
  r.seconds = seconds_before +
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (interrupted) return std::nullopt;
  return r;
}

}  // namespace

PausableResult train_pausable(const TrainSpec& spec, const DataSet& data, int local_rank,
                              const Hooks& hooks, const Pausing& pausing) {
  PausableResult out;
  out.result = rethrow_hook_faults(
      [&] { return train_watched(spec, data, local_rank, hooks, pausing, &out); });
  return out;
}

std::optional<Result> train_one(const TrainSpec& spec, const DataSet& data, int local_rank,
                                const Hooks& hooks) {
  return rethrow_hook_faults([&] { return train_watched(spec, data, local_rank, hooks); });
}

}  // namespace hsicho::train
