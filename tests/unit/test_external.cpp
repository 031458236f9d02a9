// The external command's contract without running anything: result.json as written by Python's
// json module (NaN and Infinity bare), what makes a result failed or diverged, durations.
#include <catch2/catch.hpp>

#include <cmath>

#include "hsicho/external/command.hpp"

using namespace hsicho;
using external::read_result;

TEST_CASE("result.json: the fields and their types", "[external]") {
  const Record r = read_result(R"({"error": 0.25, "test_error": 0.5, "parameters": 1200,
      "epochs": 30, "best_epoch": 12, "cost": 3.5, "message": "fine",
      "metrics": {"flops": 1e9, "val_acc": 0.97}, "curves": [0.5, 0.3, 0.25], "extra": [1, 2]})");
  CHECK(r.status == Outcome::Ok);
  CHECK(r.val_error == 0.25);
  CHECK(r.test_error == 0.5);
  CHECK(r.parameters == 1200);
  CHECK(r.epochs == 30);
  CHECK(r.best_epoch == 12);
  CHECK(r.message == "fine");
  CHECK(r.metrics ==
        std::map<std::string, double>{{"cost", 3.5}, {"flops", 1e9}, {"val_acc", 0.97}});
  CHECK(r.curves == std::vector<double>{0.5, 0.3, 0.25});
  // Only "error" is required; a test error not reported is NaN (not measured), not infinite.
  const Record minimal = read_result(R"({"error": 3})");
  CHECK(minimal.status == Outcome::Ok);
  CHECK(std::isnan(minimal.test_error));
}

TEST_CASE("result.json: NaN or infinite errors are divergence, as Python writes them",
          "[external]") {
  // json.dump(float('nan')) writes NaN bare; inside strings the words are left alone.
  const Record nan = read_result(R"({"error": NaN, "message": "NaN in epoch 3"})");
  CHECK(nan.status == Outcome::Diverged);
  CHECK(nan.message == "NaN in epoch 3");
  CHECK(read_result(R"({"error": Infinity})").status == Outcome::Diverged);
  CHECK(read_result(R"({"error": -Infinity})").status == Outcome::Diverged);
  CHECK(read_result(R"({"error": "inf"})").status == Outcome::Diverged);
  CHECK(read_result(R"({"error": null})").status == Outcome::Diverged);
  CHECK(read_result(R"({"error": 0.1, "metrics": {"x": NaN}})").status == Outcome::Ok);
  CHECK(std::isnan(read_result(R"({"error": 0.1, "metrics": {"x": NaN}})").metrics.at("x")));
  // The command's own verdict stands.
  CHECK(read_result(R"({"error": 0.1, "status": "failed", "message": "OOM"})").status ==
        Outcome::Failed);
}

TEST_CASE("result.json: what is refused, with the reason", "[external]") {
  CHECK_THROWS_WITH(read_result("not json"), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(read_result("[0.1]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(read_result(R"({"test_error": 1})"), Catch::Contains("no 'error'"));
  CHECK_THROWS_WITH(read_result(R"({"error": "low"})"), Catch::Contains("'error' is not a number"));
  CHECK_THROWS_WITH(read_result(R"({"error": 1, "status": "great"})"),
                    Catch::Contains("status 'great' is not ok, diverged or failed"));
  CHECK_THROWS_WITH(read_result(R"({"error": 1, "parameters": -3})"),
                    Catch::Contains("'parameters' must be a whole number >= 0"));
  CHECK_THROWS_WITH(read_result(R"({"error": 1, "metrics": {"a/b": 1}})"),
                    Catch::Contains("metric name 'a/b'"));
  CHECK_THROWS_WITH(read_result(R"({"error": 1, "metrics": [1]})"),
                    Catch::Contains("'metrics' is not an object"));
}

TEST_CASE("durations for training.timeout", "[external]") {
  CHECK(*external::parse_duration("90") == 90);
  CHECK(*external::parse_duration("45s") == 45);
  CHECK(*external::parse_duration("30m") == 1800);
  CHECK(*external::parse_duration("1.5h") == 5400);
  CHECK(*external::parse_duration("2d") == 172800);
  CHECK_FALSE(external::parse_duration("2 hours"));
  CHECK_FALSE(external::parse_duration("-5s"));
  CHECK_FALSE(external::parse_duration("h"));
}
