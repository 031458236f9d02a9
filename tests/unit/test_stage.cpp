// The optimizer's stage decisions on synthetic studies with a known answer.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <set>
#include "hsicho/hsic/evidence.hpp"

#include "hsicho/design/design.hpp"
#include "hsicho/random.hpp"
#include "hsicho/study/stage.hpp"

using namespace hsicho;
using namespace hsicho::study;

namespace {

const char* kDeck = R"(
data: {name: runge}
design: {samples: 300}
space:
  - {name: x1, type: continuous, range: [0, 1]}
  - {name: x2, type: log, range: [1.0e-3, 1]}
  - {name: units, type: integer, range: [1, 8]}
  - {name: activation, type: categorical, values: [relu, tanh, gelu]}
  - {name: batch_norm, type: boolean}
  - {name: dropout, type: continuous, range: [0, 0.5]}
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: momentum, type: continuous, range: [0, 0.9], when: "optimizer == sgd"}
)";

double as_num(const space::Config& c, const space::Space& sp, const std::string& name) {
  return space::as_number(*c[*sp.find(name)]);
}

// A stage of n design points of `sp` with the given errors and costs, analysed as a study does
// (conditional inputs where active).
using ConfigFn = std::function<double(const space::Config&)>;
StageInput make_stage(const space::Space& sp, std::size_t n, std::uint64_t seed, double alpha,
                      const ConfigFn& error, const ConfigFn& cost) {
  space::DesignSettings ds;
  ds.samples = n;
  const auto design = design::make_design(sp, ds, seed);
  StageInput in;
  in.space = &sp;
  in.configs = design.configs;
  in.alpha = alpha;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(sp.dimension()));
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  std::vector<double> row(sp.dimension());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = in.configs[i];
    in.errors.push_back(error(c));
    in.costs.push_back(cost(c));
    y[static_cast<Eigen::Index>(i)] = in.errors.back();
    sp.normalize(c, seed, i, row.data());
    for (std::size_t k = 0; k < row.size(); ++k)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = row[k];
  }
  std::vector<std::string> names;
  for (auto k : sp.free_columns())
    names.push_back(sp[k].name);
  hsic::Options o;
  o.alpha = in.alpha;
  o.conditional = true;
  o.bootstrap = 200;  // as a study does by default: the evidence of irrelevance
  in.analysis = hsic::analyze(x, y, names, o);
  return in;
}

// The error depends on x1 (best near 0.3) and x2 (best near 1e-2) only.
StageInput stage(const space::Space& sp, std::size_t n, std::uint64_t seed) {
  auto error = [&](const space::Config& c) {
    return std::pow(as_num(c, sp, "x1") - 0.3, 2) +
           std::pow(std::log10(as_num(c, sp, "x2")) + 2, 2) / 4;
  };
  // Cost: wider networks cost more; adam is the cheaper optimizer here.
  auto cost = [&](const space::Config& c) {
    const double units = sp.find("units") && c[*sp.find("units")] ? as_num(c, sp, "units") : 4;
    const bool adam =
        c[*sp.find("optimizer")] && std::get<std::string>(*c[*sp.find("optimizer")]) == "adam";
    return units * (adam ? 1.0 : 2.0);
  };
  return make_stage(sp, n, seed, 0.1, error, cost);
}

// A stage where nothing drives the error (uniform noise).
StageInput noise_stage(const space::Space& sp, std::size_t n, std::uint64_t seed,
                       const ConfigFn& cost) {
  Rng rng(seed + 100);
  return make_stage(
      sp, n, seed, 0.2, [&](const space::Config&) { return rng.uniform(); }, cost);
}

}  // namespace

std::string log_of(const StageDecision& d) {
  std::string s;
  for (const auto& x : d.decisions)
    s += describe(x) + "\n";
  return s;
}

const Decision* decision_of(const StageDecision& d, const std::string& name) {
  for (const auto& x : d.decisions) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

TEST_CASE("the optimizer freezes only what is shown not to matter, at a cheap good value",
          "[optimize]") {
  const auto deck = space::parse_deck(kDeck, "stage.yaml");
  const auto in = stage(deck.space, 300, 4);
  const auto d = decide(in, OptimizeSettings{});
  const auto& next = d.next;
  INFO(log_of(d));
  // The two inputs that drive the error are focused, the leader among them.
  for (const char* name : {"x1", "x2"}) {
    INFO(name);
    REQUIRE(decision_of(d, name));
    CHECK(decision_of(d, name)->action == Decision::Action::Focused);
    CHECK(next[*next.find(name)].is_free());
  }
  CHECK((decision_of(d, "x1")->leader == "x1" || decision_of(d, "x1")->leader == "x2"));
  // 300 trainings are evidence enough that the six others do not matter: most are frozen, each
  // with its evidence (its index at most 5% of the significant leader's).
  int frozen = 0;
  for (const auto& x : d.decisions) {
    if (x.action != Decision::Action::Froze) continue;
    ++frozen;
    CHECK(x.pvalue > 0.05);
    CHECK(x.ratio <= 0.05);
  }
  CHECK(frozen >= 4);
  // The width costs more when larger and does not matter: it drifts toward fewer units instead
  // of being frozen; the optimizer, whose cost has no order, is frozen at the cheaper, adam, and
  // then momentum disappears ("cheapest": the value of the cheapest of the best tenth).
  REQUIRE(decision_of(d, "units"));
  CHECK(decision_of(d, "units")->action == Decision::Action::Explored);
  CHECK(decision_of(d, "units")->drift == -1);
  std::vector<double> sorted = in.errors;
  std::sort(sorted.begin(), sorted.end());
  const double q = sorted[static_cast<std::size_t>(std::floor(0.1 * 299))];
  std::size_t cheapest = 0;
  double cost = INFINITY;
  for (std::size_t i = 0; i < in.configs.size(); ++i) {
    if (in.errors[i] > q) continue;
    if (in.costs[i] < cost || (in.costs[i] == cost && in.errors[i] < in.errors[cheapest]))
      cost = in.costs[i], cheapest = i;  // of equal costs, the better
  }
  const auto& dropout = next[*next.find("dropout")];
  REQUIRE(dropout.type == space::Type::Fixed);
  CHECK(dropout.fixed_value == *in.configs[cheapest][*deck.space.find("dropout")]);
  const auto& optimizer = next[*next.find("optimizer")];
  REQUIRE(optimizer.type == space::Type::Fixed);
  CHECK(std::get<std::string>(optimizer.fixed_value) == "adam");
  CHECK(next[*next.find("momentum")].never_active);
  REQUIRE(decision_of(d, "momentum"));
  CHECK(describe(*decision_of(d, "momentum")) ==
        "dropped momentum (optimizer = adam leaves it inactive)");
  // The next stage starts from the goal set of every training so far, best first.
  REQUIRE(d.sample_near_parents);
  CHECK(d.parents.size() ==
        static_cast<std::size_t>(
            std::count_if(in.errors.begin(), in.errors.end(), [&](double e) { return e <= q; })));
  CHECK(d.parents.front() ==
        in.configs[static_cast<std::size_t>(std::min_element(in.errors.begin(), in.errors.end()) -
                                            in.errors.begin())]);
}

TEST_CASE("aiming at the front, later stages start from cheap configurations of near-best error",
          "[optimize]") {
  const auto deck = space::parse_deck(kDeck, "stage.yaml");
  const auto in = stage(deck.space, 300, 4);
  OptimizeSettings by_error, at_front;
  at_front.pick_cheapest = true;
  const auto e = decide(in, by_error), f = decide(in, at_front);
  // The same decisions about each input: only the parents differ.
  REQUIRE(e.decisions.size() == f.decisions.size());
  for (std::size_t i = 0; i < e.decisions.size(); ++i)
    CHECK(describe(e.decisions[i]) == describe(f.decisions[i]));
  // By hand: the band of the best 2 alpha = 20% of the errors; its cheapest configuration (of
  // equal costs, the better) is on the front, so a parent; the best is the first parent.
  std::vector<double> sorted = in.errors;
  std::sort(sorted.begin(), sorted.end());
  const double q20 = sorted[static_cast<std::size_t>(std::floor(0.2 * 299))];
  std::size_t cheapest = 0, best = 0;
  for (std::size_t i = 0; i < in.configs.size(); ++i) {
    if (in.errors[i] < in.errors[best]) best = i;
    if (in.errors[i] > q20) continue;
    if (in.errors[cheapest] > q20 || in.costs[i] < in.costs[cheapest] ||
        (in.costs[i] == in.costs[cheapest] && in.errors[i] < in.errors[cheapest]))
      cheapest = i;
  }
  REQUIRE(f.sample_near_parents);
  CHECK(f.parents.front() == in.configs[best]);
  CHECK(std::find(f.parents.begin(), f.parents.end(), in.configs[cheapest]) != f.parents.end());
  CHECK(f.parents.size() >= e.parents.size());
  double cost_e = 0, cost_f = 0, err_f = 0;
  for (const auto& c : f.parents) {
    const auto i = static_cast<std::size_t>(std::find(in.configs.begin(), in.configs.end(), c) -
                                            in.configs.begin());
    CHECK(in.errors[i] <= q20);
    cost_f += in.costs[i] / static_cast<double>(f.parents.size());
    err_f += in.errors[i] / static_cast<double>(f.parents.size());
  }
  for (const auto& c : e.parents) {
    const auto i = static_cast<std::size_t>(std::find(in.configs.begin(), in.configs.end(), c) -
                                            in.configs.begin());
    cost_e += in.costs[i] / static_cast<double>(e.parents.size());
  }
  INFO("mean cost of the parents: by error " << cost_e << ", at the front " << cost_f);
  CHECK(cost_f < cost_e);
  // The next stage samples toward the front: its configurations cost less on average.
  OptimizeSettings o = at_front;
  o.explore = 0;
  const auto de = sample_stage(e, o, in.configs, 400, 4, 1);
  const auto df = sample_stage(f, o, in.configs, 400, 4, 1);
  auto mean_units = [&](const design::Design& d) {
    double sum = 0;
    for (const auto& c : d.configs)
      sum += as_num(c, e.next, "units");
    return sum / static_cast<double>(d.configs.size());
  };
  CHECK(mean_units(df) < mean_units(de));
}

TEST_CASE("a wall-time budget sizes the later stages from stage 1's times", "[optimize]") {
  // 100 s left at 1 s a training after a first stage of 56: 100 trainings, one stage (at most
  // about twice the first per stage).
  CHECK(time_sized_stages(100, 1, 56) == std::vector<std::size_t>{100});
  // 1000 trainings fit: ceil(1000 / 112) = 9 stages wanted, 4 at most, 250 each.
  CHECK(time_sized_stages(1000, 1, 56) == std::vector<std::size_t>{250, 250, 250, 250});
  // 10 fit after a first stage of 4: two stages of 5; 11: 6 and 5.
  CHECK(time_sized_stages(10.5, 1, 4) == std::vector<std::size_t>{5, 5});
  CHECK(time_sized_stages(11, 1, 4) == std::vector<std::size_t>{6, 5});
  // Fewer than 4 fit, or none at all: no later stage.
  CHECK(time_sized_stages(3.9, 1, 56).empty());
  CHECK(time_sized_stages(-5, 1, 56).empty());
  CHECK(time_sized_stages(100, 0, 56).empty());
  // Each later stage is sized when the one before ends: what fits, shared among the later
  // stages that remain (4 in all). 1000 fit after stage 1: 4 stages wanted, the next of 250.
  CHECK(next_stage_by_time(1000, 1, 56, 0).size == 250);
  CHECK_FALSE(next_stage_by_time(1000, 1, 56, 0).last);
  // After 3 later stages the 4th takes all that fits, and is the last; after 4, none.
  CHECK(next_stage_by_time(1000, 1, 56, 3).size == 1000);
  CHECK(next_stage_by_time(1000, 1, 56, 3).last);
  CHECK(next_stage_by_time(1000, 1, 56, 4).size == 0);
  // 100 fit: one stage of 100, the last; fewer than 4 fit: none.
  CHECK(next_stage_by_time(100, 1, 56, 0).size == 100);
  CHECK(next_stage_by_time(100, 1, 56, 0).last);
  CHECK(next_stage_by_time(3, 1, 56, 0).size == 0);
  // 11 fit after a first stage of 4: two stages wanted (6 and 5), the next takes 6.
  CHECK(next_stage_by_time(11, 1, 4, 0).size == 6);
  // The deck: a duration is a wall-time budget, stage 1 of 8 trainings per hyperparameter.
  const auto deck = space::parse_deck(std::string(kDeck) + "optimize: {budget: 90s}\n", "t.yaml");
  const auto o = read_optimize(deck);
  CHECK(o.budget_seconds == 90);
  CHECK(o.budget == 0);
  CHECK(o.stages == std::vector<std::size_t>{8 * deck.space.dimension()});
  CHECK(read_optimize(space::parse_deck(std::string(kDeck) + "optimize: {budget: 2h}\n", "t.yaml"))
            .budget_seconds == 7200);
  CHECK_THROWS_WITH(
      read_optimize(space::parse_deck(
          std::string(kDeck) + "optimize: {budget: 2h, stages: [10, 10]}\n", "t.yaml")),
      Catch::Contains("sized by the wall-time budget"));
}

TEST_CASE("absence of evidence is not evidence of irrelevance", "[optimize]") {
  // 40 trainings of pure noise: every p-value is large, as it is for weak but real effects in a
  // small first stage. The first optimizer froze them all; now each input is explored (or, the
  // leader, focused), since no input is shown to be far below the others.
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: a, type: continuous, range: [0, 1]}
  - {name: b, type: continuous, range: [0, 1]}
  - {name: units, type: integer, range: [4, 64], log: true}
)",
                                      "flat.yaml");
  const auto& sp = deck.space;
  const StageInput in = noise_stage(sp, 40, 3, [&](const space::Config& c) {
    return as_num(c, sp, "units");  // wider costs more
  });
  const auto d = decide(in, OptimizeSettings{});
  INFO(log_of(d));
  CHECK(d.frozen.empty());
  CHECK(d.next.dimension() == 3);
  // Width goes with cost in every training: it drifts toward fewer units.
  REQUIRE(decision_of(d, "units"));
  const auto& units = *decision_of(d, "units");
  CHECK(units.action == Decision::Action::Explored);
  CHECK(units.drift == -1);
  CHECK_THAT(describe(units), Catch::Contains("drifting toward lower (cheaper) values"));
  for (const char* name : {"a", "b"})
    CHECK(decision_of(d, name)->drift == 0);  // no link with the cost
}

TEST_CASE("optimize settings are read and checked against the budget", "[optimize]") {
  auto deck = space::parse_deck(std::string(kDeck) +
                                    "optimize: {stages: [40, 30], alpha: 0.2, final_top: 2, "
                                    "final_seeds: 3, budget: 76}\n",
                                "opt.yaml");
  const auto o = read_optimize(deck);
  CHECK(o.enabled);
  CHECK(o.stages == std::vector<std::size_t>{40, 30});
  CHECK(o.alpha == std::vector<double>{0.2, 0.2});
  CHECK(o.total() == 76);
  deck = space::parse_deck(std::string(kDeck) + "optimize: {stages: [40, 30], budget: 70}\n",
                           "opt.yaml");
  CHECK_THROWS_WITH(read_optimize(deck),
                    Catch::Contains("79 trainings") && Catch::Contains("budget is 70"));
  deck = space::parse_deck(std::string(kDeck) + "optimize: {strategy: random, stages: [40, 30]}\n",
                           "opt.yaml");
  CHECK(read_optimize(deck).stages == std::vector<std::size_t>{70});  // baselines: one stage
}

TEST_CASE("the parent of an input that matters is never frozen", "[optimize]") {
  // Momentum (active under sgd) matters; the optimizer's own index is as small as an inert
  // input's: freezing it at adam, the cheaper, would drop momentum for good.
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: momentum, type: continuous, range: [0, 0.9], when: "optimizer == sgd"}
  - {name: b, type: continuous, range: [0, 1]}
)",
                                      "child.yaml");
  const auto& sp = deck.space;
  StageInput in = make_stage(
      sp, 120, 5, 0.2, [&](const space::Config& c) { return space::as_number(*c[2]); },
      [](const space::Config& c) { return std::get<std::string>(*c[0]) == "adam" ? 1.0 : 2.0; });
  // The evidence set by hand, whatever the sample says: b leads, the optimizer is inert. The
  // index and the ranking's evidence say the same.
  auto& r = in.analysis.inputs;
  auto set = [](hsic::InputResult& x, double index, double p) {
    x.hsic = index, x.pvalue = x.evidence_pvalue = p;
    x.evidence = std::isnan(p) ? NAN : std::max(0.0, hsic::evidence_score(p));
  };
  set(r[2], 1, 1e-5);
  set(r[0], 0.01, 0.9);
  set(r[1], 0.5, 1e-4);
  auto d = decide(in, OptimizeSettings{});
  INFO(log_of(d));
  CHECK(decision_of(d, "b")->action == Decision::Action::Focused);
  CHECK(decision_of(d, "momentum")->action == Decision::Action::Focused);
  CHECK(decision_of(d, "optimizer")->action == Decision::Action::Explored);
  CHECK(d.next.dimension() == 3);
  // Momentum inert too: the optimizer is frozen at adam, and momentum is dropped.
  set(r[1], 0.01, 0.9);
  d = decide(in, OptimizeSettings{});
  INFO(log_of(d));
  CHECK(decision_of(d, "optimizer")->action == Decision::Action::Froze);
  CHECK(decision_of(d, "optimizer")->value == "adam");
  CHECK(decision_of(d, "momentum")->action == Decision::Action::Dropped);
  CHECK(d.next.dimension() == 1);
  // Momentum untested (too few rows where active; its tiny index says nothing): no evidence
  // either way, so it is explored, not frozen. (The optimizer matters here: nothing drops it.)
  set(r[1], 0.01, NAN);
  set(r[0], 0.5, 1e-3);
  d = decide(in, OptimizeSettings{});
  INFO(log_of(d));
  CHECK(decision_of(d, "momentum")->action == Decision::Action::Explored);
  CHECK_THAT(describe(*decision_of(d, "momentum")),
             Catch::Contains("not tested: too few rows where it is active"));
}

TEST_CASE("stages are sized from the budget and the number of hyperparameters", "[optimize]") {
  // Hand computation: the first stage is half the budget and at least 8 per hyperparameter.
  CHECK(stage_sizes(104, 7) == std::vector<std::size_t>{56, 24, 24});
  CHECK(stage_sizes(104, 3) == std::vector<std::size_t>{52, 26, 26});
  CHECK(stage_sizes(30, 2) == std::vector<std::size_t>{16, 14});
  CHECK(stage_sizes(20, 7) == std::vector<std::size_t>{20});
  CHECK(stage_sizes(10, 1) == std::vector<std::size_t>{10});
  auto deck = space::parse_deck(std::string(kDeck) + "optimize: {budget: 113}\n", "auto.yaml");
  const auto o = read_optimize(deck);  // 8 hyperparameters, 113 - 9 = 104 to search
  CHECK(o.stages == std::vector<std::size_t>{64, 20, 20});
  CHECK(o.total() == 113);
  deck = space::parse_deck(std::string(kDeck) + "optimize: {margin: 0.1, stages: [20, 20]}\n",
                           "old.yaml");
  CHECK_THROWS_WITH(read_optimize(deck), Catch::Contains("optimize.margin belonged to the "
                                                         "range-narrowing optimizer"));
  deck = space::parse_deck(std::string(kDeck) + "optimize: {stages: auto}\n", "nobudget.yaml");
  CHECK_THROWS_WITH(read_optimize(deck), Catch::Contains("or a 'budget' to size them from"));
}

namespace {

// A hand-made decision over `sp`: every input free, moved as `move` says, from `parents`.
StageDecision plan_over(const space::Space& sp, Move move, std::vector<space::Config> parents) {
  StageDecision d;
  d.next = sp;
  d.moves.assign(sp.size(), move);
  d.parents = std::move(parents);
  d.sample_near_parents = true;
  return d;
}

}  // namespace

TEST_CASE("a later stage never trains a configuration twice", "[optimize]") {
  // 3 x 3 = 9 configurations, 5 trained: 4 are left, whatever the stage asks for.
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: act, type: categorical, values: [relu, tanh, silu]}
  - {name: batch, type: categorical, values: [16, 32, 64]}
)",
                                      "small.yaml");
  const auto& sp = deck.space;
  std::vector<space::Config> trained;
  for (double u : {0.1, 0.5, 0.9}) {
    std::vector<double> x = {u, u};
    trained.push_back(sp.config_at(x.data()));
  }
  for (auto x : {std::vector<double>{0.1, 0.9}, std::vector<double>{0.5, 0.1}})
    trained.push_back(sp.config_at(x.data()));
  const auto d = plan_over(sp, Move{true, 0}, {trained[0], trained[1]});
  const auto design = sample_stage(d, OptimizeSettings{}, trained, 10, 1, 1);
  REQUIRE(design.configs.size() == 4);
  CHECK(design.unit.rows() == 4);
  std::set<std::string> keys;
  auto key = [](const space::Config& c) { return space::to_text(*c[0]) + space::to_text(*c[1]); };
  for (const auto& c : trained)
    keys.insert(key(c));
  for (const auto& c : design.configs)
    CHECK(keys.insert(key(c)).second);
  CHECK(keys.size() == 9);
}

TEST_CASE("later stages move around good configurations, wide ones toward the cheap side",
          "[optimize]") {
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: x, type: continuous, range: [0, 1]}
  - {name: units, type: integer, range: [1, 1000], log: true}
)",
                                      "moves.yaml");
  const auto& sp = deck.space;
  std::vector<double> mid = {0.5, 0.5};
  const auto parent = sp.config_at(mid.data());
  OptimizeSettings o;
  o.explore = 0;
  const std::size_t n = 2000;
  auto mean_move = [&](Move m, std::size_t column) {
    const auto design = sample_stage(plan_over(sp, m, {parent}), o, {}, n, 3, 1);
    REQUIRE(design.configs.size() == n);
    double sum = 0, sq = 0;
    for (Eigen::Index i = 0; i < design.unit.rows(); ++i) {
      const double u = design.unit(i, static_cast<Eigen::Index>(column)) -
                       sp[column].unit_of(*parent[column], 0.5);
      sum += u, sq += u * u;
    }
    const double mean = sum / n;
    return std::pair{mean, std::sqrt(sq / n - mean * mean)};
  };
  // Important: steps of sd `spread` (0.1) around the parent at 0.5; undecided: 2.5 times wider
  // (the fold at 0 and 1, 2 sd away, leaves the mean at 0 and narrows the sd by < 8%).
  const auto [m1, s1] = mean_move(Move{true, 0}, 0);
  CHECK(m1 == Approx(0).margin(0.01));
  CHECK(s1 == Approx(0.1).epsilon(0.05));
  const auto [m2, s2] = mean_move(Move{false, 0}, 0);
  CHECK(m2 == Approx(0).margin(0.02));
  CHECK(s2 == Approx(0.25).epsilon(0.08));
  // With a drift of -1 the centre moves one step (0.25) toward the cheaper side, to 0.25: the
  // fold at 0, one sd away, makes the position a folded normal, mean
  // s sqrt(2 / pi) exp(-m^2 / 2 s^2) + m erf(m / (s sqrt 2)) with m = s = 0.25.
  const double m = 0.25, sd = 0.25;
  const double folded =
      sd * std::sqrt(2 / M_PI) * std::exp(-0.5) + m * std::erf(1 / std::sqrt(2.0));
  const auto moved = mean_move(Move{false, -1}, 1).first;
  CHECK(moved == Approx(folded - 0.5).margin(0.015));
  // The same decisions give the same design (a resumed run trains the same stage).
  const auto d = plan_over(sp, Move{false, -1}, {parent});
  const auto a = sample_stage(d, o, {}, 50, 3, 2), b = sample_stage(d, o, {}, 50, 3, 2);
  CHECK(a.unit == b.unit);
  CHECK(a.configs == b.configs);
}
