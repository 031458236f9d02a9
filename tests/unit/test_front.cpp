// The accuracy-cost front (study/front.hpp) on constructed points worked by hand, and the FLOPs
// of built-in networks against a hand count.
#include <catch2/catch.hpp>

#include <cmath>

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
  mlp.type = "mlp";
  mlp.layers = 2;
  mlp.units = {16, 8};
  // 3 inputs -> 16 -> 8 -> 2 outputs: 3x16 + 16x8 + 8x2 = 48 + 128 + 16 = 192 MACs.
  CHECK(train::inference_flops(mlp, {3}, 2) == 2 * 192);
  train::ModelSpec cnn;
  cnn.type = "cnn";
  cnn.layers = 2;
  cnn.filters = {4, 8};
  cnn.kernel_size = 3;
  cnn.pooling = "max";
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
