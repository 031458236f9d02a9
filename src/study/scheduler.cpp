#include "scheduler.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/external/work_folder.hpp"
#include "hsicho/io/journal_folder.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/study/journal_lock.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop_signal(int sig) {
  stop_requested = 1;
  if (sig == SIGINT) {
    // Ctrl-C at a terminal: say what happens (write() is safe here), and let a second one quit.
    const char msg[] =
        "\nhsicho: stopping after the trainings in progress (Ctrl-C again to quit at once)\n";
    [[maybe_unused]] const auto n = ::write(2, msg, sizeof msg - 1);
    std::signal(SIGINT, SIG_DFL);
  }
}

// "" when the lock is stale or absent; else who holds it. A lock is stale when its process is
// gone from this host, or when it is this very Slurm job's (a requeued job keeps its id).
std::string live_holder(const fs::path& path) {
  const auto lock = read_lock(path.string());
  if (!lock) return "";
  const char* ours = std::getenv("SLURM_JOB_ID");
  if (!lock->slurm_job_id.empty() && ours && lock->slurm_job_id == ours) return "";
  if (liveness(*lock) == Liveness::Gone) return "";
  return describe(*lock);
}

// What identifies a data set: configurations that agree on it share one copy in memory.
std::string data_key(const train::DataSpec& d) {
  std::ostringstream s;
  s << d.name << '|' << d.path << '|' << d.dim << '|' << d.train << '|' << d.validation << '|'
    << d.test << '|' << d.noise << '|' << d.species << '|' << d.t_max << '|' << d.log_outputs << '|'
    << d.standardize << '|' << d.task << '|' << d.classes << '|' << d.split_validation << '|'
    << d.split_test << '|' << d.split_seed << '|' << d.scale << '|' << train::name(d.metric);
  for (const auto& v : d.x)
    s << "|x:" << v;
  for (const auto& v : d.y)
    s << "|y:" << v;
  for (double v : d.decay)
    s << ',' << v;
  for (double v : d.initial)
    s << ';' << v;
  return s.str();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void install_stop_handlers() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}

Scheduler::Scheduler(const space::Deck& deck, int rank, int ranks, RunObserver* observer)
    : deck_(deck), rank_(rank), ranks_(ranks), observer_(observer), host_(parallel::this_host()) {
  if (deck.external) command_ = external::read_command(deck);
  retries_ = read_retries(deck);
  pruning_ = read_pruning(deck);
}

void Scheduler::place_work_folders(const std::string& study_file) {
  if (!command_) return;
  if (command_->default_workdir) command_->work_base = study_file + ".runs";
  external::claim_work_root(*command_, study_file);
}

void Scheduler::absorb(const io::JournalContents& journals) {
  results_.clear();
  earlier_.clear();
  const auto latest = io::latest_records(journals);
  for (const auto& [id, rec] : latest)
    results_.emplace(id, *rec);
  for (const auto& r : journals.records) {
    if (latest.at(r.config) != &r) earlier_[r.config].push_back(r.result);
  }
}

namespace {
// A built-in training that a rung stopped (`why` says so; empty: it was not stopped).
void stopped_at_rung(Record& r, const std::string& why) {
  if (why.empty()) return;
  r.status = Outcome::Stopped;
  r.cause = "rung";
  r.message = why;
}
}  // namespace

train::AfterEpoch Scheduler::at_rung(const Batch& batch, std::size_t pos, int attempt, int epoch,
                                     double error, std::string* why) {
  const int epochs =
      batch.specs.empty() ? std::numeric_limits<int>::max() : batch.specs[pos].optim.epochs;
  const auto rungs = rungs_for(pruning_, epochs);
  const auto at = std::find(rungs.begin(), rungs.end(), epoch);
  if (at == rungs.end()) return train::AfterEpoch::Continue;
  const auto rung = static_cast<std::size_t>(at - rungs.begin());
  const std::size_t id = batch.ids[pos];
  rung_log_->append({id, attempt, epoch, error});
  // The trainings it is compared with: ordered, those before it in the batch's order (every one
  // handed out already: each reports this rung or ends); async, whatever reached it so far.
  std::vector<double> others;
  long nap = 500000;  // waits that grow from 0.5 ms to 20 ms: a short wait costs little
  for (;;) {
    board_->refresh();
    others.clear();
    bool complete = true;
    for (std::size_t k = 0; k < order_.size(); ++k) {
      const std::size_t j = order_[k];
      if (j == pos) {
        if (pruning_.ordered) break;
        continue;
      }
      const auto e = board_->error_at(batch.ids[j], epoch);
      if (e) {
        others.push_back(*e);
      } else if (pruning_.ordered) {
        complete = false;
        break;
      }
    }
    if (complete) break;
    if (stop_requested) return train::AfterEpoch::Interrupt;
    struct timespec ts {
      0, nap
    };
    nanosleep(&ts, nullptr);
    nap = std::min(nap * 2, 20000000L);
  }
  double threshold = NAN;
  if (goes_on(error, others, batch.alpha, pruning_, rung, &threshold))
    return train::AfterEpoch::Continue;
  const double keep = keep_at(pruning_, rung);
  *why = fmt::format(
      "stopped early after epoch {}: validation error {:.4g} above {:.4g}, the best {:.0f}% of "
      "the {} trainings compared at that rung (keep {} x alpha {})",
      epoch, error, threshold, 100 * std::min(1.0, keep * batch.alpha), others.size(), keep,
      batch.alpha);
  return train::AfterEpoch::StopEarly;
}

std::optional<Record> Scheduler::evaluate(const Batch& batch, std::size_t pos, int local_rank) {
  const int attempt = attempt_.empty() ? 1 : attempt_[pos];
  std::string why;  // why it stopped early, when it did
  if (!command_) {
    const auto& spec = batch.specs[pos];
    try {
      train::Hooks hooks;
      hooks.interrupted = [] { return stop_requested != 0; };  // a stop: within a batch
      if (batch.prune && pruning_.enabled) {
        hooks.after_epoch = [&](int epoch, double error) {
          return at_rung(batch, pos, attempt, epoch, error, &why);
        };
      }
      auto r = train::train_one(spec, data_for(spec.data), local_rank, hooks);
      if (r) r->planned_epochs = spec.optim.epochs;
      if (r) stopped_at_rung(*r, why);
      return r;
    } catch (const InputError& e) {
      // Found by one rank in the middle of the study: not a deck error the others share.
      throw RuntimeError(e.what());
    }
  }
  external::Job job;
  job.id = batch.ids[pos];
  job.stage = batch.stage;
  job.seed = batch.specs.empty() ? 0 : batch.specs[pos].seed;
  job.epochs_factor = batch.epochs_factor;
  job.local_rank = local_rank;
  const auto& config = batch.configs[pos];
  for (std::size_t k = 0; k < config.size(); ++k) {
    if (config[k]) job.params.emplace_back(deck_.space[k].name, *config[k]);
  }
  external::Progress progress;
  if (batch.prune && pruning_.enabled) {
    progress.grace = pruning_.grace;
    progress.at_epoch = [&](int epoch, double error) {
      const auto next = at_rung(batch, pos, attempt, epoch, error, &why);
      return next == train::AfterEpoch::StopEarly;
    };
  }
  auto r = external::run(
      *command_, job, [] { return stop_requested != 0; }, progress);
  if (r && r->status == Outcome::Stopped) r->message = why;
  return r;
}

Scheduler::~Scheduler() {
  if (owns_lock_) {
    std::error_code ec;
    fs::remove(fs::path(journal_dir_) / "lock", ec);
  }
}

void Scheduler::forget_empty_journal(const std::string& dir) {
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

void Scheduler::lock_journal(const std::string& dir, bool resume,
                             const std::function<void()>& settle) {
  journal_dir_ = dir;
  // Rank 0 decides (one file system check, one lock) and the ranks agree on the outcome.
  std::string problem;
  if (rank_ == 0) {
    const fs::path lock = fs::path(dir) / "lock";
    const auto holder = live_holder(lock);
    if (fs::exists(dir) && holder.empty() && io::read_journals(dir, "").records.empty()) {
      // An earlier run that trained nothing (a typo in the deck, data not found) binds nothing:
      // its plan and empty journals go, and this run starts the study, resumed or not.
      forget_empty_journal(dir);
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
    if (problem.empty()) {
      try {
        settle();
      } catch (const InputError& e) {
        problem = e.what();
      }
    }
  }
  if (parallel::any_rank(!problem.empty()))
    throw InputError(problem.empty() ? "rank 0 could not open the journal (above)" : problem);
  parallel::barrier();
}

void Scheduler::open_journal(const std::string& fingerprint, bool resume) {
  fingerprint_ = fingerprint;
  if (resume) {
    const auto old = io::read_journals(journal_dir_, fingerprint);
    absorb(old);
    if (observer_) observer_->resuming(results_.size(), old.files.size(), old.dropped);
  }
  parallel::barrier();
  journal_ = std::make_unique<io::JournalWriter>(journal_dir_, rank_, fingerprint);
}

const train::DataSet& Scheduler::data_for(const train::DataSpec& d) {
  const auto key = data_key(d);
  auto it = data_cache_.find(key);
  if (it == data_cache_.end()) it = data_cache_.emplace(key, train::load_deck_data(deck_, d)).first;
  return it->second;
}

std::vector<io::FileStamp> Scheduler::data_sources() const {
  std::vector<io::FileStamp> out;
  for (const auto& [key, data] : data_cache_) {
    for (const auto& f : data.sources) {
      if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.path == f.path; }))
        out.push_back(f);
    }
  }
  return out;
}

std::vector<std::string> Scheduler::class_names() const {
  for (const auto& [key, data] : data_cache_) {
    if (!data.class_names.empty()) return data.class_names;
  }
  return {};
}

// A resumed study trains on the bytes it started with: the first run records each data file's
// size and checksum in the journal folder, a resume compares (a new modification time with the
// same bytes, as after a copy, is fine).
void Scheduler::check_sources(const std::vector<io::FileStamp>& sources) const {
  if (sources.empty()) return;
  auto recorded = io::read_source_stamps(journal_dir_);
  bool added = false;
  for (const auto& f : sources) {
    const auto it = std::find_if(recorded.begin(), recorded.end(),
                                 [&](const auto& r) { return r.path == f.path; });
    if (it == recorded.end()) {
      recorded.push_back(f);
      added = true;
      continue;
    }
    if (it->bytes != f.bytes || it->crc32 != f.crc32) {
      throw InputError("data file '" + f.path + "' changed since this study started (" +
                       std::to_string(it->bytes) + " bytes, CRC-32 " +
                       fmt::format("{:08x}", it->crc32) + "; now " + std::to_string(f.bytes) +
                       " bytes, CRC-32 " + fmt::format("{:08x}", f.crc32) +
                       "): the finished trainings used the old data. Restore it, or start a new "
                       "study (another --out)");
    }
  }
  if (added) io::write_source_stamps(journal_dir_, recorded);
}

// Every rank reads the data and checks the devices before any training, also a rank that will
// get no work: a missing file or a cuda without a GPU stops all ranks alike, at once. The ranks
// agree on the outcome, so that a rank whose node differs (a GPU missing, a file absent from a
// local disk) does not leave the others waiting for it.
void Scheduler::check_ready(const std::vector<std::size_t>& todo,
                            const std::vector<train::TrainSpec>& specs, int local_rank) {
  std::string problem;
  try {
    // Every configuration's data, also of those already done: a resumed study checks that its
    // files did not change and records them again in the study file.
    std::set<const train::DataSet*> checked;  // the sources file is read once per data set
    for (const auto& spec : specs) {
      const auto& data = data_for(spec.data);
      train::check_fits(deck_, spec, data);
      if (rank_ == 0 && checked.insert(&data).second) check_sources(data.sources);
      // The study file records one numbering of the classes: data sets of one study that name
      // other classes would make it wrong for some of its trainings.
      if (!data.class_names.empty() && data.class_names != class_names()) {
        throw InputError(
            "the configurations' data sets name different classes (the space sets a data key "
            "that changes the labels): one study numbers its classes once; keep the data "
            "files' labels the same, or run one study per data set");
      }
    }
    if (rank_ == 0 && !class_names().empty() && io::read_class_names(journal_dir_) != class_names())
      io::write_class_names(journal_dir_, class_names());  // once, not at every batch
    for (auto k : todo)
      train::choose_device(specs[k].optim.device, local_rank);
  } catch (const InputError& e) {
    problem = e.what();
  }
  if (parallel::any_rank(!problem.empty())) {
    // Every rank's own words, in one error that every rank throws: rank 0, which reports it,
    // may not have seen the problem itself (a file missing from another node's disk).
    const auto all = parallel::gather_text(problem);
    std::vector<std::string> seen;
    std::string text;
    for (std::size_t r = 0; r < all.size(); ++r) {
      if (all[r].empty()) continue;
      if (std::find(seen.begin(), seen.end(), all[r]) != seen.end()) continue;  // said once
      seen.push_back(all[r]);
      text += (text.empty() ? "" : "\n") + (r == 0 ? "" : "on rank " + std::to_string(r) + ": ") +
              all[r];
    }
    throw InputError(text);
  }
}

// Expected cost (parameters x epochs), longest first: the last trainings handed out are short.
void Scheduler::order_longest_first(std::vector<train::Group>& units,
                                    const std::vector<train::TrainSpec>& specs) {
  std::vector<double> cost(specs.size(), 0);
  for (std::size_t k = 0; k < specs.size(); ++k) {
    try {
      cost[k] =
          static_cast<double>(train::count_parameters(specs[k].model, data_for(specs[k].data))) *
          specs[k].optim.epochs;
    } catch (const std::exception&) {
      // A network that cannot be built (too large for memory, pooled below one pixel): its
      // training fails at once and is recorded with the reason, like any other failure.
      cost[k] = 0;
    }
  }
  // A group costs what its members cost (fused, less; the order is what matters).
  auto unit_cost = [&](const train::Group& u) {
    double c = 0;
    for (auto k : u.members)
      c += cost[k];
    return c;
  };
  std::stable_sort(units.begin(), units.end(),
                   [&](const auto& a, const auto& b) { return unit_cost(a) > unit_cost(b); });
}

std::vector<train::Group> Scheduler::work_units(const Batch& batch) {
  std::vector<train::Group> units;
  const std::size_t n = batch.ids.size();
  const auto fuse = static_cast<std::size_t>(std::max(deck_.study.fuse, 1));
  if (command_ || fuse <= 1 || batch.specs.size() != n) {
    for (std::size_t k = 0; k < n; ++k)
      units.push_back({{k}, {}});
    return units;
  }
  // Fusable trainings by key (data set and what a group shares), in design order.
  std::map<std::string, std::vector<std::size_t>> by_key;
  std::vector<std::string> keys;
  for (std::size_t k = 0; k < n; ++k) {
    const auto& spec = batch.specs[k];
    if (!train::fusable(spec)) {
      units.push_back({{k}, {}});
      continue;
    }
    const auto key = data_key(spec.data) + "|" + train::fuse_key(spec);
    if (!by_key.count(key)) keys.push_back(key);
    by_key[key].push_back(k);
  }
  for (const auto& key : keys) {
    const auto& members = by_key[key];
    // The data's shape prices the first and last layers; a data set that cannot be read is
    // reported by check_ready on every rank alike (the groups then matter no more).
    long inputs = 1, outputs = 1;
    try {
      const auto& data = data_for(batch.specs[members.front()].data);
      for (int v : data.input_shape)
        inputs *= v;
      outputs = data.outputs;
    } catch (const std::exception&) {
    }
    for (auto& g : train::form_groups(batch.specs, members, fuse, inputs, outputs)) {
      if (g.members.size() == 1) g.widths.clear();  // alone: the plain trainer
      units.push_back(std::move(g));
    }
  }
  // Design order of their first members: the order of `index` scheduling.
  std::stable_sort(units.begin(), units.end(), [](const auto& a, const auto& b) {
    return a.members.front() < b.members.front();
  });
  return units;
}

bool Scheduler::train_group(const Batch& batch, const train::Group& unit, int local_rank,
                            const std::function<void(std::size_t, Record)>& record) {
  std::map<std::size_t, std::string> why;  // why each member stopped early, when it did
  train::GroupHooks hooks;
  hooks.interrupted = [] { return stop_requested != 0; };
  if (batch.prune && pruning_.enabled) {
    hooks.after_epoch = [&](std::size_t pos, int epoch, double error) {
      const int attempt = attempt_.empty() ? 1 : attempt_[pos];
      return at_rung(batch, pos, attempt, epoch, error, &why[pos]);
    };
  }
  hooks.finished = [&](std::size_t pos, Record r) {
    stopped_at_rung(r, why[pos]);
    record(pos, std::move(r));
  };
  try {
    return train::train_group(batch.specs, unit, data_for(batch.specs[unit.members.front()].data),
                              local_rank, hooks);
  } catch (const InputError& e) {
    throw RuntimeError(e.what());  // found by one rank in the middle of the study
  }
}

io::NamedValues Scheduler::named_values(const space::Config& config) const {
  io::NamedValues values;
  for (std::size_t k = 0; k < config.size(); ++k)
    values.emplace_back(deck_.space[k].name, config[k]);
  return values;
}

// A result found in the journal belongs to configuration `id` only if it was trained with the
// values the design now gives that id: checked by name, so that a design that changed under the
// study (the space's lines reordered, another hsicho) is refused instead of silently joining
// errors to other values. Every rank reads the same journals and design: all throw alike.
void Scheduler::check_journaled_values(const Batch& batch) const {
  for (std::size_t k = 0; k < batch.ids.size(); ++k) {
    const auto it = results_.find(batch.ids[k]);
    if (it == results_.end() || it->second.values.empty()) continue;  // older journals: no values
    const auto now = named_values(batch.configs[k]);
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
        batch.ids[k], list));
  }
}

bool Scheduler::train_all(const Batch& batch) {
  const auto& ids = batch.ids;
  check_journaled_values(batch);
  const int local_rank = parallel::local_rank_from_environment();
  // The units of work: one training, or a fused group (formed from the whole batch, so that a
  // resumed or differently ranked study forms the same groups). The order in which they are
  // handed out: the design's, or the longest first. Early stopping in ordered mode compares each
  // training with those before it in this order (a group's members in a row).
  auto units = work_units(batch);
  if (!command_ && deck_.study.dynamic && deck_.study.longest_first)
    order_longest_first(units, batch.specs);
  order_.clear();
  for (const auto& u : units)
    order_.insert(order_.end(), u.members.begin(), u.members.end());
  place_.assign(ids.size(), 0);
  for (std::size_t k = 0; k < order_.size(); ++k)
    place_[order_[k]] = k;
  std::vector<std::size_t> todo;  // positions in ids
  std::vector<int> attempt(ids.size(), 1);
  std::size_t retried = 0;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto it = results_.find(ids[k]);
    if (it == results_.end()) {
      todo.push_back(k);
    } else if (it->second.result.status == Outcome::Failed &&
               it->second.result.attempt <= retries_) {
      // A failed training (not a diverged one: that is a result of its values) is trained
      // again while it has had at most training.retries retries: counted in the journal, so a
      // requeued job does not retry it again.
      attempt[k] = it->second.result.attempt + 1;
      todo.push_back(k);
      ++retried;
    }
  }
  if (observer_ && retried > 0) {
    observer_->note(std::to_string(retried) + " failed training" + (retried == 1 ? "" : "s") +
                    " trained again (training.retries: " + std::to_string(retries_) +
                    "; the earlier attempts stay in the journal and the study file)");
  }
  std::sort(todo.begin(), todo.end(), [&](auto a, auto b) { return place_[a] < place_[b]; });
  {
    // Only what is left to train; a group keeps the widths of the whole group.
    std::vector<bool> left(ids.size(), false);
    for (auto k : todo)
      left[k] = true;
    std::vector<train::Group> kept;
    for (auto& u : units) {
      std::vector<std::size_t> members;
      for (auto k : u.members) {
        if (left[k]) members.push_back(k);
      }
      if (members.empty()) continue;
      u.members = members;
      kept.push_back(std::move(u));
    }
    units = std::move(kept);
  }
  attempt_ = attempt;
  if (!command_) check_ready(todo, batch.specs, local_rank);
  if (batch.prune && pruning_.enabled && !board_) {
    board_ = std::make_unique<io::RungBoard>(journal_dir_);
    rung_log_ = std::make_unique<io::RungLogWriter>(journal_dir_, rank_);
  }
  const std::size_t already = ids.size() - todo.size();
  // What earlier runs left of this batch: the progress line speaks of the batch as a whole.
  std::int64_t failed_before = 0;
  double best_before = INFINITY;
  std::vector<bool> training(ids.size(), false);
  for (auto k : todo)
    training[k] = true;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto it = results_.find(ids[k]);
    if (it == results_.end() || training[k]) continue;  // a retried one counts once it ends
    failed_before += it->second.result.failed();
    if (it->second.result.ok()) best_before = std::min(best_before, it->second.result.val_error);
  }
  if (observer_)
    observer_->training_started(ids.size(), todo.size(), ranks_, deck_.study.dynamic, journal_dir_);
  if (observer_) {
    // Fused groups end their members together: the progress comes in bursts, said once here.
    std::size_t grouped = 0, groups = 0;
    for (const auto& u : units) {
      if (u.widths.empty()) continue;
      grouped += u.members.size();
      ++groups;
    }
    if (groups > 0) {
      observer_->note(fmt::format(
          "{} of the {} trainings run fused in {} groups (study.fuse: {}; 1 trains one at a time)",
          grouped, todo.size(), groups, deck_.study.fuse));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  double last_report = -1e300;
  {
    parallel::WorkQueue queue(units.size(), deck_.study.dynamic);
    std::int64_t last_reported = -1;  // the count of the last line printed
    auto report = [&](bool force) {
      const double t = seconds_since(t0);
      if (!force && deck_.study.progress_seconds > 0 &&
          t - last_report < deck_.study.progress_seconds)
        return;
      const auto p = queue.read();
      if (p.done == last_reported) return;  // the final line once, not twice
      last_report = t;
      last_reported = p.done;
      const double per = p.done > 0 ? t / static_cast<double>(p.done) : NAN;
      Progress out;
      out.done = already + static_cast<std::size_t>(p.done);
      out.total = ids.size();
      out.failed = failed_before + p.failed;
      out.best = std::min(best_before, p.best);
      out.done_run = static_cast<std::size_t>(p.done);
      out.failed_run = p.failed;
      out.elapsed = t;
      out.left = per * static_cast<double>(todo.size() - static_cast<std::size_t>(p.done));
      observer_->progress(out);
    };
    // Each result on disk before the next training (or the next member of a group) goes on.
    auto record = [&](std::size_t pos, Record r) {
      r.rank = rank_;
      r.host = host_;
      r.attempt = attempt[pos];
      io::JournalRecord rec{ids[pos], named_values(batch.configs[pos]), std::nullopt, r,
                            io::journal_time_now()};
      if (!batch.retrains.empty()) rec.retrains = batch.retrains[pos];
      journal_->append(rec);
      queue.record(r.failed(), r.ok() ? r.val_error : INFINITY);
      if (observer_) report(false);
    };
    while (!stop_requested) {
      const auto k = queue.next();
      if (!k) break;
      const auto& unit = units[*k];
      if (!unit.widths.empty()) {
        if (!train_group(batch, unit, local_rank, record)) break;  // stopped: again on --resume
        continue;
      }
      auto result = evaluate(batch, unit.members.front(), local_rank);
      if (!result) break;  // stopped: it runs again on --resume
      record(unit.members.front(), std::move(*result));
    }
    queue.finish();
    if (observer_) {
      std::int64_t last_done = -1;
      for (;;) {
        const auto p = queue.read();
        if (p.finished_ranks >= ranks_) break;
        if (p.done != last_done) report(false), last_done = p.done;
        struct timespec ts {
          0, 200000000
        };
        nanosleep(&ts, nullptr);
      }
      report(true);
    }
  }
  if (parallel::any_rank(stop_requested != 0)) {
    // Every rank has stopped writing: count what all of them finished, for the stop message.
    parallel::barrier();
    absorb(io::read_journals(journal_dir_, fingerprint_));
    return false;
  }
  parallel::barrier();
  absorb(io::read_journals(journal_dir_, fingerprint_));
  for (auto id : ids) {
    if (!results_.count(id))
      throw RuntimeError("configuration " + std::to_string(id) + " has no result in " +
                         journal_dir_);
  }
  return true;
}

}  // namespace hsicho::study
