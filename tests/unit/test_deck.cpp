// Reading a valid deck: types, domains, conditions and defaults come out as written.
#include <catch2/catch.hpp>

#include "hsicho/io/deck_file.hpp"
#include "hsicho/space/deck.hpp"

using namespace hsicho;
using namespace hsicho::space;

TEST_CASE("a deck with every type reads back as written", "[deck]") {
  const auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  CHECK(deck.study.name == "conditional");
  CHECK(deck.study.seed == 7);
  CHECK(deck.study.output == "conditional.h5");
  CHECK(deck.design.samples == 24);
  CHECK(deck.design.criterion == DesignCriterion::Discrepancy);
  CHECK(deck.data_name == "runge");
  CHECK(deck.text.find("n_layers") != std::string::npos);

  const auto& sp = deck.space;
  REQUIRE(sp.size() == 10);
  CHECK(sp.dimension() == 9);  // epochs is fixed
  const auto& units = sp[*sp.find("units_1")];
  CHECK(units.type == Type::Integer);
  CHECK(units.log_scale);
  CHECK(units.lo == 8);
  CHECK(units.hi == 256);
  const auto& lr = sp[*sp.find("lr")];
  CHECK(lr.type == Type::Log);
  CHECK(lr.lo == Approx(1e-4));
  const auto& bs = sp[*sp.find("batch_size")];
  REQUIRE(bs.categories.size() == 4);
  CHECK(std::get<std::int64_t>(bs.categories[2]) == 64);  // numeric categories stay numbers
  const auto& act = sp[*sp.find("activation")];
  CHECK(std::get<std::string>(act.categories[1]) == "tanh");
  CHECK(sp[*sp.find("batch_norm")].levels() == 2);
  CHECK(std::get<std::int64_t>(sp[*sp.find("epochs")].fixed_value) == 20);

  const auto& m = sp[*sp.find("momentum")];
  REQUIRE(m.condition);
  CHECK(m.condition->op == Condition::Op::In);
  CHECK(m.condition->parent_index == *sp.find("optimizer"));
  CHECK(m.condition->holds(Value("rmsprop")));
  CHECK_FALSE(m.condition->holds(Value("adam")));
  const auto& u3 = sp[*sp.find("units_3")];
  CHECK(u3.condition->holds(Value(std::int64_t{3})));
  CHECK_FALSE(u3.condition->holds(Value(std::int64_t{2})));
}

TEST_CASE("conditions decide which children a configuration has", "[deck]") {
  const auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  const auto& sp = deck.space;
  const auto col = [&](const std::string& name) {
    for (std::size_t c = 0; c < sp.dimension(); ++c) {
      if (sp[sp.free_columns()[c]].name == name) return c;
    }
    FAIL("no column " << name);
    return std::size_t{0};
  };
  std::vector<double> u(sp.dimension(), 0.5);
  u[col("n_layers")] = 0.9;   // 4 layers: units_3 exists
  u[col("optimizer")] = 0.5;  // adam: no momentum
  auto c = sp.config_at(u.data());
  CHECK(c[*sp.find("units_3")].has_value());
  CHECK_FALSE(c[*sp.find("momentum")].has_value());
  CHECK(std::get<std::int64_t>(*c[*sp.find("epochs")]) == 20);
  u[col("n_layers")] = 0.3;   // 2 layers
  u[col("optimizer")] = 0.9;  // rmsprop
  c = sp.config_at(u.data());
  CHECK_FALSE(c[*sp.find("units_3")].has_value());
  CHECK(c[*sp.find("momentum")].has_value());
}

TEST_CASE("a child of an inactive child is inactive", "[deck]") {
  const std::string text = R"(
data: {name: runge}
space:
  - {name: use_extra, type: boolean}
  - {name: extra_layers, type: integer, range: [1, 3], when: "use_extra == true"}
  - {name: extra_units_3, type: integer, range: [4, 8], when: "extra_layers >= 3"}
)";
  const auto deck = parse_deck(text, "inline.yaml");
  const auto& sp = deck.space;
  std::vector<double> u = {0.2, 0.99, 0.5};  // use_extra false, extra_layers would be 3
  auto c = sp.config_at(u.data());
  CHECK_FALSE(c[1].has_value());
  CHECK_FALSE(c[2].has_value());
  u[0] = 0.8;
  c = sp.config_at(u.data());
  CHECK(c[2].has_value());
}

TEST_CASE("missing deck file is an input error naming the file", "[deck]") {
  CHECK_THROWS_WITH(io::load_deck("/nonexistent/deck.yaml"),
                    Catch::Contains("cannot read deck '/nonexistent/deck.yaml'"));
}
