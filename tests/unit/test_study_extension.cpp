// Extending a study (issue 18): the augmented Latin hypercube keeps the points already trained
// and fills the strata they left empty; the plan grows with design.samples and refuses any other
// change, naming it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "hsicho/design/design.hpp"
#include "hsicho/design/lhs.hpp"
#include "hsicho/error.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/stage.hpp"

using namespace hsicho;

namespace {

// The strata of [0, 1] cut in n that column c's points of rows [from, to) fall in.
std::vector<std::size_t> strata(const Eigen::MatrixXd& x, Eigen::Index c, Eigen::Index from,
                                Eigen::Index to, std::size_t n) {
  std::vector<std::size_t> s;
  for (Eigen::Index i = from; i < to; ++i)
    s.push_back(static_cast<std::size_t>(std::floor(x(i, c) * static_cast<double>(n))));
  return s;
}

const char* kDeck =
    "data: {name: runge, train: 64, validation: 16, test: 16}\n"
    "design: {samples: 24}\n"
    "training: {epochs: 5, threads: 1}\n"
    "space:\n"
    "  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n"
    "  - {name: units_1, type: integer, range: [4, 16]}\n"
    "  - {name: activation, type: categorical, values: [relu, tanh, sigmoid]}\n";

}  // namespace

TEST_CASE("doubling a Latin hypercube by augmentation gives a Latin hypercube", "[extend]") {
  for (std::size_t n0 : {1, 5, 32}) {
    Rng rng(n0);
    const auto x = design::latin_hypercube(n0, 4, rng, {false, true, false, false});
    const auto y = design::augment_latin_hypercube(x, 2 * n0, rng, {false, true, false, false});
    INFO("n0 = " << n0);
    CHECK(y.topRows(static_cast<Eigen::Index>(n0)) == x);
    for (Eigen::Index c = 0; c < 4; ++c) {
      auto s = strata(y, c, 0, y.rows(), 2 * n0);
      std::sort(s.begin(), s.end());
      std::vector<std::size_t> all(2 * n0);
      for (std::size_t k = 0; k < all.size(); ++k)
        all[k] = k;
      CHECK(s == all);  // one point in each of the 2 n0 strata
    }
  }
}

TEST_CASE("augmented points fill strata that no earlier point holds", "[extend]") {
  Rng rng(7);
  const auto x = design::latin_hypercube(64, 3, rng, {});
  const auto y = design::augment_latin_hypercube(x, 96, rng, {});
  for (Eigen::Index c = 0; c < 3; ++c) {
    const auto old = strata(y, c, 0, 64, 96), added = strata(y, c, 64, 96, 96);
    const std::set<std::size_t> old_set(old.begin(), old.end()),
        new_set(added.begin(), added.end());
    CHECK(new_set.size() == 32);  // distinct strata
    for (auto s : new_set)
      CHECK(old_set.count(s) == 0);
    // Every stratum of 96 holds a point unless two old points share one.
    CHECK(old_set.size() + new_set.size() == std::min<std::size_t>(96, old_set.size() + 32));
  }
}

TEST_CASE("an extended design keeps its points and fills the space better than random points",
          "[extend]") {
  const auto deck = space::parse_deck(kDeck, "extend.yaml");
  const auto base = study::make_extended_design(deck.space, deck.design, 5, {24});
  const auto grown = study::make_extended_design(deck.space, deck.design, 5, {24, 36, 48});
  REQUIRE(grown.unit.rows() == 48);
  REQUIRE(grown.configs.size() == 48);
  CHECK(grown.unit.topRows(24) == base.unit);
  for (std::size_t i = 0; i < 24; ++i)
    CHECK(grown.configs[i] == base.configs[i]);
  // Deterministic, and each path of sizes its own design.
  CHECK(design::fingerprint(grown.unit) ==
        design::fingerprint(
            study::make_extended_design(deck.space, deck.design, 5, {24, 36, 48}).unit));
  CHECK(
      design::fingerprint(grown.unit) !=
      design::fingerprint(study::make_extended_design(deck.space, deck.design, 5, {24, 48}).unit));
  // Against the same 24 points plus 24 uniform ones: lower centered discrepancy in at least
  // 9 of 10 draws (a property a space-filling extension must have).
  const double cd = design::centered_discrepancy(grown.unit);
  int better = 0;
  for (std::uint64_t s = 0; s < 10; ++s) {
    Rng rng(100 + s);
    Eigen::MatrixXd r(48, grown.unit.cols());
    r.topRows(24) = base.unit;
    r.bottomRows(24) = design::random_design(24, static_cast<std::size_t>(r.cols()), rng);
    better += cd < design::centered_discrepancy(r);
  }
  CHECK(better >= 9);
}

TEST_CASE("a study keeps the pruning mode it started with", "[extend]") {
  const std::string deck = std::string(kDeck) + "pruning: {min_epochs: 2}\n";
  const auto first = study::settle_plan(std::nullopt, space::parse_deck(deck, "p.yaml"), false, 0);
  CHECK(first.identity.at("pruning.mode") == "halving");  // mode: auto, hsicho's trainer
  // A study file of an hsicho before mode: auto: no mode recorded; it ran ordered.
  auto older = first;
  older.identity.erase("pruning.mode");
  CHECK_THROWS_WITH(
      study::settle_plan(older, space::parse_deck(deck, "p.yaml"), false, 0),
      Catch::Contains("pruning.mode: ordered -> halving") &&
          Catch::Contains(
              "write mode: ordered in the pruning block to go on as the study started"));
  const std::string ordered = std::string(kDeck) + "pruning: {min_epochs: 2, mode: ordered}\n";
  CHECK_NOTHROW(study::settle_plan(older, space::parse_deck(ordered, "p.yaml"), false, 0));
  // mode: auto written out resolves to the same mode: the same study.
  const std::string written = std::string(kDeck) + "pruning: {min_epochs: 2, mode: auto}\n";
  CHECK_NOTHROW(study::settle_plan(first, space::parse_deck(written, "p.yaml"), false, 0));
}

TEST_CASE("the plan grows with design.samples and refuses any other change by name", "[extend]") {
  const auto deck = space::parse_deck(kDeck, "extend.yaml");
  const auto first = study::settle_plan(std::nullopt, deck, false, 0);
  CHECK(first.samples == std::vector<std::size_t>{24});
  CHECK(first.planned == 24);

  // Reformatted (block style), renamed, another output, threads and device: the same study.
  const std::string reformatted =
      "study: {name: other, output: elsewhere.h5}\n"
      "data:\n  name: runge\n  train: 64\n  validation: 16\n  test: 16\n"
      "design: {samples: 36}\n"
      "training: {epochs: 5, threads: 8, device: cpu}\n"
      "space:\n"
      "  - {name: lr, type: log, range: [1.0e-4, 0.1]}\n"
      "  - {name: units_1, type: integer, range: [4, 16]}\n"
      "  - {name: activation, type: categorical, values: [relu, tanh, sigmoid]}\n";
  const auto grown = study::settle_plan(first, space::parse_deck(reformatted, "x.yaml"), false, 0);
  CHECK(grown.samples == std::vector<std::size_t>{24, 36});
  CHECK(grown.planned == 36);
  CHECK(study::identity_fingerprint(grown.identity, 24) ==
        study::identity_fingerprint(first.identity, 24));
  CHECK(study::identity_fingerprint(first.identity, 24) !=
        study::identity_fingerprint(first.identity, 36));

  // The same size again: nothing grows.
  CHECK(study::settle_plan(grown, space::parse_deck(reformatted, "x.yaml"), false, 0).samples ==
        grown.samples);

  std::string changed = kDeck;
  changed.replace(changed.find("epochs: 5"), 9, "epochs: 6");
  changed.replace(changed.find("sigmoid"), 7, "elu");
  changed += "model: {dropout: 0.1}\n";
  try {
    study::settle_plan(first, space::parse_deck(changed, "x.yaml"), false, 0);
    FAIL("a changed deck was accepted");
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK_THAT(m, Catch::Contains("training.epochs: 5 -> 6"));
    CHECK_THAT(m, Catch::Contains("space.activation: categorical {relu, tanh, sigmoid} -> "
                                  "categorical {relu, tanh, elu}"));
    CHECK_THAT(m, Catch::Contains("model.dropout: (not set) -> 0.1"));
    CHECK(m.find("lr") == std::string::npos);  // only what changed
  }

  std::string shrunk = kDeck;
  shrunk.replace(shrunk.find("samples: 24"), 11, "samples: 16");
  CHECK_THROWS_WITH(study::settle_plan(first, space::parse_deck(shrunk, "x.yaml"), false, 0),
                    Catch::Contains("the study has 24 configurations and the deck asks for 16"));
  std::string bigger = kDeck;
  bigger.replace(bigger.find("samples: 24"), 11, "samples: 32");
  CHECK_THROWS_WITH(study::settle_plan(first, space::parse_deck(bigger, "x.yaml"), true, 50),
                    Catch::Contains("an optimized study's sizes are optimize.stages"));
}
