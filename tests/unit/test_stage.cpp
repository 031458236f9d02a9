// The optimizer's stage decisions on synthetic studies with a known answer.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

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

TEST_CASE("the optimizer freezes what does not matter and narrows what does", "[optimize]") {
  const auto deck = space::parse_deck(kDeck, "stage.yaml");
  OptimizeSettings o;
  o.pvalue = 0.01;  // 6 null inputs: a 1% test keeps one of them by chance in ~6% of designs
  const auto in = stage(deck.space, 300, 4);
  const auto d = decide(in, o);
  const auto& next = d.next;
  INFO([&] {
    std::string s;
    for (const auto& x : d.decisions)
      s += describe(x) + "\n";
    return s;
  }());
  // The two inputs that drive the error stay; every other one is frozen.
  CHECK(next[*next.find("x1")].type == space::Type::Continuous);
  CHECK(next[*next.find("x2")].type == space::Type::Log);
  for (const char* name : {"units", "activation", "batch_norm", "dropout", "optimizer"}) {
    INFO(name);
    CHECK(next[*next.find(name)].type == space::Type::Fixed);
  }
  // Their ranges shrink toward the optimum.
  const auto& x1 = next[*next.find("x1")];
  CHECK(x1.lo <= 0.3);
  CHECK(x1.hi >= 0.3);
  CHECK(x1.hi - x1.lo < 0.8);
  const auto& x2 = next[*next.find("x2")];
  CHECK(x2.lo <= 1e-2);
  CHECK(x2.hi >= 1e-2);
  CHECK(std::log(x2.hi / x2.lo) < 0.8 * std::log(1000.0));
  // "cheapest": the frozen width is the smallest among the best, the optimizer the cheaper one.
  double smallest = 1e9;
  std::vector<double> sorted = in.errors;
  std::sort(sorted.begin(), sorted.end());
  const double q = sorted[static_cast<std::size_t>(std::floor(0.1 * 299))];
  for (std::size_t i = 0; i < in.configs.size(); ++i) {
    if (in.errors[i] <= q)
      smallest = std::min(smallest, as_num(in.configs[i], deck.space, "units"));
  }
  CHECK(space::as_number(next[*next.find("units")].fixed_value) == smallest);
  // A frozen parent decides its child: adam has no momentum, so momentum disappears.
  CHECK(std::get<std::string>(next[*next.find("optimizer")].fixed_value) == "adam");
  CHECK(next[*next.find("momentum")].never_active);
  CHECK(next.dimension() == 2);
  // The decisions are data: each frozen input has one Froze decision naming it, momentum one
  // Dropped decision naming its parent, and their text is the log's.
  for (const char* name : {"units", "activation", "batch_norm", "dropout", "optimizer"}) {
    const auto n = std::count_if(d.decisions.begin(), d.decisions.end(), [&](const Decision& x) {
      return x.name == name &&
             (x.action == Decision::Action::Froze || x.action == Decision::Action::Fixed);
    });
    CHECK(n == 1);
  }
  const auto drop = std::find_if(d.decisions.begin(), d.decisions.end(),
                                 [](const Decision& x) { return x.name == "momentum"; });
  REQUIRE(drop != d.decisions.end());
  CHECK(drop->action == Decision::Action::Dropped);
  CHECK(drop->parent == "optimizer");
  CHECK(describe(*drop) == "dropped momentum (optimizer = adam leaves it inactive)");
  std::vector<double> u = {0.5, 0.5};
  const auto c = next.config_at(u.data());
  CHECK_FALSE(c[*next.find("momentum")].has_value());
  CHECK(c[*next.find("units")].has_value());
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

TEST_CASE("the optimizer never freezes every hyperparameter", "[optimize]") {
  // Nothing drives the error: every p-value is large. The most important input stays free.
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: a, type: continuous, range: [0, 1]}
  - {name: b, type: continuous, range: [0, 1]}
)",
                                      "flat.yaml");
  const StageInput in = noise_stage(deck.space, 60, 3, [](const space::Config&) { return 1.0; });
  OptimizeSettings settings;
  settings.pvalue = 1e-9;  // everything counts as unimportant
  const auto d = decide(in, settings);
  CHECK(d.next.dimension() == 1);
  const std::size_t kept = in.analysis.inputs[0].hsic > in.analysis.inputs[1].hsic ? 0 : 1;
  CHECK(d.next[kept].type == space::Type::Continuous);
  CHECK(d.next[1 - kept].type == space::Type::Fixed);
}

TEST_CASE("freezing a parent that drops its child still leaves something to vary", "[optimize]") {
  // Nothing drives the error. Freezing the optimizer at adam (the cheaper) drops momentum, which
  // looked free before the parent settled it: the stage would train one network again and again.
  const auto deck = space::parse_deck(R"(
data: {name: runge}
space:
  - {name: optimizer, type: categorical, values: [sgd, adam]}
  - {name: momentum, type: continuous, range: [0, 0.9], when: "optimizer == sgd"}
  - {name: b, type: continuous, range: [0, 1]}
)",
                                      "child.yaml");
  // adam is the cheaper optimizer.
  const StageInput in = noise_stage(deck.space, 80, 5, [](const space::Config& c) {
    return std::get<std::string>(*c[0]) == "adam" ? 1.0 : 2.0;
  });
  OptimizeSettings settings;
  settings.pvalue = 1e-9;  // everything counts as unimportant
  const auto d = decide(in, settings);
  INFO([&] {
    std::string s;
    for (const auto& x : d.decisions)
      s += describe(x) + "\n";
    return s;
  }());
  CHECK(d.next.dimension() >= 1);
  const bool varies = std::any_of(d.decisions.begin(), d.decisions.end(), [](const Decision& x) {
    return x.action == Decision::Action::KeptFree;
  });
  CHECK(varies);
}
