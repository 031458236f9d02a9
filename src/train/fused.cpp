// Fused training of a group of MLPs (include/hsicho/train/fused.hpp): the loop. Every tensor has
// the group as its first dimension (src/train/fused_nets.hpp). A network that ends leaves the
// group: every tensor keeps the rows of the networks still training, so the cost follows them.
#include "hsicho/train/fused.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>

#include <torch/version.h>

#include "evaluation.hpp"
#include "fused_nets.hpp"
#include "hook_guard.hpp"
#include "hsicho/error.hpp"
#include "hsicho/train/flops.hpp"
#include "paused_progress.hpp"

namespace hsicho::train {
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
  double cost = 0;  // its step as alone (the cost model): its share of the group's time
  Pausing pausing;  // successive halving: where it pauses, whether it continues
};

// A paused member's file: its state in its own shapes (FusedNets::MemberState), its generator,
// its curve and counters; written atomically. A fault here is the run's (a HookFault).
void save_member(const std::string& file, const FusedNets::MemberState& state, const Member& m) {
  torch::serialize::OutputArchive a;
  a.write("fused", archived_number(1));
  for (const auto& [name, parts] : state.arrays) {
    for (std::size_t i = 0; i < parts.size(); ++i)
      a.write(name + "." + std::to_string(i), parts[i]);
  }
  a.write("steps", archived_number(static_cast<double>(state.steps)));
  a.write("rng.order", m.order.get_state());
  write_progress(a, m.r, m.best, m.since_best);
  save_atomically(a, file);
}

FusedNets::MemberState load_member(const std::string& file, Member& m) {
  FusedNets::MemberState state;
  try {
    torch::serialize::InputArchive a;
    a.load_from(file);
    const auto get = [&](const std::string& key) { return archived(a, key); };
    for (const char* name : {"flat", "best", "avg", "avg_sq", "buffer"}) {
      std::vector<torch::Tensor> parts;
      for (std::size_t i = 0;; ++i) {
        torch::Tensor t;
        if (!a.try_read(std::string(name) + "." + std::to_string(i), t)) break;
        parts.push_back(t);
      }
      if (!parts.empty()) state.arrays[name] = parts;
    }
    if (!state.arrays.count("flat")) throw std::runtime_error("no weights: not a fused member's");
    state.steps = static_cast<long>(get("steps").item<double>());
    m.order.set_state(get("rng.order"));
    read_progress(a, m.r, m.best, m.since_best);
  } catch (const std::exception& e) {
    throw RuntimeError(unreadable_paused(file, e.what()));
  }
  return state;
}

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

// Every member's error on a split (or the rows `keep`), in batches.
std::vector<Errors> evaluate(const FusedNets& nets, const DeviceSplit& t, const DataSet& d,
                             Metric metric, long batch, const Tensor& keep, bool best = false) {
  torch::NoGradGuard guard;
  ErrorMeter meter(d, metric, keep.defined() ? keep.size(0) : nets.size(), t.y);
  for (long first = 0; first < t.rows; first += batch) {
    const long len = std::min(batch, t.rows - first);
    meter.add(nets.forward(t.x.narrow(0, first, len), keep, best), t.y.narrow(0, first, len));
  }
  return meter.errors();
}

// A group in training. Rows: `active_` lists the members still training, in the order of their
// rows in the fused tensors (members sharing an optimizer, then an activation, adjacent);
// `place_` is each member's place in the caller's order (the hooks' order).
class GroupRun {
 public:
  GroupRun(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
           const std::string& device, const GroupHooks& hooks)
      : data_(data), hooks_(hooks), first_(specs.at(group.members.front())) {
    for (std::size_t k = 0; k < group.members.size(); ++k)
      place_[group.members[k]] = k;
    std::vector<std::size_t> ordered = group.members;
    std::stable_sort(ordered.begin(), ordered.end(), [&](auto a, auto b) {
      const auto &x = specs[a], &y = specs[b];
      return std::tuple{name(x.optim.optimizer), name(x.model.activation)} <
             std::tuple{name(y.optim.optimizer), name(y.model.activation)};
    });
    const long inputs = input_features(data);
    for (auto k : ordered) {
      Member m{k, &specs[k], {}, at::Generator()};
      m.r.seed = specs[k].seed;
      m.r.device = device;
      m.r.flops = inference_flops(specs[k].model, data.input_shape, data.outputs);
      m.r.planned_epochs = specs[k].optim.epochs;
      m.r.group_size = static_cast<int>(group.members.size());
      m.cost = alone_step_cost(specs[k], inputs, data.outputs);
      if (hooks.pausing) m.pausing = hooks.pausing(k);
      active_.push_back(members_.size());
      members_.push_back(std::move(m));
    }
  }

  // Trains every member to its end; false when interrupted (no result for those still training).
  bool run(const Group& group, const torch::TensorOptions& options) {
    try {
      std::vector<const TrainSpec*> specs;
      for (const auto& m : members_)
        specs.push_back(m.spec);
      FusedNets nets(specs, group, data_, options);
      int first_epoch = 0;
      for (std::size_t k = 0; k < members_.size(); ++k) {
        auto& m = members_[k];
        m.r.parameters = nets.parameters(k);
        m.order = nets.order(k);
        if (m.pausing.continue_from) {
          // Its state from its pause, set into its row of this group.
          FusedNets::MemberState state;
          call_hook([&] { state = load_member(m.pausing.source(), m); });
          call_hook([&] { nets.import_member(k, state); });
        }
        if (k > 0 && m.r.epochs != first_epoch)
          throw std::logic_error("a fused group's members continue from different epochs");
        first_epoch = m.r.epochs;
      }
      const Splits s{to_device(data_.train, data_, options, true),
                     to_device(data_.validation, data_, options, true),
                     to_device(data_.test, data_, options, true)};
      int max_epochs = 0;
      for (const auto& m : members_)
        max_epochs = std::max(max_epochs, m.spec->optim.epochs);
      t_mark_ = std::chrono::steady_clock::now();
      for (int epoch = first_epoch; epoch < max_epochs && !active_.empty(); ++epoch) {
        if (!train_epoch(nets, s.train, epoch, options)) return false;
        const auto before = active_;
        judge_epoch(nets, s.validation, epoch, before);
        share_time();
        if (!end_epoch(nets, s.test, epoch, before)) return false;
        pause_members(nets, s.test, epoch, before);
        keep_active(nets, before);
      }
    } catch (const std::exception& e) {
      // As alone: a LibTorch error (out of memory, a shape) fails the members still training (a
      // hook's fault, a HookFault, is not caught here: it ends the run).
      fail_active(e.what());
    }
    for (auto k : std::vector<std::size_t>(active_))  // members whose every epoch ran
      finish(members_[k]);
    return true;
  }

 private:
  struct Splits {
    DeviceSplit train, validation, test;
  };

  // One epoch of every active member, each in its own data order; false: interrupted.
  bool train_epoch(FusedNets& nets, const DeviceSplit& train, int epoch,
                   const torch::TensorOptions& options) {
    std::vector<double> lr;
    std::vector<Tensor> orders;
    for (auto k : active_) {
      lr.push_back(scheduled_lr(members_[k].spec->optim, epoch));
      // Each member's order from its own stream, as alone (randperm on the CPU, then moved).
      orders.push_back(torch::randperm(train.rows, members_[k].order, torch::kInt64));
    }
    const Tensor rate = member_column(lr, options);
    const Tensor order = torch::stack(orders).to(options.device());
    const long g = static_cast<long>(active_.size()), batch = first_.optim.batch_size;
    // Small data sets are shuffled for the whole epoch in one gather (each member's own order);
    // large ones batch by batch, so that memory stays that of a batch per member.
    const bool whole_epoch = g * train.rows * (nets.inputs() + 1) <= (16L << 20);
    auto gather = [&](const Tensor& idx, long len) {
      const auto flat = idx.reshape({-1});
      auto x = train.x.index_select(0, flat).view({g, len, nets.inputs()});
      auto y = data_.classification ? train.y.index_select(0, flat).view({g, len})
                                    : train.y.index_select(0, flat).view({g, len, -1});
      return std::pair{x, y};
    };
    Tensor x_epoch, y_epoch;
    if (whole_epoch) std::tie(x_epoch, y_epoch) = gather(order, train.rows);
    // A member whose loss is not finite is found at the end of the epoch (one read, not one a
    // batch): its rows stay apart from the others', so it ends at the epoch it would end alone.
    epoch_loss_ = torch::zeros({g}, options);
    for (long start = 0; start < train.rows; start += batch) {
      if (hooks_.interrupted && call_hook(hooks_.interrupted)) return false;
      const long len = std::min(batch, train.rows - start);
      const auto [x, y] =
          whole_epoch ? std::pair{x_epoch.narrow(1, start, len), y_epoch.narrow(1, start, len)}
                      : gather(order.narrow(1, start, len), len);
      nets.zero_grad();
      const auto losses = member_losses(first_.optim.loss, nets.forward(x), y);
      losses.sum().backward();
      nets.step(rate);
      epoch_loss_ += losses.detach();
    }
    return true;
  }

  // After an epoch: divergence (loss, weights, validation error) and the validation error of
  // every member of `before` (the rows of this epoch), their best weights kept.
  void judge_epoch(FusedNets& nets, const DeviceSplit& val, int epoch,
                   const std::vector<std::size_t>& before) {
    const std::string when = " in epoch " + std::to_string(epoch + 1);
    const auto loss_sum = epoch_loss_.to(torch::kFloat64).cpu().contiguous();
    const auto finite_weights = nets.finite().cpu();
    for (std::size_t row = 0; row < before.size(); ++row) {
      auto& m = members_[before[row]];
      const double v = loss_sum.data_ptr<double>()[row];
      if (!std::isfinite(v)) {
        m.r.status = Outcome::Diverged;
        m.r.message = "loss became " + std::to_string(v) + when;
      }
      m.r.epochs = epoch + 1;
      if (m.r.ok() && !finite_weights[static_cast<long>(row)].item<bool>()) {
        m.r.status = Outcome::Diverged;
        m.r.message = "weights became infinite or NaN" + when;
      }
    }
    const auto v = evaluate(nets, val, data_, first_.data.metric, eval_batch(), Tensor());
    std::vector<long> improved;
    for (std::size_t row = 0; row < before.size(); ++row) {
      auto& m = members_[before[row]];
      if (!m.r.ok()) continue;
      const double e = v[row].error;
      if (!std::isfinite(e)) {
        m.r.status = Outcome::Diverged;
        m.r.message = "validation error became " + std::to_string(e) + when;
        continue;
      }
      m.r.curves.push_back(e);
      if (e < m.best) {
        m.best = e;
        m.since_best = 0;
        m.r.best_epoch = epoch + 1;
        m.r.val_error = e;
        m.r.val_rel_l2 = v[row].rel_l2;
        improved.push_back(static_cast<long>(row));
      } else {
        ++m.since_best;
      }
    }
    if (!improved.empty())
      nets.remember_best(torch::tensor(improved, torch::kInt64).to(val.x.device()));
  }

  // The members that end after this epoch, in the caller's order: those that end on their own
  // (divergence, patience: ended first, as alone, so that ordered early stopping never waits on
  // them), then the hook's decisions and the last epochs. False: interrupted.
  bool end_epoch(const FusedNets& nets, const DeviceSplit& test, int epoch,
                 const std::vector<std::size_t>& before) {
    std::vector<std::size_t> in_order = before;
    std::sort(in_order.begin(), in_order.end(), [&](auto a, auto b) {
      return place_.at(members_[a].index) < place_.at(members_[b].index);
    });
    std::vector<std::size_t> quiet, ending;
    for (auto k : in_order) {
      const auto& m = members_[k];
      if (!m.r.ok() || (m.spec->optim.patience > 0 && m.since_best >= m.spec->optim.patience))
        quiet.push_back(k);
    }
    end_members(nets, test, quiet, before);
    // The hook sees every other member's epoch, the last one included.
    for (auto k : in_order) {
      auto& m = members_[k];
      if (m.done) continue;
      bool ends = epoch + 1 >= m.spec->optim.epochs;
      if (hooks_.after_epoch) {
        const auto next = call_hook([&] { return hooks_.after_epoch(m.index, epoch + 1, m.best); });
        if (next == AfterEpoch::Interrupt) return false;
        if (next != AfterEpoch::Continue) ends = true;
      }
      if (ends) ending.push_back(k);
    }
    end_members(nets, test, ending, before);
    return true;
  }

  // Ends `ending`: their test errors on their best weights in one pass, then each journaled.
  void end_members(const FusedNets& nets, const DeviceSplit& test,
                   const std::vector<std::size_t>& ending, const std::vector<std::size_t>& before) {
    std::vector<long> rows;
    for (auto k : ending) {
      if (members_[k].r.ok() && members_[k].r.best_epoch > 0)
        rows.push_back(
            static_cast<long>(std::find(before.begin(), before.end(), k) - before.begin()));
    }
    if (!rows.empty()) {
      const auto t = evaluate(nets, test, data_, first_.data.metric, eval_batch(),
                              torch::tensor(rows, torch::kInt64).to(test.x.device()), true);
      for (std::size_t j = 0; j < rows.size(); ++j) {
        auto& m = members_[before[static_cast<std::size_t>(rows[j])]];
        m.r.test_error = t[j].error;
        m.r.test_rel_l2 = t[j].rel_l2;
      }
    }
    for (auto k : ending) {
      finish(members_[k]);
      active_.erase(std::find(active_.begin(), active_.end(), k));
    }
  }

  // Members whose pause epoch this is (and that did not end): their test error on their best
  // weights, their state written, then they leave the group as an ended member does.
  void pause_members(const FusedNets& nets, const DeviceSplit& test, int epoch,
                     const std::vector<std::size_t>& before) {
    std::vector<std::size_t> pausing;
    for (auto k : std::vector<std::size_t>(active_)) {
      const auto& m = members_[k];
      if (!m.done && m.pausing.pause_after == epoch + 1 && epoch + 1 < m.spec->optim.epochs)
        pausing.push_back(k);
    }
    if (pausing.empty()) return;
    std::vector<long> rows;
    for (auto k : pausing) {
      if (members_[k].r.best_epoch > 0)
        rows.push_back(
            static_cast<long>(std::find(before.begin(), before.end(), k) - before.begin()));
    }
    std::map<std::size_t, Errors> tests;
    if (!rows.empty()) {
      const auto t = evaluate(nets, test, data_, first_.data.metric, eval_batch(),
                              torch::tensor(rows, torch::kInt64).to(test.x.device()), true);
      for (std::size_t j = 0; j < rows.size(); ++j)
        tests[before[static_cast<std::size_t>(rows[j])]] = t[j];
    }
    for (auto k : pausing) {
      auto& m = members_[k];
      const auto row =
          static_cast<std::size_t>(std::find(before.begin(), before.end(), k) - before.begin());
      const auto state = nets.export_member(row);
      call_hook([&] { save_member(m.pausing.state_file, state, m); });
      Result at = m.r;
      if (tests.count(k)) at.test_error = tests[k].error, at.test_rel_l2 = tests[k].rel_l2;
      m.done = true;  // leaves the group, without a result
      active_.erase(std::find(active_.begin(), active_.end(), k));
      if (hooks_.paused) call_hook([&] { hooks_.paused(m.index, at); });
    }
  }

  // The members no longer active leave every tensor.
  void keep_active(FusedNets& nets, const std::vector<std::size_t>& before) {
    if (before.size() == active_.size()) return;
    std::vector<long> keep;
    for (std::size_t row = 0; row < before.size(); ++row) {
      if (!members_[before[row]].done) keep.push_back(static_cast<long>(row));
    }
    if (!keep.empty()) nets.keep(keep);
  }

  // The epoch's wall time, shared among the members it trained in proportion to what each costs
  // alone (the cost model of fusion_plan.hpp): a member's seconds approach its own training's.
  void share_time() {
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - t_mark_).count();
    t_mark_ = now;
    double total = 0;
    for (auto k : active_)
      total += members_[k].cost;
    for (auto k : active_)
      members_[k].r.seconds +=
          total > 0 ? dt * members_[k].cost / total : dt / static_cast<double>(active_.size());
  }

  void fail_active(std::string message) {
    const auto eol = message.find('\n');
    if (eol != std::string::npos) message.resize(eol);
    for (auto k : std::vector<std::size_t>(active_)) {
      auto& m = members_[k];
      m.r.status = Outcome::Failed;
      m.r.cause = "exception";
      m.r.message = message;
      finish(m);
    }
    active_.clear();
  }

  void finish(Member& m) {
    m.done = true;
    if (!m.r.ok()) m.r.val_error = m.r.test_error = std::numeric_limits<double>::infinity();
    if (hooks_.finished) call_hook([&] { hooks_.finished(m.index, m.r); });
  }

  long eval_batch() const { return std::max<long>(first_.optim.batch_size, 1024L); }

  const DataSet& data_;
  const GroupHooks& hooks_;
  const TrainSpec& first_;
  std::vector<Member> members_;
  std::vector<std::size_t> active_;  // positions in members_ of those still training
  std::map<std::size_t, std::size_t> place_;
  Tensor epoch_loss_;
  std::chrono::steady_clock::time_point t_mark_;
};

bool train_fused(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
                 int local_rank, const GroupHooks& hooks, bool double_precision) {
  const auto& first = specs.at(group.members.front());
  const std::string device = choose_device(first.optim.device, local_rank);
#if TORCH_VERSION_MAJOR < 2
  LayoutWarningFilter filter(c10::Warning::get_warning_handler());
#else
  LayoutWarningFilter filter(c10::WarningUtils::get_warning_handler());
#endif
  const WarningGuard warnings(&filter);
  GroupRun run(specs, group, data, device, hooks);
  // Fused members are small MLPs: one thread unless the deck asks for more.
  torch::set_num_threads(threads_for_network(first.optim.threads, first.model.type, 0));
  const auto options = torch::TensorOptions()
                           .dtype(double_precision ? torch::kFloat64 : torch::kFloat32)
                           .device(torch::Device(device));
  return run.run(group, options);
}

}  // namespace

bool train_group(const std::vector<TrainSpec>& specs, const Group& group, const DataSet& data,
                 int local_rank, const GroupHooks& hooks, bool double_precision) {
  return rethrow_hook_faults(
      [&] { return train_fused(specs, group, data, local_rank, hooks, double_precision); });
}

}  // namespace hsicho::train
