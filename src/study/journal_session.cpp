#include "journal_session.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/io/journal_folder.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/study/journal_lock.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

namespace {

// "" when the lock is stale or absent; else who holds it. A lock is stale when its process is
// gone from this host, when it is this very Slurm job's (a requeued job keeps its id), or when
// Slurm says its job ended.
std::string live_holder(const fs::path& path) {
  const auto lock = read_lock(path.string());
  if (!lock) return "";
  const char* ours = std::getenv("SLURM_JOB_ID");
  if (!lock->slurm_job_id.empty() && ours && lock->slurm_job_id == ours) return "";
  if (liveness(*lock) == Liveness::Gone) return "";
  // On another host the process cannot be checked, but its Slurm job can: an ended job (its
  // node crashed, its ranks killed) holds nothing.
  if (!lock->slurm_job_id.empty()) {
    const auto state = slurm_job_state(lock->slurm_job_id);
    if (!state.empty() && !slurm_job_active(state)) return "";
  }
  return describe(*lock);
}

}  // namespace

io::NamedValues named_values(const space::Space& space, const space::Config& config) {
  io::NamedValues values;
  for (std::size_t k = 0; k < config.size(); ++k)
    values.emplace_back(space[k].name, config[k]);
  return values;
}

JournalSession::~JournalSession() {
  if (owns_lock_) {
    std::error_code ec;
    fs::remove(fs::path(dir_) / "lock", ec);
  }
}

void JournalSession::absorb(const io::JournalContents& journals) {
  results_.clear();
  earlier_.clear();
  const auto latest = io::latest_records(journals);
  for (const auto& [id, rec] : latest)
    results_.emplace(id, *rec);
  for (const auto& r : journals.records) {
    if (latest.at(r.config) != &r) earlier_[r.config].push_back(r.result);
  }
}

void JournalSession::forget_empty(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    const bool ours = name == "plan.json" || name == "data-sources.json" ||
                      name == "class-names.json" || name == "lock" ||
                      (name.rfind("rank-", 0) == 0 && e.path().extension() == ".jnl");
    if (ours) fs::remove(e.path(), ec);
  }
  fs::remove(dir, ec);  // only if nothing else is in it
  if (observer_)
    observer_->note("the journal folder " + dir +
                    " held no finished training (an earlier run ended before its "
                    "first one): starting the study anew");
}

void JournalSession::lock(const std::string& dir, bool resume,
                          const std::function<void()>& settle) {
  dir_ = dir;
  // Rank 0 decides (one file system check, one lock) and the ranks agree on the outcome.
  std::string problem;
  if (rank_ == 0) {
    try {
      lock_on_rank_0(dir, resume, settle, problem);
    } catch (const InputError& e) {
      problem = e.what();  // a damaged lock or journal: said by every rank, not one
    }
  }
  if (parallel::any_rank(!problem.empty()))
    throw InputError(problem.empty() ? "rank 0 could not open the journal (above)" : problem);
  parallel::barrier();
}

void JournalSession::lock_on_rank_0(const std::string& dir, bool resume,
                                    const std::function<void()>& settle, std::string& problem) {
  {
    const fs::path lock = fs::path(dir) / "lock";
    const auto holder = live_holder(lock);
    if (fs::exists(dir) && holder.empty() && io::read_journals(dir, "").records.empty()) {
      // An earlier run that trained nothing (a typo in the deck, data not found) binds nothing:
      // its plan and empty journals go, and this run starts the study, resumed or not.
      forget_empty(dir);
    }
    if (fs::exists(dir) && !holder.empty()) {
      problem = "'" + dir + "' is being written by a live run (" + holder +
                "): two runs would train the same configurations twice. Wait for it or stop "
                "it; if it is gone (another node crashed), remove " +
                lock.string() + " and resume";
    } else if (fs::exists(dir) && !resume) {
      problem = "'" + dir +
                "' holds the journal of an earlier run: continue it with --resume, or remove it "
                "to start over";
    } else {
      fs::create_directories(dir);
      try {
        io::write_lock_file(lock.string(), this_process_lock());
        owns_lock_ = true;
      } catch (const RuntimeError& e) {
        problem = std::string("cannot write the lock: ") + e.what();
      }
    }
    if (problem.empty()) settle();
  }
}

void JournalSession::open(const std::string& fingerprint, bool resume) {
  fingerprint_ = fingerprint;
  if (resume) {
    const auto old = io::read_journals(dir_, fingerprint);
    absorb(old);
    if (observer_) observer_->resuming(results_.size(), old.files.size(), old.dropped);
  }
  parallel::barrier();
  writer_ = std::make_unique<io::JournalWriter>(dir_, rank_, fingerprint);
}

void JournalSession::reread() {
  absorb(io::read_journals(dir_, fingerprint_));
}

// A result found in the journal belongs to configuration `id` only if it was trained with the
// values the design now gives that id: checked by name, so that a design that changed under the
// study (the space's lines reordered, another hsicho) is refused instead of silently joining
// errors to other values. Every rank reads the same journals and design: all throw alike.
void JournalSession::check_values(const std::vector<std::size_t>& ids,
                                  const std::vector<space::Config>& configs,
                                  const space::Space& space) const {
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto it = results_.find(ids[k]);
    if (it == results_.end() || it->second.values.empty()) continue;  // older journals: no values
    const auto now = named_values(space, configs[k]);
    const auto& then = it->second.values;
    std::vector<std::string> diffs;
    for (const auto& [name, value] : now) {
      const auto old =
          std::find_if(then.begin(), then.end(), [&](const auto& nv) { return nv.first == name; });
      const std::string was = old == then.end() ? "(absent)"
                              : old->second     ? space::to_text(*old->second)
                                                : "(inactive)";
      const std::string is = value ? space::to_text(*value) : "(inactive)";
      const bool same = old != then.end() && old->second.has_value() == value.has_value() &&
                        (!value || (old->second->index() == value->index() &&
                                    space::same_value(*old->second, *value)));
      if (!same) diffs.push_back(name + " " + was + " -> " + is);
    }
    for (const auto& [name, value] : then) {
      if (std::none_of(now.begin(), now.end(), [&](const auto& nv) { return nv.first == name; }))
        diffs.push_back(name + " " + (value ? space::to_text(*value) : "(inactive)") +
                        " -> (absent)");
    }
    if (diffs.empty()) continue;
    std::string list;
    for (const auto& d : diffs)
      list += (list.empty() ? "" : ", ") + d;
    throw InputError(fmt::format(
        "configuration {} was trained with other values than the deck's design now gives it "
        "({}): its result would be joined to values it was not trained with. The design changed "
        "since the study started (another hsicho version, or a deck edited in what the plan "
        "does not record); restore the deck and the version that started it, or start a new "
        "study (another --out)",
        ids[k], list));
  }
}

}  // namespace hsicho::study
