// The study file (HDF5): the deck and provenance, the space, every configuration, every result,
// and the HSIC analysis. docs/hdf5.md documents the layout; tests read it with h5py.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hsicho/io/array_file.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io {

struct StudyData {
  // Provenance.
  std::string name, deck_path, deck_text, version, commit, started, finished, hosts;
  std::int64_t ranks = 1, seed = 0;
  bool complete = true;
  std::vector<FileStamp> sources;  // the user's data files (data_sources/), if any
  // The space: one entry per hyperparameter.
  std::vector<std::string> names, types, domains, conditions;
  std::vector<double> low, high;  // NaN where not numeric
  std::vector<std::int64_t> log_scale, free;
  // Configurations: n rows; values and active n x p; unit and normalized n x d (free columns).
  std::size_t n = 0;
  std::vector<std::string> values;
  std::vector<std::int64_t> active, seeds, stage;
  std::vector<std::string> free_names;
  std::vector<double> unit, normalized;
  std::vector<std::int64_t> design_sizes;  // the design's sizes: first run, then each extension
  // Results, one Record per configuration (results/: one dataset per field of the Record).
  std::vector<Record> records;
  // Analysis (when the study is complete).
  bool analysed = false;
  double alpha = 0, threshold = 0;
  std::int64_t m = 0;
  std::string estimator, bandwidth, pvalues, metric;
  std::vector<std::string> input_names;
  std::vector<double> hsic, stderr_, r2, share, pvalue, input_bandwidth, input_threshold,
      active_hsic, active_pvalue;
  std::vector<std::int64_t> input_n, input_m, conditional;
  std::int64_t bootstrap = 0, top_k = 0;           // resamples behind the intervals (0: none)
  std::vector<double> ci_low, ci_high, top_share;  // per input when bootstrap > 0
  std::vector<double> null95;                      // per input (absent in older files)
  std::vector<double> interactions;                // d x d, or empty
  std::vector<double> interactions_anova, interactions_pvalue;  // d x d HSIC-ANOVA, or empty
  // Stages (one for a plain study): first id, size, alpha, decisions, and each stage's indices
  // and p-values over the free columns (NaN where frozen).
  std::vector<std::int64_t> stage_first, stage_size;
  std::vector<double> stage_alpha, stage_hsic, stage_pvalue;
  std::vector<std::string> stage_log;
  // The optimizer's decisions as a table (stages/decisions/): after which stage, which input,
  // what (froze, focused, explored, dropped, unchanged), the frozen value (or a dropped input's
  // parent = value), the evidence (p-value, bootstrap top-k share, index over the leader's) and
  // the drift toward the cheaper side (-1, 0, +1).
  std::vector<std::int64_t> decision_stage, decision_drift;
  std::vector<std::string> decision_input, decision_action, decision_value;
  std::vector<double> decision_pvalue, decision_top_share, decision_ratio;
  // Optimization: the final retraining (configuration ids, errors per seed) and the winner.
  bool optimized = false;
  std::string strategy;
  std::vector<std::int64_t> final_config;
  std::vector<double> final_val, final_test;  // final_config.size() x final_seeds
  std::size_t final_seeds = 0;
  std::int64_t best_config = -1, best_parameters = 0;
  std::string best_values;
  double best_val = 0, best_test = 0, best_seconds = 0;
};

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

// Whether `path` is meant as an HDF5 file: it starts with HDF5's signature, or its name ends in
// .h5, .hdf5 or .he5 (in any case).
bool is_study_file_name(const std::string& path);

// The whole study file back (for report and export). InputError if it is not a study file.
StudyData read_study(const std::string& path);

}  // namespace hsicho::io
