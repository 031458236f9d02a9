#include "hsicho/train/fusion_plan.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace hsicho::train {

bool fusable(const TrainSpec& s) {
  return s.model.type == ModelType::Mlp && s.model.dropout == 0 && !s.model.batch_norm;
}

std::string fuse_key(const TrainSpec& s) {
  // Depths mix (gates), but a network without hidden layers has nothing to pass through.
  return std::string(name(s.model.type)) + "/" + (s.model.layers > 0 ? "hidden" : "linear") + "/" +
         std::to_string(s.optim.batch_size) + "/" + std::string(name(s.optim.loss)) + "/" +
         s.optim.device + "/" + std::to_string(s.optim.threads) + "/" +
         std::string(name(s.data.metric));
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
    const std::vector<std::size_t> members(positions.begin() + static_cast<long>(first),
                                           positions.begin() + static_cast<long>(last));
    return group_step_cost(specs, members, inputs, outputs);
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

double forward_macs(long inputs, const std::vector<int>& widths, long outputs) {
  double m = 0;
  long in = inputs;
  for (int w : widths)
    m += static_cast<double>(in) * w, in = w;
  return m + static_cast<double>(in) * static_cast<double>(outputs);
}

double group_step_cost(const std::vector<TrainSpec>& specs, const std::vector<std::size_t>& members,
                       long inputs, long outputs) {
  if (members.size() == 1) return alone_step_cost(specs[members.front()], inputs, outputs);
  const auto batch = static_cast<double>(specs[members.front()].optim.batch_size);
  const auto widths = padded_widths(specs, members);
  return kFusedStep + kFusedPerLayer * static_cast<double>(widths.size()) +
         kPerMac * batch * static_cast<double>(members.size()) *
             forward_macs(inputs, widths, outputs);
}

double alone_step_cost(const TrainSpec& spec, long inputs, long outputs) {
  const auto& m = spec.model;
  const std::vector<int> own(m.units.begin(), m.units.begin() + m.layers);
  return kAloneStep + kAlonePerLayer * m.layers +
         kPerMac * static_cast<double>(spec.optim.batch_size) * forward_macs(inputs, own, outputs);
}

}  // namespace hsicho::train
