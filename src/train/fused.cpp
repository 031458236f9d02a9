// Fused training of a group of MLPs (include/hsicho/train/fused.hpp). Every tensor has the group
// as its first dimension: weights [G, in, out], biases [G, 1, out], optimizer states alike, and
// per-network settings as [G, 1, 1] columns. A network that ends leaves the group: every tensor
// keeps the rows of the networks still training (index_select), so the cost follows them.
#include "hsicho/train/fused.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include <torch/version.h>

#include "batched_affine.hpp"
#include "hook_guard.hpp"
#include "hsicho/error.hpp"
#include "hsicho/train/flops.hpp"
#include "model.hpp"

namespace hsicho::train {

bool fusable(const TrainSpec& s) {
  return s.model.type == "mlp" && s.model.dropout == 0 && !s.model.batch_norm;
}

std::string fuse_key(const TrainSpec& s) {
  // Depths mix (gates), but a network without hidden layers has nothing to pass through.
  return s.model.type + "/" + (s.model.layers > 0 ? "hidden" : "linear") + "/" +
         std::to_string(s.optim.batch_size) + "/" + s.optim.loss + "/" + s.optim.device + "/" +
         std::to_string(s.optim.threads) + "/" + s.data.metric;
}

namespace {

// The hidden widths a group pads its members to: per layer the widest member's; with mixed
// depths the widest of all on every layer (a shallower member's values pass through).
std::vector<int> padded_widths(const std::vector<TrainSpec>& specs,
                               const std::vector<std::size_t>& members) {
  int layers = 0;
  bool mixed = false;
  for (auto k : members) {
    mixed = mixed || (layers != 0 && specs[k].model.layers != layers);
    layers = std::max(layers, specs[k].model.layers);
  }
  std::vector<int> widths(static_cast<std::size_t>(layers), 0);
  for (auto k : members) {
    const auto& u = specs[k].model.units;
    for (int l = 0; l < specs[k].model.layers; ++l) {
      auto& w = widths[static_cast<std::size_t>(l)];
      w = std::max(w, u[static_cast<std::size_t>(l)]);
    }
  }
  if (mixed && !widths.empty()) {
    const int widest = *std::max_element(widths.begin(), widths.end());
    std::fill(widths.begin(), widths.end(), widest);
  }
  return widths;
}

// Multiply-adds of one forward pass of one sample through layers of these widths.
double macs(long inputs, const std::vector<int>& widths, long outputs) {
  double m = 0;
  long in = inputs;
  for (int w : widths)
    m += static_cast<double>(in) * w, in = w;
  return m + static_cast<double>(in) * static_cast<double>(outputs);
}

// The cost model that chooses the groups, in nanoseconds per optimizer step (evaluations
// included), fitted on one core of the 2-core machine with bench/fused_micro.cpp (16 identical
// MLPs, 1 and 3 layers of 4 and 64 units, batch 32, layers through batched_affine's direct BLAS
// calls): a step costs an overhead that grows with the depth, plus the arithmetic, per
// multiply-add of one sample's forward pass (backward included); fused, the padded arithmetic of
// every member.
constexpr double kFusedStep = 130e3, kFusedPerLayer = 35e3, kAloneStep = 85e3,
                 kAlonePerLayer = 50e3, kPerMac = 0.25;

}  // namespace

std::vector<Group> form_groups(const std::vector<TrainSpec>& specs,
                               std::vector<std::size_t> positions, std::size_t max_size,
                               long inputs, long outputs) {
  // By widest layer, then depth: neighbours pad one another little.
  auto shape = [&](std::size_t k) {
    const auto& u = specs[k].model.units;
    const int layers = specs[k].model.layers;
    const int widest = layers > 0 ? *std::max_element(u.begin(), u.begin() + layers) : 0;
    return std::tuple{widest, layers, k};
  };
  std::sort(positions.begin(), positions.end(),
            [&](auto a, auto b) { return shape(a) < shape(b); });
  max_size = std::max<std::size_t>(max_size, 1);
  const std::size_t n = positions.size();
  // Cuts into runs of the sorted order that minimize the modelled cost (dynamic programming over
  // where each run starts): a run of one trains alone.
  auto cost = [&](std::size_t first, std::size_t last) {  // [first, last)
    const auto batch = static_cast<double>(specs[positions[first]].optim.batch_size);
    if (last - first == 1) {
      const auto& m = specs[positions[first]].model;
      const std::vector<int> own(m.units.begin(), m.units.begin() + m.layers);
      return kAloneStep + kAlonePerLayer * m.layers + kPerMac * batch * macs(inputs, own, outputs);
    }
    const std::vector<std::size_t> members(positions.begin() + static_cast<long>(first),
                                           positions.begin() + static_cast<long>(last));
    const auto widths = padded_widths(specs, members);
    return kFusedStep + kFusedPerLayer * static_cast<double>(widths.size()) +
           kPerMac * batch * static_cast<double>(last - first) * macs(inputs, widths, outputs);
  };
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> start(n + 1, 0);
  best[0] = 0;
  for (std::size_t end = 1; end <= n; ++end) {
    for (std::size_t first = end > max_size ? end - max_size : 0; first < end; ++first) {
      const double c = best[first] + cost(first, end);
      if (c < best[end]) best[end] = c, start[end] = first;
    }
  }
  std::vector<Group> groups;
  for (std::size_t end = n; end > 0; end = start[end]) {
    Group group;
    group.members.assign(positions.begin() + static_cast<long>(start[end]),
                         positions.begin() + static_cast<long>(end));
    group.widths = padded_widths(specs, group.members);
    std::sort(group.members.begin(), group.members.end());
    groups.push_back(std::move(group));
  }
  std::reverse(groups.begin(), groups.end());
  return groups;
}

namespace {

using torch::Tensor;

struct Member {
  std::size_t index;  // into specs
  const TrainSpec* spec;
  Result r;
  at::Generator order;  // its data order: the stream its training alone draws
  double best = std::numeric_limits<double>::infinity();
  int since_best = 0;
  bool done = false;
};

// [G, 1] columns of the members' settings.
struct Settings {
  Tensor weight_decay, momentum, nesterov, clip;
  bool any_decay = false, any_clip = false;
  std::vector<std::string> optimizer, activation;
};

Tensor column(const std::vector<double>& v, const torch::TensorOptions& o) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kFloat64))
      .to(o)
      .view({static_cast<long>(v.size()), 1});
}

Tensor activate(const std::string& name, const Tensor& h) {
  if (name == "relu") return torch::relu(h);
  if (name == "tanh") return torch::tanh(h);
  if (name == "sigmoid") return torch::sigmoid(h);
  if (name == "elu") return torch::elu(h);
  if (name == "gelu") return torch::gelu(h);
  return torch::silu(h);
}

// Rows of adjacent members that share a setting (an activation, an optimizer).
struct Run {
  std::string name;
  long start = 0, length = 0;
};
std::vector<Run> runs_of(const std::vector<std::string>& labels) {
  std::vector<Run> runs;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    if (runs.empty() || runs.back().name != labels[k])
      runs.push_back({labels[k], static_cast<long>(k), 0});
    ++runs.back().length;
  }
  return runs;
}

// Runs of activations as integers (kind, first row, rows; three per run), as an autograd node
// keeps them for its backward: made once per change of the group, not per layer and step.
enum Activation : std::int64_t { kRelu, kTanh, kSigmoid, kElu, kGelu, kSilu };
std::vector<std::int64_t> encode(const std::vector<Run>& runs) {
  static const std::map<std::string, Activation> kinds = {
      {"relu", kRelu}, {"tanh", kTanh}, {"sigmoid", kSigmoid}, {"elu", kElu}, {"gelu", kGelu}};
  std::vector<std::int64_t> code;
  for (const auto& r : runs) {
    const auto it = kinds.find(r.name);
    code.insert(code.end(), {it == kinds.end() ? kSilu : it->second, r.start, r.length});
  }
  return code;
}

// Each member's own activation on its run of rows, as one autograd node: forward and backward
// write each run's slice (rows of members are contiguous) with the same kernels autograd uses
// for the activation alone, so the values and gradients are those of each network trained alone,
// without the full-size zero tensors that slicing a tensor costs in backward.
struct RunActivation : public torch::autograd::Function<RunActivation> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& h,
                               const std::vector<std::int64_t>& runs) {
    torch::Tensor y = torch::empty_like(h);
    for (std::size_t k = 0; k < runs.size(); k += 3) {
      const auto in = h.narrow(0, runs[k + 1], runs[k + 2]);
      auto out = y.narrow(0, runs[k + 1], runs[k + 2]);
      switch (runs[k]) {
        case kRelu:
          at::clamp_min_out(out, in, 0);
          break;
        case kTanh:
          at::tanh_out(out, in);
          break;
        case kSigmoid:
          at::sigmoid_out(out, in);
          break;
        case kElu:
          at::elu_out(out, in);
          break;
        case kGelu:
          at::gelu_out(out, in);
          break;
        default:
          at::silu_out(out, in);
      }
    }
    ctx->save_for_backward({h, y});
    ctx->saved_data["runs"] = runs;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &h = saved[0], &y = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor dh = torch::empty_like(h);
    const auto runs = ctx->saved_data["runs"].toIntVector();
    for (std::size_t k = 0; k < runs.size(); k += 3) {
      const auto first = runs[k + 1], rows = runs[k + 2];
      const auto gr = g.narrow(0, first, rows), in = h.narrow(0, first, rows),
                 out = y.narrow(0, first, rows);
      auto d = dh.narrow(0, first, rows);
      // The derivatives of tools/autograd/derivatives.yaml, on the run's rows.
      switch (runs[k]) {
        case kRelu:
          at::threshold_backward_out(d, gr, out, 0);
          break;
        case kTanh:
          at::tanh_backward_out(d, gr, out);
          break;
        case kSigmoid:
          at::sigmoid_backward_out(d, gr, out);
          break;
        case kElu:
          at::elu_backward_out(d, gr, 1, 1, 1, false, in);
          break;
        case kGelu:
          at::gelu_backward_out(d, gr, in);
          break;
        default:
          at::silu_backward_out(d, gr, in);
      }
    }
    return {dh, torch::Tensor()};
  }
};

// The group's networks. Every parameter of a member lives in one row of one flat leaf tensor
// [G, P] (layer weights and biases are views of it), so that the gradients arrive as one tensor
// and an optimizer step, the padding mask, clipping and a member leaving are a few operations on
// it, whatever the depth.
class FusedNets {
 public:
  FusedNets(std::vector<Member>& members, const Group& group, const DataSet& data,
            const torch::TensorOptions& options)
      : options_(options) {
    for (int v : data.input_shape)
      in_ *= v;
    sizes_ = {in_};
    for (int w : group.widths)
      sizes_.push_back(w);
    sizes_.push_back(data.outputs);
    long total = 0;
    for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
      offsets_.push_back(total);
      total += sizes_[l] * sizes_[l + 1] + sizes_[l + 1];
    }
    const long g_count = static_cast<long>(members.size());
    Tensor flat = torch::zeros({g_count, total}, options);
    Tensor mask = torch::zeros({g_count, total}, options);
    // Each network built as it would be alone (its seed, its init), copied into its row; the
    // generator's state after that is the stream of its data order.
    bool padded = false;
    torch::NoGradGuard guard;
    for (std::size_t g = 0; g < members.size(); ++g) {
      auto& m = members[g];
      torch::manual_seed(m.spec->seed);
      auto net = build_model(m.spec->model, data.input_shape, data.outputs);
      m.order = at::detail::getDefaultCPUGenerator().clone();
      std::size_t l = 0;
      const long row = static_cast<long>(g);
      const auto depth = static_cast<std::size_t>(m.spec->model.layers);
      depth_.push_back(m.spec->model.layers);
      for (const auto& child : net->children()) {
        const auto* lin = child->as<torch::nn::Linear>();
        if (!lin) continue;
        // A shallower member's output layer is the group's: its layers between pass its hidden
        // values through unchanged (gates), their weights held at zero.
        if (l == depth) l = sizes_.size() - 2;
        const auto out = lin->weight.size(0), in = lin->weight.size(1);
        weight_of(flat, l)[row].narrow(0, 0, in).narrow(1, 0, out).copy_(lin->weight.t());
        bias_of(flat, l)[row][0].narrow(0, 0, out).copy_(lin->bias);
        weight_of(mask, l)[row].narrow(0, 0, in).narrow(1, 0, out).fill_(1);
        bias_of(mask, l)[row][0].narrow(0, 0, out).fill_(1);
        padded = padded || out < sizes_[l + 1] || in < sizes_[l];
        ++l;
      }
      padded = padded || m.spec->model.layers + 2 < static_cast<int>(sizes_.size());
      for (const auto& p : net->parameters())
        m.r.parameters += p.numel();
    }
    flat_ = flat;
    make_leaves();
    if (padded) mask_ = mask;
    std::vector<double> wd, mom, nest, clip;
    for (const auto& m : members) {
      settings_.optimizer.push_back(m.spec->optim.optimizer);
      settings_.activation.push_back(m.spec->model.activation);
      wd.push_back(m.spec->optim.weight_decay);
      mom.push_back(m.spec->optim.momentum);
      nest.push_back(m.spec->optim.nesterov ? 1 : 0);
      clip.push_back(m.spec->optim.clip);
      settings_.any_decay = settings_.any_decay || m.spec->optim.weight_decay != 0;
      settings_.any_clip = settings_.any_clip || m.spec->optim.clip > 0;
    }
    settings_.weight_decay = column(wd, options);
    settings_.momentum = column(mom, options);
    settings_.nesterov = column(nest, options).gt(0);
    settings_.clip = column(clip, options);
    masks_from_activations();
  }

  // Members' outputs for inputs h: [G, rows, in], or [rows, in] (the same rows for all); with
  // `keep`, of the members in those rows only.
  Tensor forward(Tensor h, const Tensor& keep = Tensor(), bool best = false) const {
    const long g = keep.defined() ? keep.size(0) : size();
    if (h.dim() == 2) h = h.unsqueeze(0).expand({g, h.size(0), h.size(1)});
    // Training: the leaves (their gradients land in grad_); else copies of the rows asked for.
    const bool leaves = !keep.defined() && !best;
    const Tensor& all = best ? best_ : flat_;
    const Tensor flat = leaves ? Tensor() : keep.defined() ? all.index_select(0, keep) : all;
    const std::size_t last = sizes_.size() - 2;
    for (std::size_t l = 0; l <= last; ++l) {
      auto z = leaves ? batched_affine(h, weights_[l], biases_[l])
                      : batched_affine(h, weight_of(flat, l), bias_of(flat, l));
      if (l == last) return z;
      z = hidden_activation(z, keep);
      // Members shallower than this layer keep their values exactly (where() selects).
      const Tensor& gate = gates_[l];
      h = gate.defined() ? torch::where(keep.defined() ? gate.index_select(0, keep) : gate, z, h)
                         : z;
    }
    return h;
  }

  // Keeps the weights of the rows `rows` as their best (the test error is measured on them once,
  // when the member ends).
  void remember_best(const Tensor& rows) {
    torch::NoGradGuard guard;
    if (!best_.defined()) best_ = torch::zeros_like(flat_);
    best_.index_copy_(0, rows, flat_.index_select(0, rows));
  }

  void zero_grad() { grad_.zero_(); }

  // One optimizer step of every member, each with its own optimizer, settings and rate [G, 1].
  void step(const Tensor& lr) {
    torch::NoGradGuard guard;
    ++steps_;
    check_gradients();
    Tensor grad = grad_;
    if (mask_.defined()) grad.mul_(mask_);  // padding stays exactly 0
    if (settings_.any_clip) {
      // torch::nn::utils::clip_grad_norm_ per member: its gradients' total norm at most `clip`.
      const auto norm = grad.pow(2).sum(1, true).sqrt();
      grad.mul_(torch::where(settings_.clip.gt(0), (settings_.clip / (norm + 1e-6)).clamp_max(1.0),
                             torch::ones_like(norm)));
    }
    // Members sharing an optimizer are adjacent rows (train_group orders them so): each run is
    // updated in place through views, without gathering rows.
    for (const auto& run : opt_runs_) {
      auto rows = [&](const Tensor& t) { return t.narrow(0, run.start, run.length); };
      const bool adam = run.name == "adam" || run.name == "adamw";
      if (adam && !avg_.defined()) {
        avg_ = torch::zeros_like(grad);
        avg_sq_ = torch::zeros_like(grad);
      }
      if (run.name == "rmsprop" && !avg_sq_.defined()) avg_sq_ = torch::zeros_like(grad);
      if (!adam && !buffer_.defined()) buffer_ = torch::zeros_like(grad);
      Tensor value = rows(flat_), avg = adam ? rows(avg_) : Tensor(),
             avg_sq = avg_sq_.defined() ? rows(avg_sq_) : Tensor(),
             buffer = buffer_.defined() ? rows(buffer_) : Tensor();
      update(run.name, value, rows(grad), rows(lr), rows(settings_.weight_decay),
             rows(settings_.momentum), rows(settings_.nesterov), avg, avg_sq, buffer);
    }
  }

  // Per member: whether every weight is finite.
  Tensor finite() const { return torch::isfinite(flat_).all(1); }

  // Keeps the rows `keep` (the members still training) of every tensor.
  void keep(const std::vector<long>& keep) {
    const auto idx =
        torch::tensor(keep, torch::TensorOptions().dtype(torch::kInt64)).to(options_.device());
    torch::NoGradGuard guard;
    flat_ = flat_.index_select(0, idx);
    make_leaves();
    for (auto* t : {&mask_, &best_, &avg_, &avg_sq_, &buffer_, &settings_.weight_decay,
                    &settings_.momentum, &settings_.nesterov, &settings_.clip}) {
      if (t->defined()) *t = t->index_select(0, idx);
    }
    std::vector<std::string> opt, act;
    for (auto k : keep) {
      opt.push_back(settings_.optimizer[static_cast<std::size_t>(k)]);
      act.push_back(settings_.activation[static_cast<std::size_t>(k)]);
    }
    settings_.optimizer = opt;
    settings_.activation = act;
    std::vector<int> depth;
    for (auto k : keep)
      depth.push_back(depth_[static_cast<std::size_t>(k)]);
    depth_ = depth;
    settings_.any_clip = settings_.clip.gt(0).any().item<bool>();
    settings_.any_decay = settings_.weight_decay.ne(0).any().item<bool>();
    masks_from_activations();
  }

  long size() const { return flat_.size(0); }
  long inputs() const { return in_; }

 private:
  void make_leaves() {
    grad_ = torch::zeros_like(flat_);
    weights_.clear();
    biases_.clear();
    for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
      weights_.push_back(weight_of(flat_, l).requires_grad_(true));
      weights_.back().mutable_grad() = weight_of(grad_, l);
      biases_.push_back(bias_of(flat_, l).requires_grad_(true));
      biases_.back().mutable_grad() = bias_of(grad_, l);
    }
  }

  // The gradients must still be the views of grad_ (autograd replaces a gradient it cannot add
  // to in place): if one was replaced, it is copied back, so that the step sees it.
  void check_gradients() {
    for (std::size_t l = 0; l < weights_.size(); ++l) {
      for (auto [leaf, view] : {std::pair{&weights_[l], weight_of(grad_, l)},
                                std::pair{&biases_[l], bias_of(grad_, l)}}) {
        if (leaf->grad().data_ptr() == view.data_ptr()) continue;
        view.copy_(leaf->grad());
        leaf->mutable_grad() = view;
      }
    }
  }

  Tensor weight_of(const Tensor& flat, std::size_t l) const {
    const long in = sizes_[l], out = sizes_[l + 1];
    return flat.narrow(1, offsets_[l], in * out).view({flat.size(0), in, out});
  }
  Tensor bias_of(const Tensor& flat, std::size_t l) const {
    const long in = sizes_[l], out = sizes_[l + 1];
    return flat.narrow(1, offsets_[l] + in * out, out).view({flat.size(0), 1, out});
  }

  // The optimizers of torch::optim, on rows of members: value, and the states, in place (a
  // state not yet defined is made here).
  void update(const std::string& kind, Tensor& value, Tensor grad, const Tensor& rate,
              const Tensor& wd, const Tensor& mom, const Tensor& nest, Tensor& avg, Tensor& avg_sq,
              Tensor& buffer) const {
    if (kind == "adam" || kind == "adamw") {
      if (!avg.defined()) avg = torch::zeros_like(value);
      if (!avg_sq.defined()) avg_sq = torch::zeros_like(value);
      // Adam: L2 decay into the gradient; AdamW: decoupled decay of the weights.
      if (kind == "adamw") {
        if (settings_.any_decay) value.mul_(1 - rate * wd);
      } else if (settings_.any_decay) {
        grad = grad + wd * value;
      }
      avg.mul_(0.9).add_(grad, 1 - 0.9);
      avg_sq.mul_(0.999).addcmul_(grad, grad, 1 - 0.999);
      const double bias1 = 1 - std::pow(0.9, steps_), bias2 = 1 - std::pow(0.999, steps_);
      const auto denom = (avg_sq.sqrt() / std::sqrt(bias2)).add_(1e-8);
      value.sub_(avg / denom * (rate / bias1));
    } else if (kind == "rmsprop") {
      // RMSprop: alpha 0.99, eps 1e-8; with momentum 0 the buffer is the step itself.
      if (!avg_sq.defined()) avg_sq = torch::zeros_like(value);
      if (!buffer.defined()) buffer = torch::zeros_like(value);
      if (settings_.any_decay) grad = grad + wd * value;
      avg_sq.mul_(0.99).addcmul_(grad, grad, 1 - 0.99);
      buffer.mul_(mom).add_(grad / avg_sq.sqrt().add_(1e-8));
      value.sub_(rate * buffer);
    } else {
      // SGD, dampening 0: the buffer starts as the first gradient; momentum 0 makes it the
      // gradient itself.
      if (!buffer.defined()) buffer = torch::zeros_like(value);
      if (settings_.any_decay) grad = grad + wd * value;
      buffer.mul_(mom).add_(grad);
      value.sub_(rate * torch::where(nest, grad + mom * buffer, buffer));
    }
  }

  void masks_from_activations() {
    act_runs_ = runs_of(settings_.activation);
    act_code_ = encode(act_runs_);
    opt_runs_ = runs_of(settings_.optimizer);
    // gates_[l]: which members have hidden layer l (undefined: all of them).
    gates_.assign(sizes_.size() - 2, Tensor());
    for (std::size_t l = 0; l < gates_.size(); ++l) {
      std::vector<double> has;
      for (int d : depth_)
        has.push_back(d > static_cast<int>(l) ? 1 : 0);
      if (std::find(has.begin(), has.end(), 0.0) != has.end())
        gates_[l] = column(has, options_).gt(0).unsqueeze(2);
    }
  }

  // Each member's own activation, computed on its run of rows only (exact, and no work spent on
  // the others' activations); the rows `keep` (ascending) keep their runs.
  Tensor hidden_activation(const Tensor& h, const Tensor& keep) const {
    if (!keep.defined()) {
      if (act_runs_.size() == 1) return activate(act_runs_[0].name, h);
      return RunActivation::apply(h.contiguous(), act_code_);
    }
    std::vector<std::string> kept;
    const auto rows = keep.cpu().contiguous();
    for (long r = 0; r < rows.size(0); ++r)
      kept.push_back(
          settings_.activation[static_cast<std::size_t>(rows.data_ptr<std::int64_t>()[r])]);
    const auto runs = runs_of(kept);
    if (runs.size() == 1) return activate(runs[0].name, h);
    return RunActivation::apply(h.contiguous(), encode(runs));
  }

  torch::TensorOptions options_;
  long in_ = 1;
  std::vector<long> sizes_, offsets_;
  // flat_ [G, P]: every parameter; the leaves weights_ and biases_ are views of it, and their
  // gradients views of grad_: autograd accumulates into them in place (no grad mode during
  // backward), so one buffer holds every gradient without a copy.
  Tensor flat_, grad_, mask_, best_, avg_, avg_sq_, buffer_;
  std::vector<Tensor> weights_, biases_;
  Settings settings_;
  std::vector<Run> act_runs_, opt_runs_;
  std::vector<std::int64_t> act_code_;  // act_runs_ encoded for RunActivation
  std::vector<int> depth_;              // hidden layers of each member
  std::vector<Tensor> gates_;           // per hidden layer: [G, 1, 1] whether a member has it
  long steps_ = 0;
};

// Passes every LibTorch warning on but autograd's about the gradients' layout: they are views of
// one buffer on purpose (FusedNets), and the warning would reach every user's log.
class LayoutWarningFilter : public c10::WarningHandler {
 public:
  explicit LayoutWarningFilter(c10::WarningHandler* next) : next_(next) {}
#if TORCH_VERSION_MAJOR < 2
  void process(const c10::SourceLocation& where, const std::string& msg,
               const bool verbatim) override {
    if (msg.find("gradient layout contract") == std::string::npos)
      next_->process(where, msg, verbatim);
  }
#else
  void process(const c10::Warning& warning) override {
    if (warning.msg().find("gradient layout contract") == std::string::npos)
      next_->process(warning);
  }
#endif

 private:
  c10::WarningHandler* next_;
};

#if TORCH_VERSION_MAJOR < 2
using WarningGuard = c10::Warning::WarningHandlerGuard;
#else
using WarningGuard = c10::WarningUtils::WarningHandlerGuard;
#endif

struct Split2 {
  Tensor x, y;  // x [rows, in]; y [rows, outputs] or labels [rows]
  long rows = 0;
};

Split2 split_tensors(const Split& s, const DataSet& d, const torch::TensorOptions& o) {
  Split2 t;
  t.rows = s.rows;
  const long width = s.rows > 0 ? static_cast<long>(s.x.size()) / s.rows : 0;
  t.x = torch::from_blob(const_cast<float*>(s.x.data()), {static_cast<long>(s.rows), width},
                         torch::kFloat32)
            .to(o);
  if (d.classification) {
    t.y = torch::from_blob(const_cast<std::int64_t*>(s.label.data()), {s.rows}, torch::kInt64)
              .to(o.device());
  } else {
    t.y = torch::from_blob(const_cast<float*>(s.y.data()), {s.rows, d.outputs}, torch::kFloat32)
              .to(o);
  }
  return t;
}

// Each member's training loss, [G]: the mean over its batch, as alone.
Tensor member_losses(const std::string& loss, const Tensor& out, const Tensor& y) {
  const long g = out.size(0);
  if (loss == "cross_entropy") {
    return torch::nn::functional::cross_entropy(
               out.reshape({-1, out.size(2)}), y.reshape({-1}),
               torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone))
        .view({g, -1})
        .mean(1);
  }
  const auto diff = out - y;
  if (loss == "mae") return diff.abs().flatten(1).mean(1);
  if (loss == "huber") {
    return torch::huber_loss(out, y, at::Reduction::None).flatten(1).mean(1);
  }
  return diff.pow(2).flatten(1).mean(1);
}

struct MemberErrors {
  std::vector<double> error, rel_l2;
};

// As the trainer's evaluate(), for every member at once (or the rows `keep`).
MemberErrors evaluate(const FusedNets& nets, const Split2& t, const DataSet& d,
                      const std::string& metric, long batch, const Tensor& keep,
                      bool best = false) {
  torch::NoGradGuard guard;
  const long g = keep.defined() ? keep.size(0) : nets.size();
  Tensor offset, scale;
  if (!d.y_scale.empty()) {
    const auto o = t.y.options();
    scale = torch::tensor(d.y_scale, torch::TensorOptions().dtype(torch::kFloat32)).to(o);
    offset = torch::tensor(d.y_offset, torch::TensorOptions().dtype(torch::kFloat32)).to(o);
  }
  const auto dbl = torch::TensorOptions().dtype(torch::kFloat64).device(t.x.device());
  Tensor sq = torch::zeros({g}, dbl), abs = torch::zeros({g}, dbl), wrong = torch::zeros({g}, dbl);
  double ref = 0;
  for (long first = 0; first < t.rows; first += batch) {
    const long len = std::min(batch, t.rows - first);
    const auto x = t.x.narrow(0, first, len);
    const auto out = nets.forward(x, keep, best);
    auto y = t.y.narrow(0, first, len);
    if (d.classification) {
      wrong += out.argmax(2).ne(y.unsqueeze(0)).sum(1).to(torch::kFloat64);
      continue;
    }
    auto diff = out - y.unsqueeze(0);
    if (scale.defined()) diff = diff * scale, y = y * scale + offset;
    sq += diff.pow(2).flatten(1).sum(1).to(torch::kFloat64);
    if (metric == "mae") abs += diff.abs().flatten(1).sum(1).to(torch::kFloat64);
    ref += y.to(torch::kFloat64).pow(2).sum().item<double>();
  }
  MemberErrors e;
  const auto sq_v = sq.cpu(), abs_v = abs.cpu(), wrong_v = wrong.cpu();
  for (long k = 0; k < g; ++k) {
    if (d.classification) {
      e.error.push_back(wrong_v[k].item<double>() / static_cast<double>(t.rows));
      e.rel_l2.push_back(std::nan(""));
      continue;
    }
    const double count = static_cast<double>(t.rows) * static_cast<double>(t.y.size(1));
    const double s = sq_v[k].item<double>();
    const double rel = ref > 0 ? std::sqrt(s / ref) : std::nan("");
    e.rel_l2.push_back(rel);
    e.error.push_back(metric == "mae"           ? abs_v[k].item<double>() / count
                      : metric == "relative_l2" ? rel
                                                : s / count);
  }
  return e;
}

}  // namespace

namespace {

bool train_fused(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
                 int local_rank, const GroupHooks& hooks, bool double_precision) {
  const auto& first = specs.at(group.members.front());
  const std::string device_name = choose_device(first.optim.device, local_rank);
  std::map<std::size_t, std::size_t> place;  // a member's place in the caller's order
  for (std::size_t k = 0; k < group.members.size(); ++k)
    place[group.members[k]] = k;
  std::vector<Member> members;
  // Members sharing an optimizer, then an activation, in adjacent rows (FusedNets' runs).
  std::vector<std::size_t> ordered = group.members;
  std::stable_sort(ordered.begin(), ordered.end(), [&](auto a, auto b) {
    const auto &x = specs[a], &y = specs[b];
    return std::tie(x.optim.optimizer, x.model.activation) <
           std::tie(y.optim.optimizer, y.model.activation);
  });
  for (auto k : ordered) {
    Member m{k, &specs[k], {}, at::Generator()};
    m.r.seed = specs[k].seed;
    m.r.device = device_name;
    m.r.flops = inference_flops(specs[k].model, data.input_shape, data.outputs);
    m.r.planned_epochs = specs[k].optim.epochs;
    m.r.group_size = static_cast<int>(group.members.size());
    members.push_back(std::move(m));
  }
  auto finish = [&](Member& m) {
    m.done = true;
    if (!m.r.ok()) m.r.val_error = m.r.test_error = std::numeric_limits<double>::infinity();
    if (hooks.finished) call_hook([&] { hooks.finished(m.index, m.r); });
  };
  std::vector<std::size_t> active;  // positions in `members` of those still training
  for (std::size_t k = 0; k < members.size(); ++k)
    active.push_back(k);
  // Time is shared out: each epoch's wall time in equal parts among the members it trained.
  auto t_mark = std::chrono::steady_clock::now();
  auto share_time = [&] {
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - t_mark).count();
    t_mark = now;
    for (auto k : active)
      members[k].r.seconds += dt / static_cast<double>(active.size());
  };
  bool interrupted = false;
#if TORCH_VERSION_MAJOR < 2
  LayoutWarningFilter filter(c10::Warning::get_warning_handler());
#else
  LayoutWarningFilter filter(c10::WarningUtils::get_warning_handler());
#endif
  const WarningGuard warnings(&filter);
  try {
    const torch::Device device(device_name);
    torch::set_num_threads(threads_per_rank(first.optim.threads));
    const auto options = torch::TensorOptions()
                             .dtype(double_precision ? torch::kFloat64 : torch::kFloat32)
                             .device(device);
    FusedNets nets(members, group, data, options);
    const Split2 train = split_tensors(data.train, data, options);
    const Split2 val = split_tensors(data.validation, data, options);
    const Split2 test = split_tensors(data.test, data, options);
    const long batch = first.optim.batch_size;
    const long eval_batch = std::max(batch, 1024L);
    const auto i64 = torch::TensorOptions().dtype(torch::kInt64);
    // Leaves the members no longer in `active` (their rows dropped from every tensor).
    auto compact = [&](const std::vector<std::size_t>& before) {
      if (before.size() == active.size()) return;
      std::vector<long> keep;
      for (std::size_t row = 0; row < before.size(); ++row) {
        if (!members[before[row]].done) keep.push_back(static_cast<long>(row));
      }
      if (!keep.empty()) nets.keep(keep);
    };
    auto end_member = [&](std::size_t k) {
      finish(members[k]);
      active.erase(std::find(active.begin(), active.end(), k));
    };
    int max_epochs = 0;
    for (const auto& m : members)
      max_epochs = std::max(max_epochs, m.spec->optim.epochs);
    for (int epoch = 0; epoch < max_epochs && !active.empty(); ++epoch) {
      std::vector<double> lr;
      for (auto k : active)
        lr.push_back(scheduled_lr(members[k].spec->optim, epoch));
      Tensor rate = column(lr, options);
      // Each member's order from its own stream, as alone (randperm on the CPU, then moved).
      std::vector<Tensor> orders;
      for (auto k : active)
        orders.push_back(torch::randperm(train.rows, members[k].order, i64));
      const Tensor order = torch::stack(orders).to(device);
      const long g = static_cast<long>(active.size());
      // Small data sets are shuffled for the whole epoch in one gather (each member's own order);
      // large ones batch by batch, so that memory stays that of a batch per member.
      const bool whole_epoch = g * train.rows * (nets.inputs() + 1) <= (16L << 20);
      auto gather = [&](const Tensor& idx, long len) {
        const auto flat = idx.reshape({-1});
        auto x = train.x.index_select(0, flat).view({g, len, nets.inputs()});
        auto y = data.classification ? train.y.index_select(0, flat).view({g, len})
                                     : train.y.index_select(0, flat).view({g, len, -1});
        return std::pair{x, y};
      };
      Tensor x_epoch, y_epoch;
      if (whole_epoch) std::tie(x_epoch, y_epoch) = gather(order, train.rows);
      // A member whose loss is not finite is found at the end of the epoch (one read, not one a
      // batch): its rows stay apart from the others', so it ends at the epoch it would end alone.
      Tensor epoch_loss = torch::zeros({g}, options);
      for (long start = 0; start < train.rows; start += batch) {
        if (hooks.interrupted && call_hook(hooks.interrupted)) {
          interrupted = true;
          break;
        }
        const long len = std::min(batch, train.rows - start);
        const auto [x, y] =
            whole_epoch ? std::pair{x_epoch.narrow(1, start, len), y_epoch.narrow(1, start, len)}
                        : gather(order.narrow(1, start, len), len);
        nets.zero_grad();
        const auto losses = member_losses(first.optim.loss, nets.forward(x), y);
        losses.sum().backward();
        nets.step(rate);
        epoch_loss += losses.detach();
      }
      if (interrupted) break;
      const auto before = active;
      const auto loss_sum = epoch_loss.to(torch::kFloat64).cpu().contiguous();
      for (std::size_t row = 0; row < before.size(); ++row) {
        const double v = loss_sum.data_ptr<double>()[row];
        if (std::isfinite(v)) continue;
        auto& m = members[before[row]];
        m.r.status = Outcome::Diverged;
        m.r.message = "loss became " + std::to_string(v) + " in epoch " + std::to_string(epoch + 1);
      }
      const auto finite_weights = nets.finite().cpu();
      for (std::size_t row = 0; row < before.size(); ++row) {
        auto& m = members[before[row]];
        m.r.epochs = epoch + 1;
        if (m.r.ok() && !finite_weights[static_cast<long>(row)].item<bool>()) {
          m.r.status = Outcome::Diverged;
          m.r.message = "weights became infinite or NaN in epoch " + std::to_string(epoch + 1);
        }
      }
      const auto v = evaluate(nets, val, data, first.data.metric, eval_batch, Tensor());
      std::vector<long> improved;
      for (std::size_t row = 0; row < before.size(); ++row) {
        auto& m = members[before[row]];
        if (!m.r.ok()) continue;
        const double e = v.error[row];
        if (!std::isfinite(e)) {
          m.r.status = Outcome::Diverged;
          m.r.message = "validation error became " + std::to_string(e) + " in epoch " +
                        std::to_string(epoch + 1);
          continue;
        }
        m.r.curves.push_back(e);
        if (e < m.best) {
          m.best = e;
          m.since_best = 0;
          m.r.best_epoch = epoch + 1;
          m.r.val_error = e;
          m.r.val_rel_l2 = v.rel_l2[row];
          improved.push_back(static_cast<long>(row));
        } else {
          ++m.since_best;
        }
      }
      if (!improved.empty()) nets.remember_best(torch::tensor(improved, i64).to(device));
      share_time();
      // Those that end, their test errors on their best weights in one pass, then journaled.
      auto end_all = [&](const std::vector<std::size_t>& ending) {
        std::vector<long> rows;
        for (auto k : ending) {
          if (members[k].r.ok() && members[k].r.best_epoch > 0)
            rows.push_back(
                static_cast<long>(std::find(before.begin(), before.end(), k) - before.begin()));
        }
        if (!rows.empty()) {
          const auto t = evaluate(nets, test, data, first.data.metric, eval_batch,
                                  torch::tensor(rows, i64).to(device), true);
          for (std::size_t j = 0; j < rows.size(); ++j) {
            auto& m = members[before[static_cast<std::size_t>(rows[j])]];
            m.r.test_error = t.error[j];
            m.r.test_rel_l2 = t.rel_l2[j];
          }
        }
        for (auto k : ending)
          end_member(k);
      };
      // The members in the caller's order: ordered early stopping compares each with those
      // before it, which must have reported this epoch or ended.
      std::vector<std::size_t> in_order = before;
      std::sort(in_order.begin(), in_order.end(),
                [&](auto a, auto b) { return place[members[a].index] < place[members[b].index]; });
      // As alone, divergence and patience end a member before the hook: ended (journaled) first.
      std::vector<std::size_t> quiet, ending;
      for (auto k : in_order) {
        const auto& m = members[k];
        if (!m.r.ok() || (m.spec->optim.patience > 0 && m.since_best >= m.spec->optim.patience))
          quiet.push_back(k);
      }
      end_all(quiet);
      // The hook sees every other member's epoch, the last one included.
      for (auto k : in_order) {
        auto& m = members[k];
        if (m.done) continue;
        bool ends = epoch + 1 >= m.spec->optim.epochs;
        if (hooks.after_epoch) {
          const auto next =
              call_hook([&] { return hooks.after_epoch(m.index, epoch + 1, m.best); });
          if (next == AfterEpoch::Interrupt) {
            interrupted = true;
            break;
          }
          if (next != AfterEpoch::Continue) ends = true;
        }
        if (ends) ending.push_back(k);
      }
      if (!interrupted) end_all(ending);
      if (interrupted) break;
      compact(before);
    }
  } catch (const std::exception& e) {
    // As alone: a LibTorch error (out of memory, a shape) fails the members still training (a
    // hook's fault, a HookFault, is not caught here: it ends the run).
    std::string message = e.what();
    const auto eol = message.find('\n');
    if (eol != std::string::npos) message.resize(eol);
    for (auto k : std::vector<std::size_t>(active)) {
      auto& m = members[k];
      m.r.status = Outcome::Failed;
      m.r.cause = "exception";
      m.r.message = message;
      finish(m);
    }
    active.clear();
  }
  if (interrupted) return false;
  for (auto k : active)  // members whose every epoch ran
    finish(members[k]);
  return true;
}

}  // namespace

bool train_group(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
                 int local_rank, const GroupHooks& hooks, bool double_precision) {
  return rethrow_hook_faults(
      [&] { return train_fused(specs, group, data, local_rank, hooks, double_precision); });
}

}  // namespace hsicho::train
