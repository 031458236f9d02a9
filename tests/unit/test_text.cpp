// Small text helpers users meet in every message: did-you-mean suggestions, CSV reading.
#include <catch2/catch.hpp>

#include "hsicho/error.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/suggest.hpp"

using namespace hsicho;

TEST_CASE("edit distance counts insertions, deletions, substitutions and transpositions",
          "[suggest]") {
  CHECK(edit_distance("units", "units") == 0);
  CHECK(edit_distance("unit", "units") == 1);    // insertion
  CHECK(edit_distance("unitss", "units") == 1);  // deletion
  CHECK(edit_distance("unots", "units") == 1);   // substitution
  CHECK(edit_distance("uints", "units") == 1);   // adjacent transposition
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);  // the textbook case
}

TEST_CASE("did-you-mean suggests the closest near miss only", "[suggest]") {
  const std::vector<std::string> keys = {"units", "layers", "activation", "lr"};
  CHECK(did_you_mean("unitz", keys) == " (did you mean 'units'?)");
  CHECK(did_you_mean("actvation", keys) == " (did you mean 'activation'?)");
  CHECK(did_you_mean("learning_rate", keys).empty());  // too far from everything
  CHECK(did_you_mean("x", {}).empty());
  CHECK(join({"a", "b", "c"}) == "a, b, c");
  CHECK(join({"a", "b"}, " | ") == "a | b");
}

TEST_CASE("CSV: quoted fields, line breaks inside quotes, and errors at their line", "[csv]") {
  const auto t = io::parse_csv(
      "name,value,note\n"
      "a,1,\"plain\"\n"
      "\"b, c\",2,\"two\nlines\"\n"
      "d,3,\"a \"\"quote\"\"\"\n",
      "t.csv");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.header == std::vector<std::string>{"name", "value", "note"});
  CHECK(t.rows[1][0] == "b, c");
  CHECK(t.rows[1][2] == "two\nlines");
  CHECK(t.rows[2][2] == "a \"quote\"");
  CHECK(t.line[2] == 5);  // the file line where row 3 starts (row 2 spans two lines)
  CHECK(t.column("value") == 1);
  CHECK_THROWS_WITH(t.column("valeu"), Catch::Contains("did you mean 'value'"));
  CHECK_THROWS_WITH(io::parse_csv("a,b\n1,2,3\n", "bad.csv"), Catch::Contains("bad.csv:2"));
  CHECK_THROWS_AS(io::parse_csv("a,b\n\"1,2\n", "open.csv"), InputError);  // unterminated quote
  CHECK_THROWS_AS(io::parse_csv("a,a\n1,2\n", "dup.csv"), InputError);
  // Written back, a field that needs quotes gets them.
  CHECK(io::csv_line({"b, c", "two\nlines", "a \"q\"", "x"}) ==
        "\"b, c\",\"two\nlines\",\"a \"\"q\"\"\",x");
}
