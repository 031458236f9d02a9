// Small text helpers users meet in every message: did-you-mean suggestions, CSV reading.
#include <catch2/catch.hpp>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"
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
  CHECK_THROWS_WITH(io::parse_csv("a,b\n1,2,3\n", "bad.csv"),
                    "'bad.csv' line 2 has 3 fields where the header has 2");
  CHECK_THROWS_AS(io::parse_csv("a,b\n\"1,2\n", "open.csv"), InputError);  // unterminated quote
  CHECK_THROWS_AS(io::parse_csv("a,a\n1,2\n", "dup.csv"), InputError);
  CHECK_THROWS_WITH(io::parse_csv("a,b\n\"1,2\n", "open.csv"),
                    "'open.csv' line 2: a quoted cell is never closed");
  CHECK_THROWS_WITH(io::parse_csv("\n \n", "empty.csv"), Catch::Contains("is empty"));
  // Written back, a field that needs quotes gets them.
  CHECK(io::csv_line({"b, c", "two\nlines", "a \"q\"", "x"}) ==
        "\"b, c\",\"two\nlines\",\"a \"\"q\"\"\",x");
}

TEST_CASE("CSV: one reader for analyze and data tables, whatever wrote the file", "[csv]") {
  // The same table as a spreadsheet in another locale, an old Mac, Windows or pandas writes it:
  // delimiter told from the header, BOM, CR and CRLF, Latin-1, blank lines, spaces around cells.
  const std::vector<std::string> variants = {
      "x,name,y\n1,caf\xC3\xA9,2.5\n3,\"b, c\",4\n",
      "x;name;y\r\n1;caf\xC3\xA9;2.5\r\n3;\"b, c\";4\r\n",
      "x\tname\ty\r1\tcaf\xC3\xA9\t2.5\r3\tb, c\t4\r",
      "\xEF\xBB\xBFx,name,y\n\n1, caf\xC3\xA9 ,2.5\n\n3,\"b, c\",4",
      "x,name,y\n1,caf\xE9,2.5\n3,\"b, c\",4\n",  // Latin-1
  };
  for (const auto& text : variants) {
    INFO(text);
    const auto t = io::parse_csv(text, "t.csv");
    CHECK(t.header == std::vector<std::string>{"x", "name", "y"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][1] == "caf\xC3\xA9");
    CHECK(t.rows[1][1] == "b, c");
    // The data-table reader takes the same file to the same numbers.
    const auto arrays = io::parse_csv(std::string_view(text), "t.csv", {{"x"}, {"y"}});
    CHECK(arrays[0].values == std::vector<double>{1, 3});
    CHECK(arrays[1].values == std::vector<double>{2.5, 4});
  }
  CHECK_THROWS_WITH(io::parse_csv("a;b\n1,5;2;3\n", "semi.csv"),
                    Catch::Contains("line 2 has 3 fields where the header has 2") &&
                        Catch::Contains("decimal commas"));
  CHECK_THROWS_WITH(io::parse_csv(std::string("\xFF\xFE"
                                              "a\0,\0",
                                              6),
                                  "u16.csv"),
                    Catch::Contains("UTF-16"));
  CHECK_THROWS_WITH(io::parse_csv("a,b,a\n1,2,3\n", "dup.csv"),
                    Catch::Contains("'a' appears twice in the header (columns 1 and 3)"));
}
