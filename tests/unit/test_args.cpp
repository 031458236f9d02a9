// Command-line options: known ones parsed, unknown ones rejected with a suggestion.
#include <catch2/catch.hpp>

#include "hsicho/cli/args.hpp"
#include "hsicho/error.hpp"

using namespace hsicho;
using hsicho::cli::Args;

TEST_CASE("options and positionals are parsed", "[cli]") {
  Args a({"deck.yaml", "--n", "12", "--csv", "--set=lr=0.1", "--set", "units=3"},
         {{"n", true}, {"csv", false}, {"set", true, true}}, "design");
  CHECK(a.positionals() == std::vector<std::string>{"deck.yaml"});
  CHECK(*a.integer("n", 2) == 12);
  CHECK(a.flag("csv"));
  CHECK(a.values("set") == std::vector<std::string>{"lr=0.1", "units=3"});
}

TEST_CASE("bad options are input errors that say what to do", "[cli]") {
  const std::vector<cli::OptionSpec> specs = {{"n", true}, {"csv", false}};
  CHECK_THROWS_WITH(Args({"--cvs"}, specs, "design"), Catch::Contains("did you mean '--csv'"));
  CHECK_THROWS_WITH(Args({"--n"}, specs, "design"), Catch::Contains("needs a value"));
  CHECK_THROWS_WITH(Args({"--csv=1"}, specs, "design"), Catch::Contains("takes no value"));
  CHECK_THROWS_WITH(Args({"--n", "1", "--n", "2"}, specs, "design"),
                    Catch::Contains("given twice"));
  Args a({"--n", "1"}, specs, "design");
  CHECK_THROWS_AS(a.integer("n", 2), InputError);
}
