// Designs of a deck's space: reproducible, balanced across discrete levels, inside the space.
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/design/design.hpp"
#include "hsicho/io/deck_file.hpp"

using namespace hsicho;
using namespace hsicho::space;

TEST_CASE("discrete columns of an LHS design are balanced across their levels", "[design]") {
  auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  for (std::size_t n : {24, 37, 100}) {
    deck.design.samples = n;
    const auto design = design::make_design(deck.space, deck.design, 5);
    for (std::size_t c = 0; c < deck.space.dimension(); ++c) {
      const auto& p = deck.space[deck.space.free_columns()[c]];
      if (p.levels() == 0) continue;
      std::vector<std::size_t> count(p.levels(), 0);
      for (Eigen::Index i = 0; i < design.unit.rows(); ++i) {
        ++count[p.level_of(p.value_at(design.unit(i, static_cast<Eigen::Index>(c))))];
      }
      for (std::size_t j = 0; j < p.levels(); ++j) {
        INFO(p.name << " level " << j << ", n = " << n);
        // Each level gets n times its bin's width, give or take one point.
        CHECK(std::fabs(count[j] - n * (p.edge(j + 1) - p.edge(j))) <= 1.0);
      }
    }
  }
}

TEST_CASE("the same seed gives the same design, another seed another", "[design]") {
  const auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  const auto a = design::make_design(deck.space, deck.design, 42);
  const auto b = design::make_design(deck.space, deck.design, 42);
  const auto c = design::make_design(deck.space, deck.design, 43);
  CHECK(design::fingerprint(a.unit) == design::fingerprint(b.unit));
  CHECK((a.unit.array() == b.unit.array()).all());
  CHECK(design::fingerprint(a.unit) != design::fingerprint(c.unit));
}

TEST_CASE("design configurations lie in the space and mark inactive children", "[design]") {
  auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  for (auto method : {DesignMethod::Lhs, DesignMethod::Random}) {
    deck.design.method = method;
    deck.design.samples = 50;
    const auto design = design::make_design(deck.space, deck.design, 1);
    REQUIRE(design.configs.size() == 50);
    const auto& sp = deck.space;
    const auto layers = *sp.find("n_layers"), u3 = *sp.find("units_3");
    const auto opt = *sp.find("optimizer"), mom = *sp.find("momentum");
    std::size_t inactive = 0;
    for (const auto& config : design.configs) {
      for (std::size_t k = 0; k < sp.size(); ++k) {
        if (config[k]) CHECK(sp[k].contains(*config[k]));
      }
      CHECK(config[u3].has_value() == (std::get<std::int64_t>(*config[layers]) >= 3));
      const auto& o = std::get<std::string>(*config[opt]);
      CHECK(config[mom].has_value() == (o == "sgd" || o == "rmsprop"));
      inactive += config[u3] ? 0 : 1;
    }
    CHECK(inactive > 0);
    CHECK(inactive < 50);
  }
}
