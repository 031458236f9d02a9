// Fused training (issue 32): the padding is exact (a network padded in a group trains as it does
// alone, in double precision, to rounding), each member keeps its own optimizer, rate, schedule,
// clipping, activation, epochs and patience (against train_one, the plain trainer, with the same
// streams), and groups are formed deterministically.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "hsicho/error.hpp"
#include "hsicho/train/fused.hpp"
#include "hsicho/train/trainer.hpp"

using namespace hsicho;
using namespace hsicho::train;

namespace {

DataSet runge(int dim = 1) {
  DataSpec s;
  s.name = "runge";
  s.dim = dim;
  s.train = 96, s.validation = 64, s.test = 64;
  return load_dataset(s, 1);
}

TrainSpec mlp(std::vector<int> units, const std::string& activation, std::uint64_t seed) {
  TrainSpec t;
  t.model.type = ModelType::Mlp;
  t.model.layers = static_cast<int>(units.size());
  t.model.units = std::move(units);
  t.model.activation = parse_choice<Activation>(activation);
  t.optim.optimizer = Optimizer::Adam;
  t.optim.lr = 1e-2;
  t.optim.batch_size = 16;
  t.optim.epochs = 4;
  t.optim.loss = Loss::Mse;
  t.seed = seed;
  return t;
}

std::map<std::size_t, Result> run_group(const std::vector<TrainSpec>& specs, const Group& g,
                                        const DataSet& data, bool dbl) {
  std::map<std::size_t, Result> out;
  GroupHooks hooks;
  hooks.finished = [&](std::size_t k, Result r) { out.emplace(k, std::move(r)); };
  REQUIRE(train_group(specs, g, data, 0, hooks, dbl));
  REQUIRE(out.size() == g.members.size());
  return out;
}

double rel(double a, double b) {
  return std::fabs(a - b) / std::max(std::fabs(b), 1e-300);
}

}  // namespace

TEST_CASE("a padded network trains as it does alone (double precision: the masking is exact)",
          "[train][fused]") {
  const DataSet data = runge(2);
  // Sigmoid is the hard case: a padded unit's activation is 0.5, not 0, so only the zero
  // weights leaving it keep it out; the wide member has other widths and activation.
  for (const std::string act : {"sigmoid", "tanh", "relu"}) {
    std::vector<TrainSpec> specs = {mlp({5, 3}, act, 11), mlp({12, 9}, "silu", 12)};
    specs[1].optim.lr = 3e-2;
    const auto alone = run_group(specs, Group{{0}, {5, 3}}, data, true);
    const auto padded = run_group(specs, Group{{0, 1}, {12, 9}}, data, true);
    const auto& a = alone.at(0);
    const auto& p = padded.at(0);
    INFO(a.message << " | " << p.message);
    REQUIRE(a.ok());
    REQUIRE(p.ok());
    CHECK(p.parameters == a.parameters);
    CHECK(p.parameters == (2 * 5 + 5) + (5 * 3 + 3) + (3 + 1));  // by hand
    REQUIRE(p.curves.size() == a.curves.size());
    for (std::size_t e = 0; e < a.curves.size(); ++e)
      CHECK(rel(p.curves[e], a.curves[e]) < 1e-12);
    CHECK(rel(p.val_error, a.val_error) < 1e-12);
    CHECK(rel(p.test_error, a.test_error) < 1e-12);
    CHECK(a.curves.front() > a.val_error);  // it learned something: the check is not vacuous
  }
}

TEST_CASE("depths mix in a group: a shallow network passes through the deeper layers exactly",
          "[train][fused]") {
  const DataSet data = runge(2);
  std::vector<TrainSpec> specs = {mlp({6}, "sigmoid", 21), mlp({9, 7, 5}, "tanh", 22),
                                  mlp({4, 8}, "relu", 23)};
  std::vector<std::size_t> all = {0, 1, 2};
  const auto groups = form_groups(specs, all, 16);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].widths == std::vector<int>{9, 9, 9});  // mixed depths: the widest everywhere
  const auto mixed = run_group(specs, groups[0], data, true);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    std::vector<int> own(specs[k].model.units);
    const auto alone = run_group(specs, Group{{k}, own}, data, true).at(k);
    const auto& m = mixed.at(k);
    REQUIRE(m.ok());
    REQUIRE(m.curves.size() == alone.curves.size());
    for (std::size_t e = 0; e < m.curves.size(); ++e)
      CHECK(rel(m.curves[e], alone.curves[e]) < 1e-12);
    CHECK(rel(m.test_error, alone.test_error) < 1e-12);
    CHECK(m.parameters == alone.parameters);
  }
}

TEST_CASE("each member keeps its optimizer, rate and settings (against the plain trainer)",
          "[train][fused]") {
  const DataSet data = runge();
  std::vector<TrainSpec> specs = {mlp({16}, "tanh", 1), mlp({8}, "relu", 2),
                                  mlp({12}, "silu", 3), mlp({10}, "sigmoid", 4),
                                  mlp({16}, "gelu", 5), mlp({6}, "elu", 6)};
  specs[0].optim.lr = 2e-2;
  specs[1].optim.optimizer = Optimizer::Sgd, specs[1].optim.lr = 5e-2,
  specs[1].optim.momentum = 0.9;
  specs[1].optim.nesterov = true;
  specs[2].optim.optimizer = Optimizer::Rmsprop, specs[2].optim.lr = 3e-3,
  specs[2].optim.momentum = 0.5;
  specs[2].optim.weight_decay = 1e-3;
  specs[3].optim.optimizer = Optimizer::Adamw, specs[3].optim.lr = 1e-2,
  specs[3].optim.weight_decay = 0.1;
  specs[3].optim.schedule = Schedule::Cosine, specs[3].optim.epochs = 6;
  specs[4].optim.clip = 0.05, specs[4].optim.weight_decay = 1e-4, specs[4].optim.epochs = 2;
  specs[5].optim.optimizer = Optimizer::Sgd, specs[5].optim.lr = 0.1;  // plain SGD
  specs[5].optim.schedule = Schedule::Step, specs[5].optim.step_size = 2,
  specs[5].optim.gamma = 0.5;
  std::vector<std::size_t> all = {0, 1, 2, 3, 4, 5};
  const auto groups = form_groups(specs, all, 16);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].widths == std::vector<int>{16});
  const auto fused = run_group(specs, groups[0], data, false);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    INFO("member " << k << " (" << specs[k].optim.optimizer << ")");
    const Result alone = train_one(specs[k], data);
    const Result& f = fused.at(k);
    CHECK(f.status == Outcome::Ok);
    CHECK(f.epochs == alone.epochs);
    CHECK(f.epochs == specs[k].optim.epochs);
    CHECK(f.best_epoch == alone.best_epoch);
    CHECK(f.parameters == alone.parameters);
    CHECK(f.flops == alone.flops);
    REQUIRE(f.curves.size() == alone.curves.size());
    // float32, other summation orders: equal to rounding (measured: at most 1.4e-7).
    for (std::size_t e = 0; e < f.curves.size(); ++e)
      CHECK(rel(f.curves[e], alone.curves[e]) < 1e-5);
    CHECK(rel(f.test_error, alone.test_error) < 1e-5);
  }
  // Settings that matter: the members differ from one another by far more than that.
  CHECK(rel(fused.at(0).val_error, fused.at(1).val_error) > 1e-2);
}

TEST_CASE("patience, divergence and hooks end a member as they end it alone", "[train][fused]") {
  const DataSet data = runge();
  std::vector<TrainSpec> specs = {mlp({8}, "tanh", 1), mlp({8}, "tanh", 2), mlp({8}, "tanh", 3)};
  specs[0].optim.epochs = 30, specs[0].optim.patience = 2, specs[0].optim.lr = 0.3;
  specs[1].optim.optimizer = Optimizer::Sgd, specs[1].optim.lr = 1e6;  // diverges
  specs[2].optim.epochs = 8;
  std::map<std::size_t, Result> out;
  std::map<std::size_t, std::vector<int>> seen;
  GroupHooks hooks;
  hooks.finished = [&](std::size_t k, Result r) { out.emplace(k, std::move(r)); };
  hooks.after_epoch = [&](std::size_t k, int epoch, double) {
    seen[k].push_back(epoch);
    return k == 2 && epoch == 3 ? AfterEpoch::StopEarly : AfterEpoch::Continue;
  };
  REQUIRE(train_group(specs, Group{{0, 1, 2}, {8}}, data, 0, hooks));
  const Result alone0 = train_one(specs[0], data);
  CHECK(out.at(0).epochs == alone0.epochs);
  CHECK(out.at(0).epochs < 30);
  const Result alone1 = train_one(specs[1], data);
  CHECK(out.at(1).status == Outcome::Diverged);
  CHECK(alone1.status == Outcome::Diverged);
  CHECK(out.at(1).epochs == alone1.epochs);
  CHECK(std::isinf(out.at(1).val_error));
  CHECK(out.at(2).epochs == 3);
  CHECK(seen[2] == std::vector<int>{1, 2, 3});
  CHECK(seen.count(1) == 0);  // a diverged training reports no epoch
  // The hooks run in the group's order whatever the rows' order inside (sorted by optimizer).
  std::vector<TrainSpec> mixed = {mlp({8}, "tanh", 1), mlp({8}, "tanh", 2), mlp({8}, "relu", 3)};
  mixed[0].optim.optimizer = Optimizer::Sgd, mixed[2].optim.optimizer = Optimizer::Rmsprop;
  std::vector<std::size_t> calls;
  GroupHooks in_order;
  in_order.finished = [](std::size_t, Result) {};
  in_order.after_epoch = [&](std::size_t k, int, double) {
    calls.push_back(k);
    return AfterEpoch::Continue;
  };
  REQUIRE(train_group(mixed, Group{{0, 1, 2}, {8}}, data, 0, in_order));
  REQUIRE(calls.size() == 12);
  for (std::size_t c = 0; c < calls.size(); ++c)
    CHECK(calls[c] == c % 3);
  // An interrupt: no result for the members still training.
  out.clear();
  int polls = 0;
  hooks.after_epoch = nullptr;
  hooks.interrupted = [&] { return ++polls > 10; };
  CHECK_FALSE(train_group(specs, Group{{0, 2}, {8}}, data, 0, hooks));
  CHECK(out.empty());
}

TEST_CASE("a journal fault inside a group ends the run, no member is recorded twice",
          "[train][fused]") {
  // The second member's journal append fails (a full disk, the journal removed): the group stops
  // with that fault, as thrown; the first member was recorded once, as it ended, and no member
  // became a failed result.
  const DataSet data = runge();
  std::vector<TrainSpec> specs = {mlp({8}, "tanh", 1), mlp({8}, "tanh", 2), mlp({8}, "tanh", 3)};
  specs[0].optim.epochs = 2, specs[1].optim.epochs = 3, specs[2].optim.epochs = 4;
  std::vector<std::pair<std::size_t, Outcome>> recorded;
  GroupHooks hooks;
  hooks.finished = [&](std::size_t k, Result r) {
    if (k == 1) throw RuntimeError("journal 'rank-00000.jnl': No space left on device");
    recorded.emplace_back(k, r.status);
  };
  CHECK_THROWS_WITH(train_group(specs, Group{{0, 1, 2}, {8}}, data, 0, hooks),
                    Catch::Contains("No space left on device"));
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0].first == 0);
  CHECK(recorded[0].second == Outcome::Ok);
  // A rung's decision that fails (its log) likewise.
  hooks.finished = [](std::size_t, Result r) { CHECK(r.status != Outcome::Failed); };
  hooks.after_epoch = [](std::size_t, int epoch, double) -> AfterEpoch {
    if (epoch == 2) throw RuntimeError("cannot write 'rungs-00000.log'");
    return AfterEpoch::Continue;
  };
  CHECK_THROWS_AS(train_group(specs, Group{{0, 1, 2}, {8}}, data, 0, hooks), RuntimeError);
}

TEST_CASE("groups: deterministic runs by width, padded to the widest, cut by the cost model",
          "[train][fused]") {
  std::vector<TrainSpec> specs;
  for (int k = 0; k < 17; ++k)
    specs.push_back(mlp({4 + (k * 7) % 17, 3 + k % 5}, "tanh", static_cast<std::uint64_t>(k)));
  std::vector<std::size_t> all;
  for (std::size_t k = 0; k < specs.size(); ++k)
    all.push_back(k);
  const auto groups = form_groups(specs, all, 16);
  std::vector<int> seen(specs.size(), 0);
  int previous_widest = 0;
  for (const auto& g : groups) {
    CHECK(g.members.size() <= 16);
    std::vector<int> want(2, 0);
    int narrowest = 1 << 30, widest = 0;
    for (auto k : g.members) {
      ++seen[k];
      const auto& u = specs[k].model.units;
      want[0] = std::max(want[0], u[0]);
      want[1] = std::max(want[1], u[1]);
      narrowest = std::min(narrowest, std::max(u[0], u[1]));
      widest = std::max(widest, std::max(u[0], u[1]));
    }
    CHECK(g.widths == want);              // one depth: each layer its widest member's
    CHECK(narrowest >= previous_widest);  // runs of the order by widest layer
    previous_widest = widest;
  }
  CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
  std::vector<std::size_t> reversed(all.rbegin(), all.rend());
  const auto again = form_groups(specs, reversed, 16);
  REQUIRE(again.size() == groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g)
    CHECK(again[g].members == groups[g].members);
  CHECK(form_groups(specs, all, 1).size() == 17);

  // Narrow networks alike: fusing saves the most, groups fill up (32 = 16 + 16). A network far
  // wider than the others trains alone: padding the others to it would cost more than it saves.
  std::vector<TrainSpec> narrow;
  for (int k = 0; k < 32; ++k)
    narrow.push_back(mlp({8}, "relu", static_cast<std::uint64_t>(k)));
  narrow.push_back(mlp({1024, 1024, 1024}, "relu", 99));
  std::vector<std::size_t> positions;
  for (std::size_t k = 0; k < narrow.size(); ++k)
    positions.push_back(k);
  const auto cut = form_groups(narrow, positions, 16);
  REQUIRE(cut.size() == 3);
  CHECK(cut[0].members.size() == 16);
  CHECK(cut[1].members.size() == 16);
  CHECK(cut[2].members == std::vector<std::size_t>{32});
  // Mixed depths pad every hidden layer to the widest.
  std::vector<TrainSpec> mixed = {mlp({6}, "relu", 1), mlp({5, 9}, "relu", 2)};
  CHECK(form_groups(mixed, {0, 1}, 16)[0].widths == std::vector<int>{9, 9});
  // A group's step by the model, by hand: padded to 9 x 9, 3 inputs, 2 outputs: 3 x 9 + 9 x 9 +
  // 9 x 2 = 126 multiply-adds a sample, 130 us + 2 layers x 35 us + 0.25 ns x batch x 2 members
  // x 126; one member: its own step alone.
  const double batch = mixed[0].optim.batch_size;
  CHECK(group_step_cost(mixed, {0, 1}, 3, 2) == Approx(130e3 + 2 * 35e3 + 0.25 * batch * 2 * 126));
  CHECK(group_step_cost(mixed, {1}, 3, 2) == alone_step_cost(mixed[1], 3, 2));
  CHECK_FALSE(fusable([] {
    auto t = mlp({4}, "tanh", 1);
    t.model.dropout = 0.1;
    return t;
  }()));
}

TEST_CASE("paused fused members continue bit for bit, and in another group to rounding",
          "[train][fused][pause]") {
  // Successive halving (issue 40) pauses a group's members at a rung and continues the survivors,
  // regrouped, later. In the same group the result is bit for bit the never-paused group's; in
  // another group (other padding widths, other neighbours) it matches to float rounding, and a
  // member with its own optimizer step count (Adam's bias correction) keeps it.
  const DataSet data = runge();
  std::vector<TrainSpec> specs = {mlp({16}, "tanh", 1), mlp({8}, "relu", 2), mlp({12}, "silu", 3),
                                  mlp({10}, "tanh", 4)};
  specs[1].optim.optimizer = Optimizer::Sgd, specs[1].optim.lr = 5e-2,
  specs[1].optim.momentum = 0.9;
  specs[2].optim.optimizer = Optimizer::Rmsprop, specs[2].optim.lr = 3e-3,
  specs[2].optim.momentum = 0.5;
  specs[3].optim.optimizer = Optimizer::Adamw, specs[3].optim.weight_decay = 0.1;
  for (auto& s : specs)
    s.optim.epochs = 7;
  const Group all{{0, 1, 2, 3}, {16}};
  const auto straight = run_group(specs, all, data, false);
  const std::string dir = "paused_fused_test";
  std::filesystem::create_directories(dir);
  auto file = [&](std::size_t k) { return dir + "/" + std::to_string(k) + ".pt"; };
  // Phase 1: all to epoch 3; phase 2: all from 3 to 5; phase 3: to the end.
  std::map<std::size_t, Result> paused, ended;
  for (auto [after, from] : {std::pair{3, false}, {5, true}, {0, true}}) {
    GroupHooks hooks;
    hooks.pausing = [&, after = after, from = from](std::size_t k) {
      return Pausing{after, file(k), from};
    };
    hooks.paused = [&](std::size_t k, Result r) { paused[k] = std::move(r); };
    hooks.finished = [&](std::size_t k, Result r) { ended[k] = std::move(r); };
    REQUIRE(train_group(specs, all, data, 0, hooks));
  }
  REQUIRE(ended.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(ended[k].curves == straight.at(k).curves);
    CHECK(ended[k].val_error == straight.at(k).val_error);
    CHECK(ended[k].test_error == straight.at(k).test_error);
    CHECK(ended[k].best_epoch == straight.at(k).best_epoch);
  }
  CHECK(paused.at(0).epochs == 5);  // the last pause's record
  // Regrouped: members 1 and 3 paused at 3 in the group of four continue as a group of two
  // (widths 10), member 0 alone in a group of one.
  std::map<std::size_t, Result> first, rest;
  {
    GroupHooks hooks;
    hooks.pausing = [&](std::size_t k) { return Pausing{3, file(k), false}; };
    hooks.paused = [&](std::size_t k, Result r) { first[k] = std::move(r); };
    REQUIRE(train_group(specs, all, data, 0, hooks));
  }
  for (const Group& g : {Group{{1, 3}, {10}}, Group{{0}, {16}}}) {
    GroupHooks hooks;
    hooks.pausing = [&](std::size_t k) { return Pausing{0, file(k), true}; };
    hooks.finished = [&](std::size_t k, Result r) { rest[k] = std::move(r); };
    REQUIRE(train_group(specs, g, data, 0, hooks));
  }
  for (std::size_t k : {0, 1, 3}) {
    const auto& a = rest.at(k).curves;
    const auto& b = straight.at(k).curves;
    REQUIRE(a.size() == b.size());
    for (std::size_t e = 0; e < 3; ++e)
      CHECK(a[e] == b[e]);  // before the pause: the same run
    for (std::size_t e = 3; e < a.size(); ++e)
      CHECK(rel(a[e], b[e]) < 1e-3);  // after: float rounding of another padding
  }
  std::filesystem::remove_all(dir);
}
