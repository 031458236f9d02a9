// The command line (CLI11): every command answers --help with exit 0, bad arguments are input
// errors with a suggestion, and typed options reach their commands.
#include <catch2/catch.hpp>

#include "hsicho/cli/command_line.hpp"
#include "hsicho/error.hpp"

using hsicho::InputError;
using hsicho::cli::command_names;
using hsicho::cli::parse_command_line;

TEST_CASE("every command has --help, exit 0, naming its options", "[cli]") {
  for (const auto& name : command_names()) {
    if (name == "help" || name == "version") continue;
    DYNAMIC_SECTION(name) {
      const auto inv = parse_command_line({name, "--help"});
      CHECK(inv.command.empty());
      CHECK(inv.exit_code == 0);
      CHECK_THAT(inv.text, Catch::Contains(name));
      CHECK_THAT(inv.text, Catch::Contains("--help"));
    }
  }
}

TEST_CASE("the usage lists every command, export included", "[cli]") {
  const auto inv = parse_command_line({"--help"});
  CHECK(inv.exit_code == 0);
  for (const auto& name : command_names())
    CHECK_THAT(inv.text, Catch::Contains(name));
  CHECK(parse_command_line({}).exit_code == 2);  // no command: usage, and a failure
  CHECK(parse_command_line({"help"}).text == inv.text);
  CHECK_THAT(parse_command_line({"version"}).text, Catch::StartsWith("hsicho "));
}

TEST_CASE("options and positionals reach their command, typed", "[cli]") {
  const auto d = parse_command_line({"design", "deck.yaml", "--n", "12", "--csv"});
  CHECK(d.command == "design");
  CHECK(d.design.deck == "deck.yaml");
  CHECK(d.design.n.value_or("") == "12");
  CHECK(d.design.csv);
  const auto e =
      parse_command_line({"eval", "deck.yaml", "--set=lr=0.1", "--set", "units=3", "--seed", "7"});
  CHECK(e.eval.set == std::vector<std::string>{"lr=0.1", "units=3"});
  CHECK(e.eval.seed.value_or("") == "7");
  const auto a = parse_command_line(
      {"analyze", "t.csv", "--target", "err", "--ignore", "a,b", "--ignore", "c", "--global"});
  CHECK(a.analyze.target.value_or("") == "err");
  CHECK(a.analyze.ignore == std::vector<std::string>{"a,b", "c"});
  CHECK(a.analyze.settings.at("global") == "true");
  CHECK(a.analyze.settings.count("interactions") == 0);
  const auto b = parse_command_line({"analyze", "s.h5", "--alpha", "0.2", "--bootstrap=0"});
  CHECK(b.analyze.settings ==
        std::map<std::string, std::string>{{"alpha", "0.2"}, {"bootstrap", "0"}});
  const auto r = parse_command_line({"run", "deck.yaml", "--out", "s.h5", "--resume"});
  CHECK(r.run.out == "s.h5");
  CHECK(r.run.resume);
}

TEST_CASE("bad arguments are input errors that say what to do", "[cli]") {
  CHECK_THROWS_WITH(parse_command_line({"desing", "d.yaml"}),
                    Catch::Contains("did you mean 'design'"));
  CHECK_THROWS_WITH(parse_command_line({"exprot", "s.h5"}),
                    Catch::Contains("did you mean 'export'"));
  CHECK_THROWS_WITH(parse_command_line({"design", "d.yaml", "--cvs"}),
                    Catch::Contains("did you mean '--csv'"));
  CHECK_THROWS_AS(parse_command_line({"design"}), InputError);                      // no deck
  CHECK_THROWS_AS(parse_command_line({"design", "a.yaml", "b.yaml"}), InputError);  // two
  CHECK_THROWS_AS(parse_command_line({"design", "d.yaml", "--n"}), InputError);
  CHECK_THROWS_AS(parse_command_line({"design", "d.yaml", "--n", "1", "--n", "2"}), InputError);
  CHECK_THROWS_AS(parse_command_line({"export", "s.h5"}), InputError);  // --csv is required
}
