// The study file: every field written comes back, typed (integers as integers, NaN and infinities
// as written, every Record field and metric), and a file whose datasets disagree in length is
// refused as damaged.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "hsicho/error.hpp"
#include "hsicho/io/h5.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/io/study_file.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

namespace {

// Two hyperparameters (one free), three trainings, two stages, an analysis, a final retraining.
io::StudyData sample() {
  io::StudyData s;
  s.name = "round trip";
  s.deck_path = "deck.yaml";
  s.deck_text = "data: {name: runge}\n";
  s.version = "0.1.0";
  s.commit = "abc1234";
  s.started = "2026-12-01T10:00:00Z";
  s.finished = "2026-12-01T10:05:00Z";
  s.hosts = "node-1,node-2";
  s.sources = {{"/data/sim.h5", 5000000000ull, 1796135015, 0xdfd1b9c0u},
               {"/data/val.csv", 12, 7, 0}};
  s.ranks = 3;
  s.seed = (std::int64_t{1} << 62) + 7;  // beyond a double's 53 bits: must come back exactly
  s.complete = true;
  s.names = {"lr", "epochs"};
  s.types = {"log", "fixed"};
  s.domains = {"[0.001, 0.1] (log scale)", "{20}"};
  s.conditions = {"", ""};
  s.low = {1e-3, NAN};
  s.high = {0.1, NAN};
  s.log_scale = {1, 0};
  s.free = {1, 0};
  s.n = 3;
  s.values = {"0.01", "20", "0.02", "20", "0.05", "20"};
  s.active = {1, 1, 1, 1, 1, 1};
  s.seeds = {11, 12, (std::int64_t{1} << 62) + 13};
  s.stage = {1, 1, 2};
  s.design_sizes = {2, 3};
  s.free_names = {"lr"};
  s.unit = {0.1, 0.5, NAN};
  s.normalized = {0.2, 0.6, 0.9};
  for (int i = 0; i < 3; ++i) {
    Record r;
    r.status = i == 2 ? "diverged" : "ok";
    r.val_error = i == 2 ? INFINITY : 0.5 / (i + 1);
    r.test_error = i == 2 ? INFINITY : 0.25 / (i + 1);
    r.parameters = 609 + i;
    r.epochs = 3 + i;
    r.seconds = 1.5 * i;
    r.seed = static_cast<std::uint64_t>(s.seeds[static_cast<std::size_t>(i)]);
    r.best_epoch = 2;
    r.val_rel_l2 = i == 0 ? NAN : 0.1 * i;
    r.device = "cpu";
    r.rank = i;
    r.host = "node-" + std::to_string(i % 2 + 1);
    r.message = i == 2 ? "loss is nan at epoch 4" : "";
    r.curves = std::vector<double>(static_cast<std::size_t>(3 + i), 1.0 / (i + 1));
    if (i != 1) r.metrics["energy"] = -1.5 * i;  // absent for training 1
    r.metrics["r2"] = 0.9 - 0.1 * i;
    s.records.push_back(r);
  }
  s.metric = "mse";
  s.analysed = true;
  s.alpha = 0.25;
  s.threshold = 0.25;
  s.m = 1;
  s.estimator = "v";
  s.bandwidth = "median";
  s.pvalues = "gamma";
  s.input_names = {"lr"};
  s.hsic = {0.01};
  s.stderr_ = {0.002};
  s.r2 = {0.3};
  s.share = {1.0};
  s.pvalue = {0.04};
  s.input_bandwidth = {0.35};
  s.input_threshold = {0.25};
  s.input_n = {3};
  s.input_m = {1};
  s.conditional = {0};
  s.active_hsic = {NAN};
  s.active_pvalue = {NAN};
  s.interactions = {0.01};
  s.bootstrap = 200;
  s.null95 = {0.004};
  s.top_k = 1;
  s.ci_low = {0.001};
  s.ci_high = {0.02};
  s.top_share = {0.97};
  s.interactions_anova = {0.002};
  s.interactions_pvalue = {0.04};
  s.stage_first = {0, 2};
  s.stage_size = {2, 1};
  s.stage_alpha = {0.25, 0.2};
  s.stage_hsic = {0.02, 0.01};
  s.stage_pvalue = {0.3, 0.04};
  s.stage_log = {"after stage 1: focused lr ...", "after stage 1: dropped momentum ..."};
  s.decision_stage = {1, 1};
  s.decision_input = {"lr", "momentum"};
  s.decision_action = {"focused", "dropped"};
  s.decision_value = {"", "optimizer = adam"};
  s.decision_pvalue = {0.004, NAN};
  s.decision_top_share = {0.9, NAN};
  s.decision_ratio = {1.0, NAN};
  s.decision_drift = {0, -1};
  s.optimized = true;
  s.strategy = "hsic";
  s.final_config = {1};
  s.final_seeds = 2;
  s.final_val = {0.2, 0.3};
  s.final_test = {0.21, 0.31};
  s.best_config = 1;
  s.best_values = "lr=0.02 epochs=20";
  s.best_val = 0.25;
  s.best_test = 0.26;
  s.best_parameters = 610;
  s.best_seconds = 1.5;
  return s;
}

bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
  }
  return true;
}

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("hsicho-test-" + name + ".h5")).string();
}

}  // namespace

TEST_CASE("every field of a study file comes back", "[study_file]") {
  const auto s = sample();
  const auto path = temp_file("roundtrip");
  io::write_study(path, s);
  const auto b = io::read_study(path);
  CHECK(b.name == s.name);
  CHECK(b.deck_path == s.deck_path);
  CHECK(b.deck_text == s.deck_text);
  CHECK(b.version == s.version);
  CHECK(b.commit == s.commit);
  CHECK(b.started == s.started);
  CHECK(b.finished == s.finished);
  CHECK(b.hosts == s.hosts);
  REQUIRE(b.sources.size() == 2);
  CHECK(b.sources[0].path == "/data/sim.h5");
  CHECK(b.sources[0].bytes == 5000000000ull);
  CHECK(b.sources[0].modified == 1796135015);
  CHECK(b.sources[0].crc32 == 0xdfd1b9c0u);
  CHECK(b.sources[1].crc32 == 0u);
  CHECK(b.ranks == s.ranks);
  CHECK(b.seed == s.seed);
  CHECK(b.complete == s.complete);
  CHECK(b.names == s.names);
  CHECK(b.types == s.types);
  CHECK(b.domains == s.domains);
  CHECK(b.conditions == s.conditions);
  CHECK(same(b.low, s.low));
  CHECK(same(b.high, s.high));
  CHECK(b.log_scale == s.log_scale);
  CHECK(b.free == s.free);
  CHECK(b.n == s.n);
  CHECK(b.values == s.values);
  CHECK(b.active == s.active);
  CHECK(b.seeds == s.seeds);
  CHECK(b.stage == s.stage);
  CHECK(b.design_sizes == s.design_sizes);
  CHECK(b.free_names == s.free_names);
  CHECK(same(b.unit, s.unit));
  CHECK(same(b.normalized, s.normalized));
  REQUIRE(b.records.size() == s.records.size());
  for (std::size_t i = 0; i < s.records.size(); ++i) {
    INFO("training " << i << ": " << io::record_to_json(b.records[i], io::NonFinite::Text));
    CHECK(io::same_record(b.records[i], s.records[i]));
  }
  CHECK(b.metric == s.metric);
  CHECK(b.analysed == s.analysed);
  CHECK(b.alpha == s.alpha);
  CHECK(b.threshold == s.threshold);
  CHECK(b.m == s.m);
  CHECK(b.estimator == s.estimator);
  CHECK(b.bandwidth == s.bandwidth);
  CHECK(b.pvalues == s.pvalues);
  CHECK(b.input_names == s.input_names);
  CHECK(same(b.hsic, s.hsic));
  CHECK(same(b.stderr_, s.stderr_));
  CHECK(same(b.r2, s.r2));
  CHECK(same(b.share, s.share));
  CHECK(same(b.pvalue, s.pvalue));
  CHECK(same(b.input_bandwidth, s.input_bandwidth));
  CHECK(same(b.input_threshold, s.input_threshold));
  CHECK(b.input_n == s.input_n);
  CHECK(b.input_m == s.input_m);
  CHECK(b.conditional == s.conditional);
  CHECK(same(b.active_hsic, s.active_hsic));
  CHECK(same(b.active_pvalue, s.active_pvalue));
  CHECK(same(b.interactions, s.interactions));
  CHECK(b.bootstrap == 200);
  CHECK(same(b.null95, s.null95));
  CHECK(b.top_k == 1);
  CHECK(same(b.ci_low, s.ci_low));
  CHECK(same(b.ci_high, s.ci_high));
  CHECK(same(b.top_share, s.top_share));
  CHECK(same(b.interactions_anova, s.interactions_anova));
  CHECK(same(b.interactions_pvalue, s.interactions_pvalue));
  CHECK(b.stage_first == s.stage_first);
  CHECK(b.stage_size == s.stage_size);
  CHECK(same(b.stage_alpha, s.stage_alpha));
  CHECK(same(b.stage_hsic, s.stage_hsic));
  CHECK(same(b.stage_pvalue, s.stage_pvalue));
  CHECK(b.stage_log == s.stage_log);
  CHECK(b.decision_stage == s.decision_stage);
  CHECK(b.decision_input == s.decision_input);
  CHECK(b.decision_action == s.decision_action);
  CHECK(b.decision_value == s.decision_value);
  CHECK(same(b.decision_pvalue, s.decision_pvalue));
  CHECK(same(b.decision_top_share, s.decision_top_share));
  CHECK(same(b.decision_ratio, s.decision_ratio));
  CHECK(b.decision_drift == s.decision_drift);
  CHECK(b.optimized == s.optimized);
  CHECK(b.strategy == s.strategy);
  CHECK(b.final_config == s.final_config);
  CHECK(b.final_seeds == s.final_seeds);
  CHECK(same(b.final_val, s.final_val));
  CHECK(same(b.final_test, s.final_test));
  CHECK(b.best_config == s.best_config);
  CHECK(b.best_values == s.best_values);
  CHECK(b.best_val == s.best_val);
  CHECK(b.best_test == s.best_test);
  CHECK(b.best_parameters == s.best_parameters);
  CHECK(b.best_seconds == s.best_seconds);
  fs::remove(path);
}

TEST_CASE("a study file whose datasets disagree in length is refused as damaged", "[study_file]") {
  auto s = sample();
  s.stage = {1, 1};  // 2 stages for 3 trainings
  const auto path = temp_file("damaged");
  io::write_study(path, s);
  CHECK_THROWS_WITH(io::read_study(path),
                    Catch::Contains("configs/stage holds 2 values where 3 were expected") &&
                        Catch::Contains("damaged"));
  s = sample();
  s.hsic = {0.01, 0.02};  // two indices for one input
  io::write_study(path, s);
  CHECK_THROWS_AS(io::read_study(path), InputError);
  fs::remove(path);
}

TEST_CASE("study files are recognised by their signature or their name", "[study_file]") {
  const auto path = temp_file("signature");
  io::write_study(path, sample());
  const auto renamed = path + ".data";
  fs::rename(path, renamed);
  CHECK(io::is_study_file_name(renamed));  // the HDF5 signature, whatever the name
  fs::remove(renamed);
  CHECK(io::is_study_file_name("missing.H5"));
  CHECK(io::is_study_file_name("missing.hdf5"));
  CHECK_FALSE(io::is_study_file_name("missing.csv"));
}
