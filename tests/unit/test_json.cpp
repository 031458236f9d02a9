// --json output: always valid JSON (invalid UTF-8 replaced), no NaN or infinity literals.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "hsicho/io/json.hpp"

using hsicho::io::Json;
using hsicho::io::json_text;

TEST_CASE("invalid UTF-8 in, valid JSON out", "[json]") {
  const std::string bad = std::string("caf") + char(0xE9) + " " + char(0xFF) + char(0xC3);
  const std::string text = json_text(Json{{"message", bad}, {"ok", "h\xC3\xA9llo"}});
  const Json back = Json::parse(text);  // throws on invalid JSON or invalid UTF-8
  CHECK(back["message"].get<std::string>() == "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(back["ok"].get<std::string>() == "h\xC3\xA9llo");  // valid UTF-8 passes unchanged
}

TEST_CASE("NaN and infinities become null, numbers round-trip", "[json]") {
  const double x = 0.1 + 0.2;
  const Json j = {{"nan", std::nan("")},
                  {"inf", std::numeric_limits<double>::infinity()},
                  {"x", x},
                  {"control", std::string("a\x01\n\"b")}};
  const Json back = Json::parse(json_text(j));
  CHECK(back["nan"].is_null());
  CHECK(back["inf"].is_null());
  CHECK(back["x"].get<double>() == x);
  CHECK(back["control"].get<std::string>() == "a\x01\n\"b");
  CHECK(json_text(j).back() == '\n');
}
