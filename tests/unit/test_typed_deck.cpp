// The typed deck: keys that do not apply are refused at their line, booleans read one way
// everywhere, the analysis block takes every option analyze does, and `design` prints the first
// design that `run` trains.
#include <catch2/catch.hpp>

#include "hsicho/design/design.hpp"
#include "hsicho/error.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/check_deck.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/spec.hpp"

using namespace hsicho;

namespace {

const char* kSpace = "space:\n  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n";

space::Deck deck(const std::string& blocks, const std::string& space = kSpace) {
  return space::parse_deck(blocks + space, "d.yaml");
}

std::string error_of(const std::string& blocks, const std::string& space = kSpace) {
  try {
    study::check_deck(deck(blocks, space), false);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a key that does not apply to the data set, model or optimizer is refused at its line",
          "[deck]") {
  CHECK_THAT(error_of("data: {name: runge, path: /nonexistent.csv}\n"),
             Catch::StartsWith("d.yaml:1:21: key 'path' of block 'data' does not apply to data "
                               "set runge"));
  CHECK_THAT(error_of("data:\n  name: runge\n  species: 5\n"),
             Catch::StartsWith("d.yaml:3:3: key 'species'"));
  CHECK_THAT(error_of("data: {name: bateman, dim: 2}\n"), Catch::Contains("key 'dim'"));
  CHECK_THAT(error_of("data: {name: runge, subset: 10}\n"),
             Catch::Contains("unknown key 'subset'"));
  CHECK_THAT(error_of("data: {name: mnist}\nmodel: {type: cnn, units: 8}\n"),
             Catch::Contains("does not apply to model type cnn"));
  CHECK_THAT(error_of("data: {name: runge}\nmodel: {filters: 8}\n"),
             Catch::Contains("does not apply to model type mlp"));
  CHECK_THAT(error_of("data: {name: runge}\ntraining: {momentum: 0.9}\n"),  // adam by default
             Catch::Contains("does not apply to optimizer adam: it is for optimizer sgd or "
                             "rmsprop"));
  CHECK_THAT(error_of("data: {name: runge}\ntraining: {gamma: 0.5}\n"),
             Catch::Contains("does not apply to schedule constant"));
}

TEST_CASE("keys apply when the space can choose what they belong to", "[deck]") {
  // momentum applies when the space may pick sgd; step_size when it may pick the step schedule.
  CHECK(error_of("data: {name: runge}\ntraining: {momentum: 0.9, step_size: 3}\n",
                 std::string(kSpace) +
                     "  - {name: optimizer, type: categorical, values: [adam, sgd]}\n"
                     "  - {name: schedule, type: categorical, values: [constant, step]}\n") ==
        "accepted");
  CHECK_THAT(error_of("data: {name: runge}\ntraining: {momentum: 0.9}\n",
                      std::string(kSpace) +
                          "  - {name: optimizer, type: categorical, values: [adam, adamw]}\n"),
             Catch::Contains("does not apply to optimizer adam or adamw"));
  // A hyperparameter that sets a key of another data set sets nothing.
  CHECK_THAT(error_of("data: {name: runge}\n",
                      std::string(kSpace) + "  - {name: species, type: integer, range: [2, 4]}\n"),
             Catch::Contains("hyperparameter 'species' sets nothing the trainer knows"));
  CHECK(error_of("data: {name: bateman}\n",
                 std::string(kSpace) + "  - {name: species, type: integer, range: [2, 4]}\n") ==
        "accepted");
}

TEST_CASE("booleans read one way in every block, in --set and in the analysis block", "[deck]") {
  for (const std::string yes : {"true", "True", "TRUE"}) {
    CHECK(error_of("data: {name: runge}\nmodel: {batch_norm: " + yes +
                   "}\nanalysis: {interactions: " + yes + ", global: " + yes + "}\n") ==
          "accepted");
  }
  for (const char* bad : {"yes", "no", "1", "0", "on"}) {
    CHECK_THAT(error_of(std::string("data: {name: runge}\nmodel: {batch_norm: ") + bad + "}\n"),
               Catch::Contains(std::string("must be true or false, got '") + bad + "'"));
    CHECK_THAT(
        error_of(std::string("data: {name: runge}\nanalysis: {interactions: ") + bad + "}\n"),
        Catch::Contains("analysis.interactions must be true or false"));
  }
  const auto d = deck("data: {name: runge}\n",
                      std::string(kSpace) + "  - {name: batch_norm, type: boolean}\n");
  CHECK(std::get<bool>(*train::config_from_settings(d.space, {"batch_norm=True"})[1]));
  CHECK_THROWS_AS(train::config_from_settings(d.space, {"batch_norm=1"}), InputError);
  CHECK_THROWS_AS(train::config_from_settings(d.space, {"batch_norm=yes"}), InputError);
  // One name set twice is a mistake, not "the last one wins".
  CHECK_THROWS_WITH(train::config_from_settings(d.space, {"lr=0.001", "lr=0.01"}),
                    Catch::Contains("--set lr is given twice"));
}

TEST_CASE("the analysis block sets every option analyze's command line does, alike", "[deck]") {
  const auto o = study::read_analysis(deck(
      "data: {name: runge}\nanalysis: {alpha: 0.2, bandwidth: 0.5, estimator: u, scaling: paper, "
      "pvalues: 'permutation:1e3', interactions: true, global: true, block: 8, seed: 5}\n"));
  CHECK(o.alpha == 0.2);
  CHECK(o.bandwidth.kind == hsic::BandwidthRule::Kind::Value);
  CHECK(o.bandwidth.value == 0.5);
  CHECK(o.estimator == hsic::Estimator::U);
  CHECK(o.scaling == hsic::Scaling::Paper);
  CHECK(o.pvalues == hsic::PValueMethod::Permutation);
  CHECK(o.permutations == 1000);  // 1e3 is a whole number, in the deck as on the command line
  CHECK(o.interactions);
  CHECK(o.global);
  CHECK(o.block_size == 8);
  CHECK(o.seed == 5);
  // The command line's values go through the same validator.
  hsic::Options cli;
  study::set_analysis_option(cli, "pvalues", "permutation:1e3");
  CHECK(cli.permutations == 1000);
  for (const auto& [key, bad] :
       std::vector<std::pair<std::string, std::string>>{{"alpha", "1"},
                                                        {"alpha", "x"},
                                                        {"estimator", "w"},
                                                        {"scaling", "both"},
                                                        {"pvalues", "permutation:0"},
                                                        {"pvalues", "permutation:1.5"},
                                                        {"block", "3"},
                                                        {"seed", "-1"},
                                                        {"bandwidth", "-2"},
                                                        {"global", "yes"}}) {
    INFO(key << " = " << bad);
    CHECK_THROWS_AS(study::set_analysis_option(cli, key, bad), std::invalid_argument);
    CHECK_THAT(error_of("data: {name: runge}\nanalysis: {" + key + ": '" + bad + "'}\n"),
               Catch::StartsWith("d.yaml:2:") && Catch::Contains("analysis." + key + " must be"));
  }
}

TEST_CASE("design prints the first design that run trains, optimizer or not", "[deck][design]") {
  const std::string space =
      "space:\n  - {name: lr, type: log, range: [1.0e-3, 1.0e-1]}\n"
      "  - {name: layers, type: integer, range: [1, 3]}\n";
  const auto d = deck(
      "data: {name: runge}\ndesign: {samples: 20}\n"
      "optimize: {strategy: hsic, stages: [12, 8], final_top: 1, final_seeds: 1}\n",
      space);
  const auto opt = study::read_optimize(d);
  const auto settings = study::stage_design(d, opt, 0);
  CHECK(settings.samples == 12);  // the first stage, not design.samples
  const auto first = study::make_stage_design(d.space, settings, d.study.seed, 0);
  REQUIRE(first.configs.size() == 12);
  // Stage 0 draws from the study seed: the same points as a plain design of that size.
  auto plain = d.design;
  plain.samples = 12;
  const auto same = design::make_design(d.space, plain, d.study.seed);
  CHECK(first.unit == same.unit);
  // Later stages draw from their own streams: no repeated points.
  const auto second =
      study::make_stage_design(d.space, study::stage_design(d, opt, 1), d.study.seed, 1);
  CHECK(second.unit.rows() == 8);
  CHECK(second.unit.row(0) != first.unit.row(0));
}
