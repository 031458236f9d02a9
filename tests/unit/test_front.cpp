// The accuracy-cost front (study/front.hpp) on constructed points worked by hand, and the FLOPs
// of built-in networks against a hand count.
#include <catch2/catch.hpp>

#include <cmath>

#include "hsicho/study/best.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/train/flops.hpp"

using namespace hsicho;

TEST_CASE("pareto layers: ties, equal costs, a single point, what is not a number", "[front]") {
  // (error, cost):      a        b        c        d        e        f       g (failed) h (= b)
  const std::vector<double> err = {1.0, 2.0, 3.0, 2.5, 1.0, 4.0, INFINITY, 2.0};
  const std::vector<double> cost = {9.0, 5.0, 1.0, 6.0, 9.5, 1.0, 0.5, 5.0};
  // a, b, c: nobody is better in both. e: beaten by a (same error, dearer). d: by b. f: by c
  // (same cost, worse). g failed: no layer. h equals b: neither beats the other, same layer.
  CHECK(study::pareto_layers(err, cost) == std::vector<int>{1, 1, 1, 2, 2, 2, 0, 1});
  CHECK(study::pareto_layers({0.5}, {3.0}) == std::vector<int>{1});
  CHECK(study::pareto_layers({}, {}).empty());
  CHECK(study::pareto_layers({1, 2}, {NAN, 1}) == std::vector<int>{0, 1});  // unknown cost
  // A chain: each beaten by the one before: one point per layer.
  CHECK(study::pareto_layers({1, 2, 3}, {1, 2, 3}) == std::vector<int>{1, 2, 3});
}

TEST_CASE("the cheapest within a tolerance of the best", "[front]") {
  const std::vector<double> err = {1.0, 1.05, 1.08, 1.2, INFINITY};
  const std::vector<double> cost = {1000, 600, 600, 100, 10};
  // Within 10% of the best (1.0): the first three; the cheapest is 600, at the lower error.
  CHECK(study::cheapest_within(err, cost, 1.1) == std::optional<std::size_t>{1});
  CHECK(study::cheapest_within(err, cost, 1.0) == std::optional<std::size_t>{0});
  CHECK(study::cheapest_within(err, cost, 2.0) == std::optional<std::size_t>{3});
  CHECK_FALSE(study::cheapest_within(err, cost, 0.5));
}

TEST_CASE("finalists: the lowest errors, and the cheapest of the goal set", "[front]") {
  // The best (5000 parameters), two near it but wide, a cheap one at 8%, a very cheap bad one.
  const std::vector<double> err = {1.0, 1.02, 1.05, 1.08, 1.3, 2.0, INFINITY};
  const std::vector<double> cost = {5000, 4000, 4500, 300, 100, 50, 10};
  // Within the goal threshold 1.1 the cheapest is 3 (300): it joins the top 3.
  CHECK(study::front_finalists(err, cost, 3, 1.1) == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(study::front_finalists(err, cost, 2, 1.1) == std::vector<std::size_t>{0, 1, 3});
  // A wider threshold reaches 4 (100).
  CHECK(study::front_finalists(err, cost, 3, 1.5) == std::vector<std::size_t>{0, 1, 2, 4});
  // The cheapest within the threshold is already a finalist: nobody joins.
  CHECK(study::front_finalists(err, cost, 3, 1.01) == std::vector<std::size_t>{0, 1, 2});
  CHECK(study::front_finalists(err, cost, 4, 1.1) == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(study::front_finalists({INFINITY}, {1}, 3, 1).empty());
}

TEST_CASE("costs of a record by name", "[front]") {
  Record r;
  r.parameters = 521, r.flops = 1000, r.seconds = 2.5;
  r.metrics["energy"] = 7;
  CHECK(study::cost_of(r, "parameters") == 521);
  CHECK(study::cost_of(r, "flops") == 1000);
  CHECK(study::cost_of(r, "seconds") == 2.5);
  CHECK(study::cost_of(r, "metric:energy") == 7);
  CHECK(std::isnan(study::cost_of(r, "metric:none")));
  r.flops = 0;
  CHECK(std::isnan(study::cost_of(r, "flops")));  // unknown
  CHECK(study::cost_problem("parameters").empty());
  CHECK_FALSE(study::cost_problem("params").empty());
}

TEST_CASE("inference FLOPs of an MLP and a CNN against a hand count", "[front]") {
  train::ModelSpec mlp;
  mlp.type = train::ModelType::Mlp;
  mlp.layers = 2;
  mlp.units = {16, 8};
  // 3 inputs -> 16 -> 8 -> 2 outputs: 3x16 + 16x8 + 8x2 = 48 + 128 + 16 = 192 MACs.
  CHECK(train::inference_flops(mlp, {3}, 2) == 2 * 192);
  train::ModelSpec cnn;
  cnn.type = train::ModelType::Cnn;
  cnn.layers = 2;
  cnn.filters = {4, 8};
  cnn.kernel_size = 3;
  cnn.pooling = train::Pooling::Max;
  cnn.head_units = {32};
  // 1x28x28: conv 1->4 3x3 on 28x28 (padding 1): 1*4*9*784 = 28224; pool -> 14x14.
  // conv 4->8 on 14x14: 4*8*9*196 = 56448; pool -> 7x7; head 8*49=392 -> 32: 12544; 32 -> 10: 320.
  CHECK(train::inference_flops(cnn, {1, 28, 28}, 10) == 2 * (28224 + 56448 + 12544 + 320));
  cnn.residual = true;
  // Residual blocks: two convolutions each, and a 1x1 convolution when the channels change.
  // Block 1: 1->4 (28224) + 4->4 on 28x28 (4*4*9*784 = 112896) + 1x1 1->4 (4*784 = 3136).
  // Block 2: 4->8 on 14x14 (56448) + 8->8 (8*8*9*196 = 112896) + 1x1 4->8 (32*196 = 6272).
  CHECK(train::inference_flops(cnn, {1, 28, 28}, 10) ==
        2 * (28224 + 112896 + 3136 + 56448 + 112896 + 6272 + 12544 + 320));
}

namespace {
Record trained_record(double val, std::int64_t parameters, Outcome status = Outcome::Ok) {
  Record r;
  r.val_error = val, r.test_error = 2 * val, r.parameters = parameters, r.seconds = 1;
  r.status = status;
  return r;
}
}  // namespace

TEST_CASE("the pick on a constructed final retraining", "[front]") {
  // Search trainings 0-3 (not candidates once there is a retraining), then three configurations
  // retrained with 3 seeds each:
  //   config 2: 1.0, 1.2, 1.4 -> mean 1.2, sd 0.2, 1000 parameters: the best
  //   config 3: 1.3 x 3       -> mean 1.3, 300 parameters: within 1.2 + 0.2, the pick
  //   config 1: 1.5 x 3       -> mean 1.5, 100 parameters: cheaper but outside 1.4
  std::vector<Record> records = {trained_record(0.9, 5000), trained_record(1.5, 100),
                                 trained_record(1.1, 1000), trained_record(1.3, 300)};
  for (double v : {1.0, 1.2, 1.4})
    records.push_back(trained_record(v, 1000));
  for (int k = 0; k < 3; ++k)
    records.push_back(trained_record(1.3, 300));
  for (int k = 0; k < 3; ++k)
    records.push_back(trained_record(1.5, 100));
  std::vector<study::Trained> trained;
  for (std::size_t i = 0; i < 4; ++i)
    trained.push_back({i, &records[i], std::nullopt});
  const std::size_t retrained[] = {2, 2, 2, 3, 3, 3, 1, 1, 1};
  for (std::size_t k = 0; k < 9; ++k)
    trained.push_back({4 + k, &records[4 + k], retrained[k]});

  const auto best = study::pick_best(trained);
  REQUIRE(best);
  CHECK(best->config == 2);
  CHECK(best->val_error == Approx(1.2));
  const auto pick = study::pick_cheapest(trained, "parameters", 0.1);
  REQUIRE(pick);
  CHECK(pick->limit == Approx(1.4));  // the best's mean plus its seeds' standard deviation
  CHECK(pick->rule.find("spread") != std::string::npos);
  CHECK(pick->chosen.config == 3);
  CHECK(pick->chosen.val_error == Approx(1.3));
  CHECK(pick->chosen.test_error == Approx(2.6));
  CHECK(pick->chosen.parameters == 300);

  // One seed per configuration: no spread, so the tolerance (10% of 1.2: up to 1.32) decides.
  std::vector<study::Trained> single(trained.begin(), trained.begin() + 4);
  single.push_back({4, &records[4 + 1], std::size_t{2}});  // config 2: 1.2
  single.push_back({7, &records[7], std::size_t{3}});      // config 3: 1.3
  single.push_back({10, &records[10], std::size_t{1}});    // config 1: 1.5
  const auto by_tolerance = study::pick_cheapest(single, "parameters", 0.1);
  REQUIRE(by_tolerance);
  CHECK(by_tolerance->limit == Approx(1.32));
  CHECK(by_tolerance->chosen.config == 3);
  CHECK(study::pick_cheapest(single, "parameters", 0.05)->chosen.config == 2);  // up to 1.26
}

TEST_CASE("the pick without a retraining: every successful training is a candidate", "[front]") {
  std::vector<Record> records = {trained_record(1.0, 500), trained_record(1.05, 200),
                                 trained_record(1.2, 50), trained_record(0.5, 10, Outcome::Failed)};
  std::vector<study::Trained> trained;
  for (std::size_t i = 0; i < records.size(); ++i)
    trained.push_back({i, &records[i], std::nullopt});
  const auto pick = study::pick_cheapest(trained, "parameters", 0.1);
  REQUIRE(pick);
  CHECK(pick->limit == Approx(1.1));
  CHECK(pick->chosen.config == 1);  // 200 parameters at 1.05; the failed one is no candidate
  CHECK(study::pick_cheapest(trained, "parameters", 0.25)->chosen.config == 2);
  // No cost known: no pick.
  CHECK_FALSE(study::pick_cheapest(trained, "metric:energy", 0.1));
}

TEST_CASE("error rates on N samples: their step found, and the default tolerance is their noise",
          "[front]") {
  // Error rates of 359 validation samples (the digits study): k / 359.
  std::vector<double> rates;
  for (int k : {4, 5, 7, 9, 12, 30, 200})
    rates.push_back(k / 359.0);
  CHECK(study::error_resolution(rates) == Approx(1 / 359.0));
  // A step no error pair shows directly (gaps of 2/100 and 3/100): still 1/100.
  CHECK(study::error_resolution({0.02, 0.05, 0.07, 0.12}) == Approx(0.01));
  // Mean squared errors: no step.
  CHECK(std::isnan(study::error_resolution({0.0123456, 0.0234567, 0.0712345, 0.5})));
  CHECK(std::isnan(study::error_resolution({1.5, 2.5, 3.5})));  // not rates
  CHECK(std::isnan(study::error_resolution({0.1, 0.2})));       // too few to tell

  // The best rate 4/359: by hand, sqrt(p (1 - p) / 359) = 0.005514 > 10% of p (0.00111): the
  // network 9x smaller at 5/359 (one sample more) is within it.
  const double p = 4 / 359.0;
  const auto unset = study::pick_limit(p, rates, NAN);
  CHECK(unset.limit == Approx(p + std::sqrt(p * (1 - p) / 359)).epsilon(1e-12));
  CHECK(unset.limit > 5 / 359.0);
  CHECK(unset.rule.find("rate on 359 samples") != std::string::npos);
  // Set by the user: their fraction, whatever the noise.
  CHECK(study::pick_limit(p, rates, 0.1).limit == Approx(1.1 * p));
  // A best rate of 0: one sample's weight.
  CHECK(study::pick_limit(0, {0.0, 0.01, 0.03, 0.2}, NAN).limit == Approx(0.01));
  // Mean squared errors: 10% as before.
  CHECK(study::pick_limit(0.5, {0.5, 0.6173, 0.9, 1.7}, NAN).limit == Approx(0.55));

  // The pick itself on such a study: best 4/359 with 5 000 parameters, 5/359 with 560.
  std::vector<Record> records = {trained_record(4 / 359.0, 5000), trained_record(5 / 359.0, 560),
                                 trained_record(9 / 359.0, 100), trained_record(30 / 359.0, 50)};
  std::vector<study::Trained> trained;
  for (std::size_t i = 0; i < records.size(); ++i)
    trained.push_back({i, &records[i], std::nullopt});
  CHECK(study::pick_cheapest(trained, "parameters", NAN)->chosen.config == 1);
  CHECK(study::pick_cheapest(trained, "parameters", 0.1)->chosen.config == 0);
}
