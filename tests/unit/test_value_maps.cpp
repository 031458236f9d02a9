// The map between the unit interval and each hyperparameter type, and its inverse.
#include <catch2/catch.hpp>
#include <cmath>

#include "hsicho/space/hyperparameter.hpp"

using namespace hsicho;
using namespace hsicho::space;

namespace {
Hyperparameter make(Type t, double lo = 0, double hi = 1, bool log_scale = false) {
  Hyperparameter p;
  p.name = "x";
  p.type = t;
  p.lo = lo;
  p.hi = hi;
  p.log_scale = log_scale;
  if (t == Type::Boolean) p.categories = {Value(false), Value(true)};
  return p;
}
}  // namespace

TEST_CASE("continuous and log values map to and from the unit interval", "[space]") {
  const auto c = make(Type::Continuous, -2, 6);
  CHECK(std::get<double>(c.value_at(0.25)) == Approx(0.0));
  CHECK(c.unit_of(Value(4.0), 0.0) == Approx(0.75));
  const auto l = make(Type::Log, 1e-4, 1e-1);
  // Halfway in log scale between 1e-4 and 1e-1 is 10^-2.5.
  CHECK(std::get<double>(l.value_at(0.5)) == Approx(std::pow(10.0, -2.5)).epsilon(1e-12));
  CHECK(l.unit_of(Value(1e-3), 0.0) == Approx(1.0 / 3.0).epsilon(1e-12));
  for (double u = 0; u <= 1.0; u += 0.01) {
    CHECK(c.unit_of(c.value_at(u), 0.3) == Approx(u).epsilon(0).margin(1e-12));
    CHECK(l.unit_of(l.value_at(u), 0.3) == Approx(u).epsilon(0).margin(1e-12));
  }
  // The ends are exact, so bounds never leak out through rounding.
  CHECK(std::get<double>(l.value_at(1.0)) <= 1e-1);
  CHECK(std::get<double>(l.value_at(0.0)) >= 1e-4);
}

TEST_CASE("integers own equal bins, log integers logarithmic bins", "[space]") {
  const auto i = make(Type::Integer, 1, 4);
  REQUIRE(i.levels() == 4);
  CHECK(std::get<std::int64_t>(i.value_at(0.0)) == 1);
  CHECK(std::get<std::int64_t>(i.value_at(0.3)) == 2);  // bin [0.25, 0.5)
  CHECK(std::get<std::int64_t>(i.value_at(0.5)) == 3);  // an edge belongs to the upper bin
  CHECK(std::get<std::int64_t>(i.value_at(1.0)) == 4);
  CHECK(i.unit_of(Value(std::int64_t{3}), 0.5) == Approx(0.625));

  // Log integer [8, 256]: bin of v is [ln(v/8), ln((v+1)/8)) / ln(257/8).
  const auto li = make(Type::Integer, 8, 256, true);
  REQUIRE(li.levels() == 249);
  const double span = std::log(257.0 / 8.0);
  CHECK(li.edge(1) == Approx(std::log(9.0 / 8.0) / span));
  CHECK(li.unit_of(Value(std::int64_t{16}), 0.0) == Approx(std::log(2.0) / span));
  CHECK(std::get<std::int64_t>(li.value_at(std::log(2.0) / span + 1e-9)) == 16);
  CHECK(std::get<std::int64_t>(li.value_at(std::log(2.0) / span - 1e-9)) == 15);
  CHECK(std::get<std::int64_t>(li.value_at(1.0)) == 256);
}

TEST_CASE("a log integer with a billion levels maps in a few steps, to the right bin", "[space]") {
  // value_at once stepped from a linear guess one level at a time: 3 minutes for a design of such
  // a range (found while injecting faults). Each answer must lie in the bin holding u.
  const auto w = make(Type::Integer, 4, 1e9, true);
  for (double u = 0; u <= 1.0; u += 1.0 / 4096) {
    const auto v = std::get<std::int64_t>(w.value_at(u));
    const auto j = static_cast<std::size_t>(v - 4);
    INFO("u = " << u << ", value " << v);
    REQUIRE(w.edge(j) <= u);
    REQUIRE((u < w.edge(j + 1) || j + 1 == w.levels()));
  }
}

TEST_CASE("every discrete value survives value -> unit -> value for any jitter", "[space]") {
  Hyperparameter cat = make(Type::Categorical);
  cat.categories = {Value("relu"), Value("tanh"), Value("gelu")};
  const auto b = make(Type::Boolean);
  const auto li = make(Type::Integer, 3, 700, true);
  const auto i = make(Type::Integer, -5, 5);
  for (const Hyperparameter* p : std::vector<const Hyperparameter*>{&cat, &b, &li, &i}) {
    for (std::size_t j = 0; j < p->levels(); ++j) {
      const Value v = p->level_value(j);
      for (double jitter : {0.0, 0.25, 0.5, 0.999999}) {
        const double u = p->unit_of(v, jitter);
        CHECK(u >= p->edge(j));
        CHECK(u < p->edge(j + 1));
        CHECK(same_value(p->value_at(u), v));
      }
    }
  }
  CHECK(std::get<std::string>(cat.value_at(0.5)) == "tanh");
  CHECK(cat.unit_of(Value("gelu"), 0.5) == Approx(5.0 / 6.0));
}

TEST_CASE("typed text is read and checked against the domain", "[space]") {
  const auto l = make(Type::Log, 1e-4, 1e-1);
  CHECK(std::get<double>(l.parse("0.01")) == Approx(0.01));
  CHECK_THROWS_AS(l.parse("2"), InputError);
  CHECK_THROWS_AS(l.parse("fast"), InputError);
  const auto i = make(Type::Integer, 1, 4);
  CHECK(std::get<std::int64_t>(i.parse("3")) == 3);
  CHECK_THROWS_AS(i.parse("2.5"), InputError);
  Hyperparameter cat = make(Type::Categorical);
  cat.categories = {Value(std::int64_t{16}), Value(std::int64_t{32})};
  CHECK(std::get<std::int64_t>(cat.parse("32")) == 32);
  CHECK_THROWS_WITH(cat.parse("33"),
                    Catch::Contains("outside its domain") && Catch::Contains("{16, 32}"));
  CHECK(std::get<bool>(make(Type::Boolean).parse("true")));
}

TEST_CASE("values print in their shortest round-trip form", "[space]") {
  CHECK(to_text(Value(0.1)) == "0.1");
  CHECK(to_text(Value(1e-4)) == "1e-04");
  for (double x : {1.0 / 3.0, 2.5e-7, 123456.789, -0.0625})
    CHECK(std::stod(to_text(Value(x))) == x);
  CHECK(to_text(Value(std::int64_t{32})) == "32");
  CHECK(to_text(Value(true)) == "true");
  CHECK(to_text(Value(std::string("relu"))) == "relu");
}
