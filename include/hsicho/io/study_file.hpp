// The study file (HDF5): the deck and provenance, the space, every configuration, every result,
// the HSIC analysis, the stages and the optimizer's decisions, the best network. docs/hdf5.md
// documents the layout; tests read it with h5py.
//
// Each group of the file is described once (Describe<...> below, hsicho/fields.hpp): the writer,
// the checked reader, the JSON of `report --json` and the round-trip test walk those lists, so
// a new field is one line in its group (and its meaning in docs/hdf5.md).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/fields.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/array_file.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io {

// The file's layout version: 2 (hsicho 0.2) wrote every analysis column and attribute always
// (1 left out the bootstrap's when there was none). This version reads 1 and 2.
inline constexpr std::int64_t kStudyFormatVersion = 2;
inline constexpr std::int64_t kOldestStudyFormatVersion = 1;

// Root attributes.
struct Provenance {
  std::string name, description, deck_path, version, commit, started, finished, hosts;
  std::string slurm_job;  // the Slurm job of the run that wrote the file ("" outside Slurm)
  std::int64_t ranks = 1, seed = 0;
  bool complete = true;
  // Wall seconds the run that wrote the file spent training (rank 0: from handing out a
  // batch's first training to its last result, summed over batches); NaN where unknown (files
  // before 0.9, a snapshot). A resumed study: its last run's.
  double training_wall = NAN;
  // The early stopping mode the study ran (ordered, async, halving; pruning.mode auto resolved),
  // "" without a pruning block (absent in older files).
  std::string pruning_mode;
};

// space/: one row per hyperparameter, deck order.
struct SpaceEntry {
  std::string name, type, domain, condition;  // condition "" when always active
  double low = NAN, high = NAN;               // NaN when not numeric
  bool log_scale = false, free = true;        // free: varied (not fixed)
};

// configs/: one row per training.
struct ConfigRow {
  // The configuration's index in the study (its seed's, the journal's); -1 in files of version 1
  // (read as the row).
  std::int64_t id = -1;
  std::vector<std::string> values;   // p typed values as text, "" where inactive
  std::vector<std::int64_t> active;  // p: 1 active, 0 inactive
  std::vector<double> unit;          // d: the design point (NaN where the stage did not vary it)
  std::vector<double> normalized;    // d: the HSIC input, NaN where inactive
  std::int64_t seed = 0;             // the training seed
  std::int64_t stage = 1;            // 1..K, K + 1 for the final retraining
  std::int64_t retrains = -1;        // a final retraining's: the configuration it trains again
  std::int64_t pareto_rank = 0;      // its layer of the accuracy-cost front; 0: none (not ok)
};
struct ConfigsInfo {
  std::vector<std::string> columns;        // the d varied hyperparameters
  std::vector<std::int64_t> design_sizes;  // a plain study's: first run, then each extension
};

struct ResultsInfo {
  std::string metric;  // mse | error_rate | ... (what val_error and test_error measure)
};

// analysis/: the settings and goal set of the stored analysis, the interaction matrices (d x d,
// empty unless asked), and one row per input (hsic::InputResult).
struct AnalysisInfo {
  double alpha = 0, threshold = 0;
  std::int64_t m = 0;
  std::string estimator, bandwidth, pvalues;
  std::int64_t bootstrap = 0, top_k = 0;
  std::string ranked_by;  // evidence | index ("": a file from before the ranking, by index)
  std::vector<double> interactions, interactions_anova, interactions_pvalue;
};
struct StoredAnalysis {
  AnalysisInfo info;
  std::vector<hsic::InputResult> inputs;
};

// stages/: one row per stage (a plain study has one), the decisions in words, and as a table.
struct StageRow {
  std::int64_t first = 0, size = 0;
  double alpha = 0;
  std::vector<double> hsic, pvalue;  // d: the stage's indices over configs/columns, NaN frozen
};
struct StagesInfo {
  std::vector<std::string> log;  // "after stage 1: froze dropout at 0 (...)"
};
struct DecisionRow {
  std::int64_t stage = 0;  // taken after it
  std::string input, action, value;
  double pvalue = NAN, top_share = NAN, ratio = NAN;
  std::int64_t drift = 0;
};

// attempts/: the earlier attempts of trainings that failed and were trained again
// (training.retries); results/ holds each configuration's latest.
struct EarlierAttempt {
  std::int64_t config = 0, attempt = 1;
  Outcome status = Outcome::Failed;
  std::string cause, message, host;
  double seconds = 0;
};

// best/: the network the study recommends.
struct Best {
  std::int64_t config = -1;  // its configuration (the row of configs/)
  std::string values;        // name=value ..., for people
  double val_error = 0, test_error = 0;
  std::int64_t parameters = 0;
  double seconds = 0;      // of training (means over the final seeds)
  double cost = NAN;       // the front's cost (analysis.cost) of that configuration
  std::int64_t stage = 0;  // the stage it came from (0: design.add's)
};

// pick/: the cheapest configuration within the tolerance of the best (Best's fields), and how.
struct PickInfo {
  std::string cost;  // what "cheapest" means: parameters, flops, seconds, metric:NAME
  double limit = 0;  // the error it had to be within
  std::string rule;  // how the limit was set
};

// final/: an optimization's retraining of its top configurations with several seeds.
struct FinalInfo {
  std::string strategy;
};
struct FinalRow {
  std::int64_t config = 0;                    // the configuration retrained
  std::vector<double> val_error, test_error;  // one per seed
};
struct FinalRetraining {
  FinalInfo info;
  std::vector<FinalRow> rows;
  std::size_t seeds() const { return rows.empty() ? 0 : rows.front().val_error.size(); }
};

struct StudyData {
  Provenance provenance;
  std::string deck_text;           // the deck the study ran, verbatim
  std::vector<FileStamp> sources;  // the user's data files (data_sources/), if any
  // Class k's name where the labels were written as names (class_names), else empty.
  std::vector<std::string> class_names;
  std::vector<SpaceEntry> space;
  ConfigsInfo configs_info;
  std::vector<ConfigRow> configs;
  ResultsInfo results_info;
  std::vector<Record> records;  // one per row of configs
  std::optional<StoredAnalysis> analysis;
  StagesInfo stages_info;
  std::vector<StageRow> stages;
  std::vector<DecisionRow> decisions;
  std::vector<EarlierAttempt> attempts;
  std::optional<Best> best;
  std::optional<Best> pick;  // the cheapest within the tolerance of the best
  PickInfo pick_info;
  // The index of "on the accuracy-cost front" (goal pareto) beside the error goal's.
  std::optional<StoredAnalysis> analysis_front;
  std::optional<FinalRetraining> final;
  std::int64_t format_version = kStudyFormatVersion;  // of the file read

  std::size_t n() const { return records.size(); }
  bool optimized() const { return final.has_value(); }
};

// The analysis as stored, and back.
StoredAnalysis store_analysis(const hsic::Analysis& an, const hsic::Options& options);
hsic::Analysis analysis_of(const StoredAnalysis& stored, std::size_t n);

// Writes to PATH.tmp, then renames it to PATH: a reader never sees half a file.
void write_study(const std::string& path, const StudyData& s);

// What `hsicho analyze study.h5` needs: the normalized inputs (NaN inactive) and the errors.
struct StudyInputs {
  std::string deck_text;  // the deck the study ran (its space types the columns)
  std::vector<std::string> names;
  std::size_t n = 0, d = 0;
  std::vector<double> normalized;  // n x d
  std::vector<double> val_error;
};
StudyInputs read_study_inputs(const std::string& path);
StudyInputs study_inputs(const StudyData& study);

// Whether `path` is meant as an HDF5 file: it starts with HDF5's signature, or its name ends in
// .h5, .hdf5 or .he5 (in any case).
bool is_study_file_name(const std::string& path);

// The whole study file back (for report and export). InputError if it is not a study file, if
// its format_version is missing or newer than this hsicho reads, or if it is damaged.
StudyData read_study(const std::string& path);

}  // namespace hsicho::io

namespace hsicho {

template <>
struct Describe<io::Provenance> {
  template <class V>
  static void fields(V&& v) {
    using P = io::Provenance;
    v(field("name", &P::name));
    v(field("description", &P::description, kOptional));
    v(field("deck_path", &P::deck_path));
    v(field("program_version", &P::version));
    v(field("git_commit", &P::commit));
    v(field("started", &P::started));
    v(field("finished", &P::finished));
    v(field("ranks", &P::ranks));
    v(field("hosts", &P::hosts));
    v(field("slurm_job_id", &P::slurm_job, kOptional));
    v(field("seed", &P::seed));
    v(field("complete", &P::complete));
    v(field("training_wall_s", &P::training_wall, kOptional));
    v(field("pruning_mode", &P::pruning_mode, kOptional));
  }
};

template <>
struct Describe<io::SpaceEntry> {
  template <class V>
  static void fields(V&& v) {
    using S = io::SpaceEntry;
    v(field("name", &S::name, 0, "names"));
    v(field("type", &S::type, 0, "types"));
    v(field("domain", &S::domain, 0, "domains"));
    v(field("condition", &S::condition, 0, "conditions"));
    v(field("low", &S::low));
    v(field("high", &S::high));
    v(field("log_scale", &S::log_scale));
    v(field("free", &S::free));
  }
};

template <>
struct Describe<io::ConfigRow> {
  template <class V>
  static void fields(V&& v) {
    using C = io::ConfigRow;
    v(field("id", &C::id, kOptional));
    v(field("values", &C::values));
    v(field("active", &C::active));
    v(field("unit", &C::unit));
    v(field("normalized", &C::normalized));
    v(field("seed", &C::seed));
    v(field("stage", &C::stage));
    v(field("retrains", &C::retrains, kOptional));
    v(field("pareto_rank", &C::pareto_rank, kOptional));
  }
};

template <>
struct Describe<io::ConfigsInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("columns", &io::ConfigsInfo::columns));
    v(field("design_sizes", &io::ConfigsInfo::design_sizes, kOmitEmpty));
  }
};

template <>
struct Describe<io::ResultsInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("metric", &io::ResultsInfo::metric));
  }
};

template <>
struct Describe<io::AnalysisInfo> {
  template <class V>
  static void fields(V&& v) {
    using A = io::AnalysisInfo;
    v(field("alpha", &A::alpha));
    v(field("threshold", &A::threshold));
    v(field("m", &A::m));
    v(field("estimator", &A::estimator));
    v(field("bandwidth", &A::bandwidth));
    v(field("pvalues", &A::pvalues));
    v(field("bootstrap", &A::bootstrap, kOptional));
    v(field("top_k", &A::top_k, kOptional));
    v(field("ranked_by", &A::ranked_by, kOptional));
    v(field("interactions", &A::interactions, kSquare | kOmitEmpty));
    v(field("interactions_anova", &A::interactions_anova, kSquare | kOmitEmpty));
    v(field("interactions_pvalue", &A::interactions_pvalue, kSquare | kOmitEmpty));
  }
};

template <>
struct Describe<io::StageRow> {
  template <class V>
  static void fields(V&& v) {
    using S = io::StageRow;
    v(field("first", &S::first));
    v(field("size", &S::size));
    v(field("alpha", &S::alpha));
    v(field("hsic", &S::hsic));
    v(field("pvalue", &S::pvalue));
  }
};

template <>
struct Describe<io::StagesInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("log", &io::StagesInfo::log));
  }
};

template <>
struct Describe<io::DecisionRow> {
  template <class V>
  static void fields(V&& v) {
    using D = io::DecisionRow;
    v(field("stage", &D::stage));
    v(field("input", &D::input));
    v(field("action", &D::action));
    v(field("value", &D::value));
    v(field("pvalue", &D::pvalue));
    v(field("top_share", &D::top_share));
    v(field("ratio", &D::ratio));
    v(field("drift", &D::drift));
  }
};

template <>
struct Describe<io::EarlierAttempt> {
  template <class V>
  static void fields(V&& v) {
    using A = io::EarlierAttempt;
    v(field("config", &A::config));
    v(field("attempt", &A::attempt));
    v(field("status", &A::status));
    v(field("cause", &A::cause));
    v(field("message", &A::message));
    v(field("host", &A::host));
    v(field("seconds", &A::seconds));
  }
};

template <>
struct Describe<io::Best> {
  template <class V>
  static void fields(V&& v) {
    using B = io::Best;
    v(field("config", &B::config));
    v(field("values", &B::values));
    v(field("val_error", &B::val_error));
    v(field("test_error", &B::test_error));
    v(field("parameters", &B::parameters));
    v(field("seconds", &B::seconds));
    v(field("cost", &B::cost, kOptional));
    v(field("stage", &B::stage, kOptional));
  }
};

template <>
struct Describe<io::PickInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("cost_name", &io::PickInfo::cost));
    v(field("limit", &io::PickInfo::limit));
    v(field("rule", &io::PickInfo::rule));
  }
};

template <>
struct Describe<io::FinalInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("strategy", &io::FinalInfo::strategy));
  }
};

template <>
struct Describe<io::FinalRow> {
  template <class V>
  static void fields(V&& v) {
    using F = io::FinalRow;
    v(field("config", &F::config));
    v(field("val_error", &F::val_error));
    v(field("test_error", &F::test_error));
  }
};

}  // namespace hsicho
