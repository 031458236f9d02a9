#include "hsicho/study/status.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/journal_folder.hpp"
#include "hsicho/study/best.hpp"
#include "hsicho/study/savings.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

namespace {

const std::string kSuffix = ".journal";

double mtime(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  // file_clock's epoch is unspecified in C++17; libstdc++'s is the Unix epoch shifted by a fixed
  // amount, which this conversion removes.
  const auto now_file = fs::file_time_type::clock::now();
  const auto now_sys = std::chrono::system_clock::now();
  const auto sys =
      now_sys + std::chrono::duration_cast<std::chrono::system_clock::duration>(t - now_file);
  return std::chrono::duration<double>(sys.time_since_epoch()).count();
}

}  // namespace

StudyStatus read_status(const std::string& path, double now) {
  StudyStatus s;
  std::string p = path;
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  if (p.size() > kSuffix.size() &&
      p.compare(p.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    s.journal_dir = p;
    s.study_file = p.substr(0, p.size() - kSuffix.size());
  } else {
    s.study_file = p;
    s.journal_dir = p + kSuffix;
  }
  if (!fs::is_directory(s.journal_dir)) {
    throw InputError(
        "no journal folder '" + s.journal_dir + "'" +
        (fs::exists(s.study_file)
             ? ": '" + s.study_file + "' was written without one (hsicho report shows it)"
             : ": give the study file of a run (its journal is beside it) or the journal folder"));
  }
  s.plan = read_plan(s.journal_dir);
  const auto journals = io::read_journals(s.journal_dir, "");
  double last_record = 0;
  const double started = s.plan ? s.plan->started_time : 0;
  const int ranks = s.plan ? s.plan->ranks : 0;
  for (int r = 0; r < ranks; ++r)
    s.ranks.push_back({r, "", 0, 0});
  // Each configuration's latest attempt counts, as in `run`.
  const auto by_id = io::latest_records(journals);
  for (const auto& [id, rec] : by_id) {
    const auto& r = rec->result;
    ++s.done;
    s.failed += r.failed();
    last_record = std::max(last_record, rec->finished);
  }
  for (const auto& [id, rec] : by_id) {
    // The latest run's work: the results it wrote (a record twice over counts once).
    if (started > 0 && rec->finished >= started) {
      ++s.done_this_run;
      const auto& r = rec->result;
      if (r.rank >= 0 && r.rank < ranks) {
        auto& rs = s.ranks[static_cast<std::size_t>(r.rank)];
        ++rs.done;
        rs.host = r.host;
        rs.last = std::max(rs.last, rec->finished);
      }
    }
  }
  s.planned = s.plan ? s.plan->planned : 0;
  // A wall-time budget sizes each later stage when the one before ends: the plan counted stage
  // 1 only; the stages decided so far count (an upper bound only once the last is decided).
  if (s.plan && s.plan->optimized) {
    if (const auto sizes = io::read_stage_sizes(s.journal_dir)) {
      for (std::size_t k = 1; k < sizes->sizes.size(); ++k)
        s.planned += sizes->sizes[k];
    }
  }
  if (const auto rungs_dir = fs::path(s.journal_dir) / "halving"; fs::is_directory(rungs_dir)) {
    std::map<int, std::size_t> reached, stopped;
    for (const auto& rec : io::read_journals(rungs_dir.string(), "").records)
      ++reached[rec.result.epochs];
    for (const auto& [id, rec] : by_id) {
      if (rec->result.status == Outcome::Stopped) ++stopped[rec->result.epochs];
    }
    // A rung not yet reached by all the previous rung's survivors says how far it is.
    std::size_t survivors = 0;
    int k = 0;
    for (const auto& [epoch, n] : reached) {
      const bool partial = k > 0 && n < survivors;
      s.halving += fmt::format("{}rung {} (epoch {}): ", s.halving.empty() ? "" : "; ", ++k, epoch);
      s.halving += partial ? fmt::format("{} of {} reached so far", n, survivors)
                           : fmt::format("{} reached, {} stopped", n, stopped[epoch]);
      survivors = n - stopped[epoch];
    }
  }
  {
    std::vector<const Record*> records;
    for (const auto& [id, rec] : by_id)
      records.push_back(&rec->result);
    s.stopped_early = savings_of(records).text(records.size());
  }
  std::vector<Trained> trained;
  for (const auto& [id, rec] : by_id)
    trained.push_back({id, &rec->result, rec->retrains});
  s.best = pick_best(trained);
  if (s.best) {
    s.best_values = by_id.at(static_cast<std::size_t>(s.best->config))->values;
    for (const auto& [name, value] : s.best_values) {
      if (value)
        s.best->values +=
            (s.best->values.empty() ? "" : " ") + name + "=" + space::to_display(*value);
    }
  }

  s.lock = read_lock((fs::path(s.journal_dir) / "lock").string());
  if (s.lock) s.live = liveness(*s.lock);
  if (s.lock && !s.lock->slurm_job_id.empty()) {
    // Seen from a login node the process cannot be checked, but its job can: an ended job
    // holds nothing (killed with its node, cancelled, past its time limit).
    s.slurm_state = slurm_job_state(s.lock->slurm_job_id);
    if (!s.slurm_state.empty() && !slurm_job_active(s.slurm_state)) s.live = Liveness::Gone;
  }
  const bool written = fs::exists(s.study_file) && mtime(s.study_file) + 1 >= last_record;
  if (s.lock && s.live != Liveness::Gone) {
    s.state = StudyStatus::State::Running;
  } else if (written && ((s.plan && s.plan->optimized) || s.done >= s.planned)) {
    s.state = StudyStatus::State::Finished;
  } else {
    s.state = StudyStatus::State::Stopped;
  }

  // The rate of the latest run: its results over its time so far (to its last result when it
  // is no longer running).
  if (started > 0 && s.done_this_run > 0) {
    const double end = s.state == StudyStatus::State::Running ? now : last_record;
    if (end > started)
      s.rate_per_hour = 3600.0 * static_cast<double>(s.done_this_run) / (end - started);
  }
  const std::size_t left = s.planned > s.done ? s.planned - s.done : 0;
  if (s.rate_per_hour > 0 && s.state == StudyStatus::State::Running)
    s.seconds_left = 3600.0 * static_cast<double>(left) / s.rate_per_hour;
  return s;
}

}  // namespace hsicho::study
