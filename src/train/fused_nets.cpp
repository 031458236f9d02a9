#include "fused_nets.hpp"

#include <algorithm>

#include "batched_affine.hpp"
#include "fused_optimizer.hpp"
#include "model.hpp"

namespace hsicho::train {

using torch::Tensor;

Tensor member_column(const std::vector<double>& v, const torch::TensorOptions& o) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kFloat64))
      .to(o)
      .view({static_cast<long>(v.size()), 1});
}

FusedNets::FusedNets(const std::vector<const TrainSpec*>& specs, const Group& group,
                     const DataSet& data, const torch::TensorOptions& options)
    : options_(options) {
  in_ = input_features(data);
  sizes_ = {in_};
  for (int w : group.widths)
    sizes_.push_back(w);
  sizes_.push_back(data.outputs);
  long total = 0;
  for (std::size_t l = 0; l + 1 < sizes_.size(); ++l) {
    offsets_.push_back(total);
    total += sizes_[l] * sizes_[l + 1] + sizes_[l + 1];
  }
  const long g_count = static_cast<long>(specs.size());
  Tensor flat = torch::zeros({g_count, total}, options);
  Tensor mask = torch::zeros({g_count, total}, options);
  // Each network built as it would be alone (its seed, its init), copied into its row; the
  // generator's state after that is the stream of its data order.
  bool padded = false;
  torch::NoGradGuard guard;
  for (std::size_t g = 0; g < specs.size(); ++g) {
    const TrainSpec& spec = *specs[g];
    torch::manual_seed(spec.seed);
    auto net = build_model(spec.model, data.input_shape, data.outputs);
    orders_.push_back(at::detail::getDefaultCPUGenerator().clone());
    std::size_t l = 0;
    const long row = static_cast<long>(g);
    const auto depth = static_cast<std::size_t>(spec.model.layers);
    depth_.push_back(spec.model.layers);
    steps_.push_back(0);
    std::vector<long> own = {in_};
    for (const auto& child : net->children()) {
      const auto* lin = child->as<torch::nn::Linear>();
      if (!lin) continue;
      // A shallower member's output layer is the group's: its layers between pass its hidden
      // values through unchanged (gates), their weights held at zero.
      if (l == depth) l = sizes_.size() - 2;
      const auto out = lin->weight.size(0), in = lin->weight.size(1);
      own.push_back(out);
      weight_of(flat, l)[row].narrow(0, 0, in).narrow(1, 0, out).copy_(lin->weight.t());
      bias_of(flat, l)[row][0].narrow(0, 0, out).copy_(lin->bias);
      weight_of(mask, l)[row].narrow(0, 0, in).narrow(1, 0, out).fill_(1);
      bias_of(mask, l)[row][0].narrow(0, 0, out).fill_(1);
      padded = padded || out < sizes_[l + 1] || in < sizes_[l];
      ++l;
    }
    own_sizes_.push_back(own);
    padded = padded || spec.model.layers + 2 < static_cast<int>(sizes_.size());
    std::int64_t count = 0;
    for (const auto& p : net->parameters())
      count += p.numel();
    parameters_.push_back(count);
  }
  flat_ = flat;
  make_leaves();
  if (padded) mask_ = mask;
  std::vector<double> wd, mom, nest, clip;
  for (const auto* spec : specs) {
    const auto& o = spec->optim;
    optimizer_.push_back(o.optimizer);
    activation_.push_back(spec->model.activation);
    wd.push_back(o.weight_decay);
    mom.push_back(o.momentum);
    nest.push_back(o.nesterov ? 1 : 0);
    clip.push_back(o.clip);
    any_decay_ = any_decay_ || o.weight_decay != 0;
    any_clip_ = any_clip_ || o.clip > 0;
  }
  weight_decay_ = member_column(wd, options);
  momentum_ = member_column(mom, options);
  nesterov_ = member_column(nest, options).gt(0);
  clip_ = member_column(clip, options);
  runs_and_gates();
}

Tensor FusedNets::forward(Tensor h, const Tensor& keep, bool best) const {
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
    h = gate.defined() ? torch::where(keep.defined() ? gate.index_select(0, keep) : gate, z, h) : z;
  }
  return h;
}

void FusedNets::remember_best(const Tensor& rows) {
  torch::NoGradGuard guard;
  if (!best_.defined()) best_ = torch::zeros_like(flat_);
  best_.index_copy_(0, rows, flat_.index_select(0, rows));
}

void FusedNets::step(const Tensor& lr) {
  torch::NoGradGuard guard;
  for (auto& n : steps_)
    ++n;
  check_gradients();
  Tensor grad = grad_;
  if (mask_.defined()) grad.mul_(mask_);  // padding stays exactly 0
  if (any_clip_) {
    // torch::nn::utils::clip_grad_norm_ per member: its gradients' total norm at most `clip`.
    const auto norm = grad.pow(2).sum(1, true).sqrt();
    grad.mul_(
        torch::where(clip_.gt(0), (clip_ / (norm + 1e-6)).clamp_max(1.0), torch::ones_like(norm)));
  }
  // Each run of members sharing an optimizer is updated in place through views of its rows.
  for (const auto& run : opt_runs_) {
    auto rows = [&](const Tensor& t) { return t.narrow(0, run.start, run.length); };
    const bool adam = run.value == Optimizer::Adam || run.value == Optimizer::Adamw;
    if (adam && !avg_.defined()) {
      avg_ = torch::zeros_like(grad);
      avg_sq_ = torch::zeros_like(grad);
    }
    if (run.value == Optimizer::Rmsprop && !avg_sq_.defined()) avg_sq_ = torch::zeros_like(grad);
    if (!adam && !buffer_.defined()) buffer_ = torch::zeros_like(grad);
    Tensor value = rows(flat_), avg = adam ? rows(avg_) : Tensor(),
           avg_sq = avg_sq_.defined() ? rows(avg_sq_) : Tensor(),
           buffer = buffer_.defined() ? rows(buffer_) : Tensor();
    StepSettings s{rows(lr),        rows(weight_decay_),
                   rows(momentum_), rows(nesterov_),
                   any_decay_,      steps_[static_cast<std::size_t>(run.start)]};
    const auto first = steps_.begin() + run.start;
    if (std::any_of(first, first + run.length, [&](long n) { return n != *first; })) {
      std::vector<double> counts(first, first + run.length);
      s.steps = member_column(counts, options_);
    }
    optimizer_step(run.value, value, rows(grad), s, avg, avg_sq, buffer);
  }
}

void FusedNets::keep(const std::vector<long>& keep) {
  const auto idx =
      torch::tensor(keep, torch::TensorOptions().dtype(torch::kInt64)).to(options_.device());
  torch::NoGradGuard guard;
  flat_ = flat_.index_select(0, idx);
  make_leaves();
  for (auto* t : {&mask_, &best_, &avg_, &avg_sq_, &buffer_, &weight_decay_, &momentum_, &nesterov_,
                  &clip_}) {
    if (t->defined()) *t = t->index_select(0, idx);
  }
  std::vector<Optimizer> opt;
  std::vector<Activation> act;
  std::vector<int> depth;
  std::vector<long> steps;
  std::vector<std::vector<long>> own;
  for (auto k : keep) {
    const auto u = static_cast<std::size_t>(k);
    opt.push_back(optimizer_[u]);
    act.push_back(activation_[u]);
    depth.push_back(depth_[u]);
    steps.push_back(steps_[u]);
    own.push_back(own_sizes_[u]);
  }
  optimizer_ = opt;
  activation_ = act;
  depth_ = depth;
  steps_ = steps;
  own_sizes_ = own;
  any_clip_ = clip_.gt(0).any().item<bool>();
  any_decay_ = weight_decay_.ne(0).any().item<bool>();
  runs_and_gates();
}

FusedNets::MemberState FusedNets::export_member(std::size_t k) const {
  MemberState out;
  out.steps = steps_[k];
  const auto& own = own_sizes_[k];
  const std::size_t layers = own.size() - 1, last = sizes_.size() - 2;
  const auto row = static_cast<long>(k);
  for (const auto& [name, array] : {std::pair<std::string, const Tensor*>{"flat", &flat_},
                                    {"best", &best_},
                                    {"avg", &avg_},
                                    {"avg_sq", &avg_sq_},
                                    {"buffer", &buffer_}}) {
    if (!array->defined()) continue;
    auto& parts = out.arrays[name];
    for (std::size_t l = 0; l < layers; ++l) {
      const std::size_t g = l + 1 == layers ? last : l;  // a shallower member's output layer
      parts.push_back(weight_of(*array, g)[row]
                          .narrow(0, 0, own[l])
                          .narrow(1, 0, own[l + 1])
                          .detach()
                          .cpu()
                          .clone());
      parts.push_back(bias_of(*array, g)[row][0].narrow(0, 0, own[l + 1]).detach().cpu().clone());
    }
  }
  return out;
}

void FusedNets::import_member(std::size_t k, const MemberState& state) {
  torch::NoGradGuard guard;
  steps_[k] = state.steps;
  const auto& own = own_sizes_[k];
  const std::size_t layers = own.size() - 1, last = sizes_.size() - 2;
  const auto row = static_cast<long>(k);
  for (const auto& [name, array] : {std::pair<std::string, Tensor*>{"flat", &flat_},
                                    {"best", &best_},
                                    {"avg", &avg_},
                                    {"avg_sq", &avg_sq_},
                                    {"buffer", &buffer_}}) {
    const auto it = state.arrays.find(name);
    if (it == state.arrays.end()) continue;
    if (it->second.size() != 2 * layers)
      throw std::runtime_error("a paused member of another shape (" + name + ")");
    if (!array->defined()) *array = torch::zeros_like(flat_);
    for (std::size_t l = 0; l < layers; ++l) {
      const std::size_t g = l + 1 == layers ? last : l;
      weight_of(*array, g)[row]
          .narrow(0, 0, own[l])
          .narrow(1, 0, own[l + 1])
          .copy_(it->second[2 * l]);
      bias_of(*array, g)[row][0].narrow(0, 0, own[l + 1]).copy_(it->second[2 * l + 1]);
    }
  }
}

void FusedNets::make_leaves() {
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

// The gradients must still be the views of grad_ (autograd replaces a gradient it cannot add to
// in place): if one was replaced, it is copied back, so that the step sees it.
void FusedNets::check_gradients() {
  for (std::size_t l = 0; l < weights_.size(); ++l) {
    for (auto [leaf, view] : {std::pair{&weights_[l], weight_of(grad_, l)},
                              std::pair{&biases_[l], bias_of(grad_, l)}}) {
      if (leaf->grad().data_ptr() == view.data_ptr()) continue;
      view.copy_(leaf->grad());
      leaf->mutable_grad() = view;
    }
  }
}

Tensor FusedNets::weight_of(const Tensor& flat, std::size_t l) const {
  const long in = sizes_[l], out = sizes_[l + 1];
  return flat.narrow(1, offsets_[l], in * out).view({flat.size(0), in, out});
}

Tensor FusedNets::bias_of(const Tensor& flat, std::size_t l) const {
  const long in = sizes_[l], out = sizes_[l + 1];
  return flat.narrow(1, offsets_[l] + in * out, out).view({flat.size(0), 1, out});
}

void FusedNets::runs_and_gates() {
  act_runs_ = runs_of(activation_);
  act_code_ = encode(act_runs_);
  opt_runs_ = runs_of(optimizer_);
  // gates_[l]: which members have hidden layer l (undefined: all of them).
  gates_.assign(sizes_.size() - 2, Tensor());
  for (std::size_t l = 0; l < gates_.size(); ++l) {
    std::vector<double> has;
    for (int d : depth_)
      has.push_back(d > static_cast<int>(l) ? 1 : 0);
    if (std::find(has.begin(), has.end(), 0.0) != has.end())
      gates_[l] = member_column(has, options_).gt(0).unsqueeze(2);
  }
}

// Each member's own activation, computed on its run of rows only (exact, and no work spent on the
// others' activations); the rows `keep` (ascending) keep their runs.
Tensor FusedNets::hidden_activation(const Tensor& h, const Tensor& keep) const {
  if (!keep.defined()) {
    if (act_runs_.size() == 1) return activate(act_runs_[0].value, h);
    return activate_runs(h, act_code_);
  }
  std::vector<Activation> kept;
  const auto rows = keep.cpu().contiguous();
  for (long r = 0; r < rows.size(0); ++r)
    kept.push_back(activation_[static_cast<std::size_t>(rows.data_ptr<std::int64_t>()[r])]);
  const auto runs = runs_of(kept);
  if (runs.size() == 1) return activate(runs[0].value, h);
  return activate_runs(h, encode(runs));
}

}  // namespace hsicho::train
