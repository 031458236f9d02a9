// A fused group's networks (include/hsicho/train/fused.hpp says what stays each member's own).
// Every parameter of a member lives in one row of one flat leaf tensor [G, P] (layer weights
// [G, in, out] and biases [G, 1, out] are views of it), so that the gradients arrive as one
// tensor and an optimizer step, the padding mask, clipping and a member leaving are a few
// operations on it, whatever the depth. Members sharing an optimizer, then an activation, must be
// adjacent rows (train_group orders them so): each run is updated and activated through views.
#pragma once

#include <map>
#include <string>

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "hsicho/train/data.hpp"
#include "hsicho/train/fusion_plan.hpp"
#include "member_activation.hpp"

namespace hsicho::train {

class FusedNets {
 public:
  // Each network built as it would be alone (its seed, its initialization), copied into its row
  // and padded to the group's widths.
  FusedNets(const std::vector<const TrainSpec*>& specs, const Group& group, const DataSet& data,
            const torch::TensorOptions& options);

  // After construction: member k's trainable parameters (its own, unpadded), and the generator
  // whose stream is its data order (the state its training alone has after building it).
  std::int64_t parameters(std::size_t k) const { return parameters_[k]; }
  at::Generator order(std::size_t k) const { return orders_[k]; }

  // Members' outputs for inputs h: [G, rows, in], or [rows, in] (the same rows for all); with
  // `keep`, of the members in those rows only; `best`: on their best weights.
  torch::Tensor forward(torch::Tensor h, const torch::Tensor& keep = torch::Tensor(),
                        bool best = false) const;

  // Keeps the weights of the rows `rows` as their best (the test error is measured on them once,
  // when the member ends).
  void remember_best(const torch::Tensor& rows);

  void zero_grad() { grad_.zero_(); }
  // One optimizer step of every member, each with its own optimizer, settings and rate [G, 1].
  void step(const torch::Tensor& rate);

  // Per member: whether every weight is finite.
  torch::Tensor finite() const { return torch::isfinite(flat_).all(1); }

  // Keeps the rows `keep` (the members still training) of every tensor.
  void keep(const std::vector<long>& keep);

  long size() const { return flat_.size(0); }

  // A member's state in its own shapes (its layers unpadded, whatever the group): per array
  // (weights, best weights, the optimizer's averages and buffer, those in use) its layers'
  // weights [in, out] and biases [out], and its optimizer step count. Set into a member of
  // another group, it continues as it would have in the first.
  struct MemberState {
    std::map<std::string, std::vector<torch::Tensor>> arrays;  // name -> w0, b0, w1, b1, ...
    long steps = 0;
  };
  MemberState export_member(std::size_t k) const;
  void import_member(std::size_t k, const MemberState& state);
  long inputs() const { return in_; }

 private:
  void make_leaves();
  void check_gradients();
  torch::Tensor weight_of(const torch::Tensor& flat, std::size_t l) const;
  torch::Tensor bias_of(const torch::Tensor& flat, std::size_t l) const;
  void runs_and_gates();
  torch::Tensor hidden_activation(const torch::Tensor& h, const torch::Tensor& keep) const;

  torch::TensorOptions options_;
  long in_ = 1;
  std::vector<long> sizes_, offsets_;
  std::vector<std::int64_t> parameters_;
  std::vector<at::Generator> orders_;
  // flat_ [G, P]: every parameter; the leaves weights_ and biases_ are views of it, and their
  // gradients views of grad_: autograd accumulates into them in place (no grad mode during
  // backward), so one buffer holds every gradient without a copy.
  torch::Tensor flat_, grad_, mask_, best_, avg_, avg_sq_, buffer_;
  std::vector<torch::Tensor> weights_, biases_;
  // [G, 1] columns of the members' settings, and their choices per row.
  torch::Tensor weight_decay_, momentum_, nesterov_, clip_;
  bool any_decay_ = false, any_clip_ = false;
  std::vector<Optimizer> optimizer_;
  std::vector<Activation> activation_;
  std::vector<Run<Activation>> act_runs_;
  std::vector<Run<Optimizer>> opt_runs_;
  std::vector<std::int64_t> act_code_;  // act_runs_ encoded for activate_runs
  std::vector<int> depth_;              // hidden layers of each member
  std::vector<torch::Tensor> gates_;    // per hidden layer: [G, 1, 1] whether a member has it
  std::vector<long> steps_;  // optimizer steps of each member (its own count after a pause)
  std::vector<std::vector<long>> own_sizes_;  // each member's own layer sizes: in, hidden..., out
};

// A [G, 1] column of per-member values.
torch::Tensor member_column(const std::vector<double>& v, const torch::TensorOptions& o);

}  // namespace hsicho::train
