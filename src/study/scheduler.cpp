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

bool stop_was_requested() {
  return stop_requested != 0;
}

void install_stop_handlers() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}

Scheduler::Scheduler(const space::Deck& deck, int rank, int ranks, RunObserver* observer)
    : deck_(deck),
      rank_(rank),
      ranks_(ranks),
      observer_(observer),
      host_(parallel::this_host()),
      journal_(rank, observer) {
  if (deck.external) command_ = external::read_command(deck);
  retries_ = read_retries(deck);
  pruning_ = read_pruning(deck);
}

void Scheduler::lock_journal(const std::string& dir, bool resume,
                             const std::function<void()>& settle) {
  journal_.lock(dir, resume, settle);
}

void Scheduler::open_journal(const std::string& fingerprint, bool resume) {
  journal_.open(fingerprint, resume);
}

void Scheduler::place_work_folders(const std::string& study_file) {
  if (!command_) return;
  if (command_->default_workdir) command_->work_base = study_file + ".runs";
  external::claim_work_root(*command_, study_file);
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

external::Job Scheduler::command_job(const Batch& batch, std::size_t pos, int local_rank) const {
  external::Job job;
  job.id = batch.ids[pos];
  // The stage as the study file, report and export number it: 0 for design.add's own
  // configurations, 1..K for the stages, K + 1 for the optimizer's final retraining.
  job.stage = batch.ids[pos] >= kAddedFirstId ? 0 : batch.stage + 1;
  job.seed = batch.specs.empty() ? 0 : batch.specs[pos].seed;
  job.epochs_factor = batch.epochs_factor;
  job.local_rank = local_rank;
  const auto& config = batch.configs[pos];
  for (std::size_t k = 0; k < config.size(); ++k) {
    if (config[k]) job.params.emplace_back(deck_.space[k].name, *config[k]);
  }
  return job;
}

std::optional<Record> Scheduler::run_command(const external::Job& job,
                                             const std::function<bool()>& stop,
                                             const external::Progress& progress) {
  if (command_->persistent && !worker_)
    worker_ = std::make_unique<external::Worker>(*command_, job.local_rank);
  return worker_ ? worker_->run(job, stop, progress)
                 : external::run(*command_, job, stop, progress);
}

bool Scheduler::retried(const Record& r) const {
  return r.status == Outcome::Failed && (retrain_failed_ || r.attempt <= retries_);
}

void Scheduler::note_retried(std::size_t n) const {
  if (!observer_ || n == 0) return;
  observer_->note(std::to_string(n) + " failed training" + (n == 1 ? "" : "s") +
                  " trained again (" +
                  (retrain_failed_ ? std::string("the command changed and none had a result")
                                   : "training.retries: " + std::to_string(retries_)) +
                  "; the earlier attempts stay in the journal and the study file)");
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
          return rungs_->at_epoch(pos, attempt, spec.optim.epochs, epoch, error, &why);
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
  const external::Job job = command_job(batch, pos, local_rank);
  external::Progress progress;
  if (batch.prune && pruning_.enabled) {
    progress.grace = pruning_.grace;
    progress.at_epoch = [&](int epoch, double error) {
      // A command's epochs are its own: every rung counts.
      const auto next =
          rungs_->at_epoch(pos, attempt, std::numeric_limits<int>::max(), epoch, error, &why);
      return next == train::AfterEpoch::StopEarly;
    };
  }
  auto r = run_command(
      job, [] { return stop_requested != 0; }, progress);
  if (r && r->status == Outcome::Stopped) r->message = why;
  return r;
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
  auto recorded = io::read_source_stamps(journal_.dir());
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
  if (added) io::write_source_stamps(journal_.dir(), recorded);
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
    if (rank_ == 0 && !class_names().empty() &&
        io::read_class_names(journal_.dir()) != class_names())
      io::write_class_names(journal_.dir(), class_names());  // once, not at every batch
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
  std::vector<double> unit_cost;
  for (const auto& u : units) {
    double c = 0;
    for (auto k : u.members)
      c += cost[k];
    unit_cost.push_back(c);
  }
  by_cost_descending(units, unit_cost);
}

void by_cost_descending(std::vector<train::Group>& units, const std::vector<double>& cost) {
  std::vector<std::size_t> order(units.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return cost[a] > cost[b]; });
  std::vector<train::Group> sorted;
  for (auto k : order)
    sorted.push_back(std::move(units[k]));
  units = std::move(sorted);
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
      inputs = train::input_features(data);
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
      return rungs_->at_epoch(pos, attempt, batch.specs[pos].optim.epochs, epoch, error, &why[pos]);
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

Scheduler::Plan Scheduler::plan_batch(const Batch& batch) {
  const auto& ids = batch.ids;
  Plan p;
  // The units of work: one training, or a fused group (formed from the whole batch, so that a
  // resumed or differently ranked study forms the same groups). The order in which they are
  // handed out: the design's, or the longest first. Early stopping in ordered mode compares each
  // training with those before it in this order (a group's members in a row).
  p.units = work_units(batch);
  if (!command_ && deck_.study.dynamic && deck_.study.longest_first)
    order_longest_first(p.units, batch.specs);
  order_.clear();
  for (const auto& u : p.units)
    order_.insert(order_.end(), u.members.begin(), u.members.end());
  std::vector<std::size_t> place(ids.size(), 0);
  for (std::size_t k = 0; k < order_.size(); ++k)
    place[order_[k]] = k;
  p.attempt.assign(ids.size(), 1);
  std::size_t again = 0;
  const auto& results = journal_.results();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const auto it = results.find(ids[k]);
    if (it == results.end()) {
      p.todo.push_back(k);
    } else if (retried(it->second.result)) {
      // A failed training (not a diverged one: that is a result of its values) is trained
      // again while it has had at most training.retries retries: counted in the journal, so a
      // requeued job does not retry it again.
      p.attempt[k] = it->second.result.attempt + 1;
      p.todo.push_back(k);
      ++again;
    } else {
      // What earlier runs left of this batch: the progress line speaks of the batch as a whole.
      ++p.already;
      p.failed_before += it->second.result.failed();
      if (it->second.result.ok())
        p.best_before = std::min(p.best_before, it->second.result.val_error);
    }
  }
  note_retried(again);
  std::sort(p.todo.begin(), p.todo.end(), [&](auto a, auto b) { return place[a] < place[b]; });
  // Only what is left to train; a group keeps the widths of the whole group.
  std::vector<bool> left(ids.size(), false);
  for (auto k : p.todo)
    left[k] = true;
  std::vector<train::Group> kept;
  for (auto& u : p.units) {
    std::vector<std::size_t> members;
    for (auto k : u.members) {
      if (left[k]) members.push_back(k);
    }
    if (members.empty()) continue;
    u.members = members;
    kept.push_back(std::move(u));
  }
  p.units = std::move(kept);
  return p;
}

void Scheduler::announce(const Batch& batch, const Plan& p) const {
  if (!observer_) return;
  int threads = 0;  // the user's command: its own
  if (!deck_.external && !batch.specs.empty()) {
    const auto& first = batch.specs.front();
    // auto and MLPs: one each (threads_for_network; one of 2 M parameters or more: more)
    threads = first.optim.threads > 0 || first.model.type != train::ModelType::Mlp
                  ? train::threads_per_rank(first.optim.threads)
                  : 1;
  }
  observer_->training_started(batch.ids.size(), p.todo.size(), ranks_, deck_.study.dynamic,
                              journal_.dir(), threads);
  // Fused groups end their members together: the progress comes in bursts, said once here.
  std::size_t grouped = 0, groups = 0;
  for (const auto& u : p.units) {
    if (u.widths.empty()) continue;
    grouped += u.members.size();
    ++groups;
  }
  if (groups > 0) {
    observer_->note(fmt::format(
        "{} of the {} trainings run fused in {} groups (study.fuse: {}; 1 trains one at a time)",
        grouped, p.todo.size(), groups, deck_.study.fuse));
  }
}

void Scheduler::dispatch(const Batch& batch, const Plan& p, int local_rank) {
  const auto t0 = std::chrono::steady_clock::now();
  double last_report = -1e300;
  parallel::WorkQueue queue(p.units.size(), deck_.study.dynamic);
  std::int64_t last_reported = -1;  // the count of the last line printed
  auto report = [&](bool force) {
    const double t = seconds_since(t0);
    if (!force && deck_.study.progress_seconds > 0 &&
        t - last_report < deck_.study.progress_seconds)
      return;
    const auto q = queue.read();
    if (q.done == last_reported) return;  // the final line once, not twice
    last_report = t;
    last_reported = q.done;
    const double per = q.done > 0 ? t / static_cast<double>(q.done) : NAN;
    Progress out;
    out.done = p.already + static_cast<std::size_t>(q.done);
    out.total = batch.ids.size();
    out.failed = p.failed_before + q.failed;
    out.best = std::min(p.best_before, q.best);
    out.done_run = static_cast<std::size_t>(q.done);
    out.failed_run = q.failed;
    out.elapsed = t;
    out.left = per * static_cast<double>(p.todo.size() - static_cast<std::size_t>(q.done));
    out.stopping = stop_requested != 0;
    observer_->progress(out);
  };
  // Each result on disk before the next training (or the next member of a group) goes on.
  auto record = [&](std::size_t pos, Record r) {
    r.rank = rank_;
    r.host = host_;
    r.attempt = p.attempt[pos];
    io::JournalRecord rec{batch.ids[pos], named_values(deck_.space, batch.configs[pos]),
                          std::nullopt, r, io::journal_time_now()};
    if (!batch.retrains.empty()) rec.retrains = batch.retrains[pos];
    journal_.append(rec);
    queue.record(r.failed(), r.ok() ? r.val_error : INFINITY);
    if (observer_) report(false);
  };
  while (!stop_requested) {
    const auto k = queue.next();
    if (!k) break;
    const auto& unit = p.units[*k];
    if (!unit.widths.empty()) {
      if (!train_group(batch, unit, local_rank, record)) break;  // stopped: again on --resume
      continue;
    }
    auto result = evaluate(batch, unit.members.front(), local_rank);
    if (!result) break;  // stopped: it runs again on --resume
    record(unit.members.front(), std::move(*result));
  }
  queue.finish();
  if (!observer_) return;
  // Rank 0 reports the others' progress until every rank is done.
  std::int64_t last_done = -1;
  for (;;) {
    const auto q = queue.read();
    if (q.finished_ranks >= ranks_) break;
    if (q.done != last_done) report(false), last_done = q.done;
    struct timespec ts {
      0, 200000000
    };
    nanosleep(&ts, nullptr);
  }
  report(true);
}

void Scheduler::check_all_recorded(const Batch& batch) const {
  for (auto id : batch.ids) {
    if (!journal_.results().count(id))
      throw RuntimeError("configuration " + std::to_string(id) + " has no result in " +
                         journal_.dir());
  }
}

bool Scheduler::train_all(const Batch& batch) {
  if (batch.prune && pruning_.enabled && pruning_.halving) return train_halving(batch);
  journal_.check_values(batch.ids, batch.configs, deck_.space);
  const int local_rank = parallel::local_rank_from_environment();
  const Plan p = plan_batch(batch);
  attempt_ = p.attempt;
  if (!command_) check_ready(p.todo, batch.specs, local_rank);
  if (batch.prune && pruning_.enabled) {
    if (!rungs_) {
      rungs_ = std::make_unique<RungCoordinator>(pruning_, journal_.dir(), rank_,
                                                 [] { return stop_requested != 0; });
    }
    rungs_->start_batch(batch.ids, order_, batch.alpha);
  }
  announce(batch, p);
  dispatch(batch, p, local_rank);
  const bool stopped = parallel::any_rank(stop_requested != 0);
  // Every rank has stopped writing: every rank reads every journal (after a stop, to count what
  // all of them finished, for the stop message).
  parallel::barrier();
  journal_.reread();
  if (stopped) return false;
  check_all_recorded(batch);
  return true;
}

}  // namespace hsicho::study
