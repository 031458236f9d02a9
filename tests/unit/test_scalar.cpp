// One reader of scalar text for the deck, --set, CSV cells and command-line values.
#include <catch2/catch.hpp>

#include "hsicho/space/scalar.hpp"

using namespace hsicho::space::scalar;

TEST_CASE("numbers: finite, written in full", "[scalar]") {
  CHECK(*to_number("0.1") == 0.1);
  CHECK(*to_number("1e-3") == 1e-3);
  CHECK(*to_number("+2") == 2);
  CHECK(*to_number("-2.5") == -2.5);
  for (const char* bad : {"", "1x", "x1", " 1", "1 ", "nan", "inf", "1e400", "0x10", "--1"})
    CHECK_FALSE(to_number(bad));
}

TEST_CASE("integers: whole values in any number notation up to 2^53", "[scalar]") {
  CHECK(*to_integer("12") == 12);
  CHECK(*to_integer("-3") == -3);
  CHECK(*to_integer("1e3") == 1000);
  CHECK(*to_integer("9223372036854775807") == INT64_MAX);  // exact as an integer
  CHECK(*to_integer("9007199254740992.0") == 9007199254740992);
  for (const char* bad : {"", "1.5", "1e-3", "1e300", "3x", "true"})
    CHECK_FALSE(to_integer(bad));
}

TEST_CASE("booleans: one rule everywhere (YAML 1.2 core)", "[scalar]") {
  for (const char* t : {"true", "True", "TRUE"})
    CHECK(*to_boolean(t));
  for (const char* f : {"false", "False", "FALSE"})
    CHECK_FALSE(*to_boolean(f));
  for (const char* bad : {"yes", "no", "1", "0", "on", "off", "y", "", "tru"})
    CHECK_FALSE(to_boolean(bad));
}
