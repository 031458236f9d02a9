// The small files of a study's journal folder beside the journals themselves, read and written
// here (each described once, hsicho/fields.hpp): the lock of the live run, the plan (what the
// results depend on, and the design's sizes), and the stamps of the user's data files. Each is
// written beside and renamed over, so that a reader (hsicho status) never sees half a file.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/fields.hpp"
#include "hsicho/io/array_file.hpp"

namespace hsicho::io {

// FOLDER/lock: which run writes the folder.
struct LockInfo {
  std::string host, slurm_job_id;
  std::int64_t pid = 0;
};

// The lock's text (one line of JSON); nullopt for no lock, or a torn one (killed while it was
// written: nobody holds it).
std::string lock_json(const LockInfo& lock);
std::optional<LockInfo> read_lock_file(const std::string& path);
// Writes the lock (the live run's claim on the folder); RuntimeError naming the path if it fails.
void write_lock_file(const std::string& path, const LockInfo& lock);

// Key ("training.epochs", "space.lr", "design.criterion", "study.seed") -> value as text.
using Identity = std::map<std::string, std::string>;

// FOLDER/plan.json.
struct Plan {
  Identity identity;
  // The sampled hyperparameters in deck order: the design's columns follow it, so that the
  // same set in another order is another design (empty in plans of hsicho 0.1).
  std::vector<std::string> space_order;
  std::vector<std::size_t> samples;  // the design's sizes: first run, then each extension
  bool optimized = false;            // stages from optimize.stages; cannot be extended
  std::size_t planned = 0;           // trainings in all (the optimizer's: at most)
  std::string deck, out, started;    // of the latest run
  std::string deck_text;             // the deck the study runs, verbatim (readers of a study
                                     // that is running or stopped type its space with it)
  // How the study runs, not what its results mean (timeout, threads, device, env, retries): a
  // resume may change them, and says so.
  Identity run_settings;
  // The files of the user's training program (training.command), as the study first ran them.
  std::vector<FileStamp> program;
  std::string fingerprint;  // on every journal file: the study's first, kept through resumes
  // How the latest run ended, when it could say so: "finished", "stopped by a signal", "no
  // training succeeded", "failed: ..."; "" while it runs (or when it was killed). A batch script
  // reads it (hsicho status --json) where a launcher reports a stop by signal as exit status 1.
  std::string end;
  double started_time = 0;  // the same, as Unix time
  std::int64_t ranks = 0;
  std::string slurm_job;  // the latest run's Slurm job ("" outside Slurm)
};

// nullopt when absent; InputError for a damaged one.
std::optional<Plan> read_plan(const std::string& journal_dir);
void write_plan(const std::string& journal_dir, const Plan& plan);

// FOLDER/data-sources.json: size and CRC-32 of each data file, as the study first read them.
std::vector<FileStamp> read_source_stamps(const std::string& journal_dir);  // empty: none
void write_source_stamps(const std::string& journal_dir, const std::vector<FileStamp>& stamps);
// FOLDER/class-names.json: class k's name, where the labels were written as names, for the
// commands that read a running study (the study file's class_names).
std::vector<std::string> read_class_names(const std::string& journal_dir);  // empty: none
void write_class_names(const std::string& journal_dir, const std::vector<std::string>& names);
// FOLDER/stage-sizes.json: under a wall-time budget (optimize.budget: 2h), the stage sizes
// decided so far (each after the stage before it), the wall time spent when the last was
// decided, and whether it was the last stage: a resume, on any number of ranks, keeps them.
struct StageSizes {
  std::vector<std::size_t> sizes;
  double spent = 0;
  bool last = false;
};
std::optional<StageSizes> read_stage_sizes(const std::string& journal_dir);
void write_stage_sizes(const std::string& journal_dir, const StageSizes& sizes);

}  // namespace hsicho::io

namespace hsicho {

template <>
struct Describe<io::LockInfo> {
  template <class V>
  static void fields(V&& v) {
    v(field("host", &io::LockInfo::host));
    v(field("pid", &io::LockInfo::pid));
    v(field("slurm_job_id", &io::LockInfo::slurm_job_id, kOptional));
  }
};

template <>
struct Describe<io::StageSizes> {
  template <class V>
  static void fields(V&& v) {
    v(field("sizes", &io::StageSizes::sizes));
    v(field("spent", &io::StageSizes::spent));
    v(field("last", &io::StageSizes::last));
  }
};

template <>
struct Describe<io::Plan> {
  template <class V>
  static void fields(V&& v) {
    using P = io::Plan;
    v(field("identity", &P::identity));
    v(field("space_order", &P::space_order, kOptional));
    v(field("samples", &P::samples));
    v(field("optimized", &P::optimized));
    v(field("planned", &P::planned));
    v(field("deck", &P::deck, kOptional));
    v(field("deck_text", &P::deck_text, kOptional));
    v(field("run_settings", &P::run_settings, kOptional));
    v(field("program", &P::program, kOptional));
    v(field("fingerprint", &P::fingerprint, kOptional));
    v(field("end", &P::end, kOptional));
    v(field("out", &P::out, kOptional));
    v(field("started", &P::started, kOptional));
    v(field("ranks", &P::ranks, kOptional));
    v(field("started_time", &P::started_time, kOptional));
    v(field("slurm_job", &P::slurm_job, kOptional));
  }
};

}  // namespace hsicho
