// pruning.mode: halving (issue 40): successive halving over a batch whose configurations are all
// known before the first epoch. Phase k trains every surviving configuration to rung k and
// pauses it (train::train_pausable: its state in the journal folder's paused/); when every rank
// is done, the rung's decision compares each paused training with every training of the batch
// (those that ended before the rung: their error if they finished, the worst otherwise), with the
// rule of ordered mode (study::goes_on: within the best keep x alpha, with the quantile's margin);
// the ones above it are recorded as stopped at the rung, the others continue from their paused
// state. The decisions use every training of the batch, so they depend neither on the number of
// ranks nor on timing, and a resume recomputes them from what is on disk:
//   journal folder/halving/rank-R.jnl  the trainings at each rung (a record as if stopped there)
//   journal folder/paused/ID.at-E.pt   each paused training's state at rung epoch E
// Small networks train fused as in the other modes: each phase groups its survivors anew (a
// member's paused state is in its own shapes, so it continues in any group).
// A training.command that keeps the checkpoint contract (training.checkpoint: true,
// docs/driver.md) is run once per phase: told to pause after the rung's epoch and save its state
// to paused/ID.at-E.ckpt, and to continue from the previous rung's; a run that saves nothing has
// ended (its epochs were fewer) and is a finished training. A persistent worker gets the same
// keys in its train message (hsicho.serve's params.pause_after, ...).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/train/fused.hpp"
#include "hsicho/train/fusion_plan.hpp"
#include "hsicho/train/trainer.hpp"
#include "journal_session.hpp"
#include "scheduler.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

io::NamedValues named_values(const space::Space& space, const space::Config& config);

namespace {

// id -> (rung epoch -> the training as it was there), from every rank's halving log: the
// records of the attempt now trained (`attempt`, 1 unless the id is a retry), never an earlier
// failed attempt's (its states are gone: a retry starts from scratch).
using AtRungs = std::map<std::size_t, std::map<int, Record>>;

AtRungs read_rungs(const std::string& dir, const std::string& fingerprint,
                   const std::map<std::size_t, int>& attempt) {
  AtRungs out;
  if (!fs::exists(dir)) return out;
  for (const auto& rec : io::read_journals(dir, fingerprint).records) {
    const auto a = attempt.find(rec.config);
    if (rec.result.attempt == (a == attempt.end() ? 1 : a->second))
      out[rec.config][rec.result.epochs] = rec.result;
  }
  return out;
}

// When the rung at `epoch` (number `rung`, 0-based) cannot stop any training of the batch, the
// number of trainings that reach it; nullopt when it may stop some. A training is compared with
// every other of the batch, and only those that may be below it can push it out: the trainings
// of the phase and the finished ones (their errors); those that ended before `from` (the last
// rung decided) count as the worst. When that is too few for the rule to stop anyone (late
// rungs with wide margins: on Runge, 30 of 30 went on at epoch 81), the survivors would pause
// only to go on: the phase trains through to the next rung. The same answer after a resume (it
// reads what is on disk); a rung an earlier run paused at is kept.
std::optional<std::size_t> cannot_stop_at(const PruningSettings& p, const Batch& batch,
                                          std::size_t rung, int epoch,
                                          const std::optional<int>& from, const AtRungs& at,
                                          const std::function<bool(std::size_t)>& done,
                                          const std::map<std::size_t, io::JournalRecord>& results) {
  std::size_t rivals = 0, reach = 0;
  for (auto id : batch.ids) {
    const auto it = at.find(id);
    if (it != at.end() && it->second.count(epoch)) return std::nullopt;
    const bool reached_from = !from || (it != at.end() && it->second.count(*from));
    if (!done(id)) {
      ++rivals, ++reach;
      continue;
    }
    const Record& r = results.at(id).result;
    if (r.ok()) {
      ++rivals;  // finished: its error counts
    } else if (reached_from && !(r.status == Outcome::Stopped && from && r.epochs <= *from)) {
      ++rivals, ++reach;  // ended in this phase: it may have been anywhere at the rung
    }
  }
  const std::size_t others = batch.ids.size() - 1;
  if (rivals == 0) return reach;
  return rung_can_stop(others, rivals - 1, batch.alpha, p, rung) ? std::nullopt
                                                                 : std::optional(reach);
}

}  // namespace

std::optional<Scheduler::CommandPhase> Scheduler::command_phase(const Batch& batch, std::size_t pos,
                                                                const train::Pausing& p,
                                                                int local_rank) {
  external::Job job = command_job(batch, pos, local_rank);
  job.pause_after = p.pause_after;
  std::error_code ec;
  // Absolute: the command runs in its work folder.
  if (p.pause_after > 0) {
    job.checkpoint = fs::absolute(p.state_file).string();
    fs::remove_all(p.state_file, ec);  // a killed run's, never mixed in
  }
  if (p.continue_from) job.continue_from = fs::absolute(p.from_file).string();
  auto r = run_command(job, [] { return stop_was_requested(); });
  if (!r) return std::nullopt;
  CommandPhase out;
  out.paused = p.pause_after > 0 && r->ok() && fs::exists(p.state_file, ec);
  if (out.paused) r->epochs = p.pause_after;  // the rung it reached, whatever it reported
  // Trained past the pause without saving: a command that does not keep the contract.
  out.went_past = p.pause_after > 0 && !out.paused && r->ok() && r->epochs > p.pause_after;
  out.record = std::move(*r);
  return out;
}

void Scheduler::order_phase_longest_first(std::vector<train::Group>& units,
                                          const std::vector<train::TrainSpec>& specs,
                                          int from_epoch, int to_epoch) {
  // A phase ends when its last unit does: handed out longest first (the dynamic queue then
  // balances the ranks as LPT does), by what each costs in this phase, the fusion plan's model
  // of a step (fused: its overhead and padded arithmetic) x steps x the phase's epochs. Measured
  // on fresh seeds against the design's order: 0.96x the training wall time over the four
  // scientific cases (80 paired studies, p = 0.005), the same decisions.
  std::vector<double> cost;
  for (const auto& u : units) {
    const auto& spec = specs[u.members.front()];
    double per_step = 0;
    try {
      const auto& data = data_for(spec.data);
      per_step =
          spec.model.type == train::ModelType::Mlp
              ? train::group_step_cost(specs, u.members, train::input_features(data), data.outputs)
              : 0.25 * spec.optim.batch_size *
                    static_cast<double>(train::count_parameters(spec.model, data));
      per_step *=
          std::ceil(static_cast<double>(data.train.rows) / std::max(1, spec.optim.batch_size));
    } catch (const std::exception&) {
      // A network that cannot be built: it fails at once (recorded with its reason).
    }
    cost.push_back(per_step * std::max(0, std::min(to_epoch, spec.optim.epochs) - from_epoch));
  }
  by_cost_descending(units, cost);
}

bool Scheduler::train_halving(const Batch& batch) {
  journal_.check_values(batch.ids, batch.configs, deck_.space);
  const int local_rank = parallel::local_rank_from_environment();
  // A command's epochs are its own (pruning.rungs lists the rungs): every rung counts.
  int epochs = command_ ? std::numeric_limits<int>::max() : 0;
  for (const auto& s : batch.specs)
    epochs = std::max(epochs, s.optim.epochs);
  const std::vector<int> rungs = rungs_for(pruning_, epochs);
  const std::string rung_dir = (fs::path(journal_.dir()) / "halving").string();
  const std::string paused_dir = (fs::path(journal_.dir()) / "paused").string();
  if (rank_ == 0) {
    fs::create_directories(rung_dir);
    fs::create_directories(paused_dir);
  }
  parallel::barrier();
  io::JournalWriter rung_log(rung_dir, rank_, journal_.fingerprint());
  // One file per training and rung (ID.at-EPOCH.pt): a phase reads the previous rung's and
  // writes this rung's, so a kill between writing a state and recording the rung leaves the
  // previous one to continue from. A state is removed once the next rung's record is on disk.
  const auto state_file = [&](std::size_t id, int epoch) {
    return (fs::path(paused_dir) /
            (std::to_string(id) + ".at-" + std::to_string(epoch) + (command_ ? ".ckpt" : ".pt")))
        .string();
  };
  const auto remove_state = [&](std::size_t id, int epoch) {
    std::error_code ec;  // a command's state may be a folder
    fs::remove_all(state_file(id, epoch), ec);
  };
  // A failed training (not a diverged one) is trained again, from scratch, while it has had at
  // most training.retries retries, as in the other modes (on resume: the journal counts them).
  std::map<std::size_t, int> attempt;  // the ids trained again: their attempt now
  for (auto id : batch.ids) {
    const auto it = journal_.results().find(id);
    if (it != journal_.results().end() && retried(it->second.result))
      attempt[id] = it->second.result.attempt + 1;
  }
  // Has its result: any, or the retry's own once it has one.
  const auto done = [&](std::size_t id) {
    const auto it = journal_.results().find(id);
    if (it == journal_.results().end()) return false;
    const auto a = attempt.find(id);
    return a == attempt.end() || it->second.result.attempt >= a->second;
  };
  std::vector<std::size_t> todo_all;
  for (std::size_t k = 0; k < batch.ids.size(); ++k) {
    if (!done(batch.ids[k])) todo_all.push_back(k);
  }
  if (!command_) check_ready(todo_all, batch.specs, local_rank);
  note_retried(attempt.size());  // each from the start: its states were removed with its result
  if (observer_) {
    observer_->training_started(batch.ids.size(), todo_all.size(), ranks_, deck_.study.dynamic,
                                journal_.dir(), 1);
    std::string list;
    for (int r : rungs)
      list += (list.empty() ? "" : ", ") + std::to_string(r);
    observer_->note("successive halving (pruning.mode: halving) at epochs " +
                    (list.empty() ? std::string("(none below the last)") : list) +
                    (command_ ? std::string("; your command pauses at each and continues from "
                                            "its checkpoint")
                              : std::string("; the survivors of each rung regrouped for fused "
                                            "training")));
  }

  // The rung the phase continues from (the last one decided; none before the first phase).
  std::optional<int> from;
  for (std::size_t phase = 0; phase <= rungs.size(); ++phase) {
    const bool last = phase == rungs.size();
    const int target = last ? std::numeric_limits<int>::max() : rungs[phase];
    const AtRungs at = read_rungs(rung_dir, journal_.fingerprint(), attempt);
    if (!last) {
      const auto reach =
          cannot_stop_at(pruning_, batch, phase, target, from, at, done, journal_.results());
      if (reach) {
        if (observer_ && *reach > 0) {
          observer_->note(fmt::format(
              "rung {} (epoch {}): no pause: its rule cannot stop any of the {} trainings "
              "that reach it, whatever their errors (too few others could rank above them)",
              phase + 1, target, *reach));
        }
        continue;
      }
    }
    // Who trains in this phase: no result yet, through the previous rung, not yet at this one.
    std::vector<std::size_t> todo;
    for (std::size_t k = 0; k < batch.ids.size(); ++k) {
      const auto id = batch.ids[k];
      if (done(id)) continue;
      const auto it = at.find(id);
      const bool through = !from || (it != at.end() && it->second.count(*from));
      const bool here = !last && it != at.end() && it->second.count(target);
      if (through && !here) todo.push_back(k);
    }
    // The phase's units: the survivors, fused where they can be (groups formed from this
    // phase's survivors alone, the same on every rank). A fusable training is fused in every
    // phase, also alone in a group of one: its paused state is a fused member's.
    Batch phase_batch;
    for (auto k : todo) {
      phase_batch.ids.push_back(batch.ids[k]);
      phase_batch.configs.push_back(batch.configs[k]);
      phase_batch.specs.push_back(batch.specs[k]);
    }
    std::vector<train::Group> units = work_units(phase_batch);
    const bool fusing = deck_.study.fuse > 1;
    for (auto& u : units) {
      const auto& spec = phase_batch.specs[u.members.front()];
      if (u.widths.empty() && fusing && train::fusable(spec))
        u.widths.assign(spec.model.units.begin(), spec.model.units.end());
    }
    if (!command_ && deck_.study.dynamic && deck_.study.longest_first)
      order_phase_longest_first(units, phase_batch.specs, from.value_or(0), target);
    const auto pausing_of = [&](std::size_t pos) {
      train::Pausing p;
      const int planned =
          command_ ? std::numeric_limits<int>::max() : phase_batch.specs[pos].optim.epochs;
      p.pause_after = last || target >= planned ? 0 : target;
      p.state_file = state_file(phase_batch.ids[pos], p.pause_after);
      p.continue_from = from.has_value();
      if (from) p.from_file = state_file(phase_batch.ids[pos], *from);
      return p;
    };
    parallel::WorkQueue queue(units.size(), deck_.study.dynamic);
    bool went_past = false;  // a command ran past its pause_after (this rank)
    const auto keep = [&](std::size_t pos, Record r, bool paused) {
      if (!command_) r.planned_epochs = phase_batch.specs[pos].optim.epochs;
      r.rank = rank_;
      r.host = host_;
      const auto a = attempt.find(phase_batch.ids[pos]);
      r.attempt = a == attempt.end() ? 1 : a->second;
      io::JournalRecord rec{phase_batch.ids[pos],
                            named_values(deck_.space, phase_batch.configs[pos]), std::nullopt, r,
                            io::journal_time_now()};
      if (paused) {
        rung_log.append(rec);
      } else {
        journal_.append(rec);
      }
      // Recorded: the previous rung's state is no longer needed.
      if (from) remove_state(phase_batch.ids[pos], *from);
    };
    while (!stop_was_requested()) {
      const auto next = queue.next();
      if (!next) break;
      const auto& unit = units[*next];
      const auto& first = phase_batch.specs[unit.members.front()];
      try {
        if (command_) {
          const std::size_t pos = unit.members.front();
          auto got = command_phase(phase_batch, pos, pausing_of(pos), local_rank);
          if (!got) break;  // stopped: trained again on --resume
          went_past = went_past || got->went_past;
          keep(pos, std::move(got->record), got->paused);
          continue;
        }
        if (!unit.widths.empty()) {
          train::GroupHooks hooks;
          hooks.interrupted = [] { return stop_was_requested(); };
          hooks.pausing = pausing_of;
          hooks.paused = [&](std::size_t pos, Record r) { keep(pos, std::move(r), true); };
          hooks.finished = [&](std::size_t pos, Record r) { keep(pos, std::move(r), false); };
          if (!train::train_group(phase_batch.specs, unit, data_for(first.data), local_rank, hooks))
            break;  // stopped: the members still training run again on --resume
          continue;
        }
        const std::size_t pos = unit.members.front();
        train::Hooks hooks;
        hooks.interrupted = [] { return stop_was_requested(); };
        const auto got =
            train::train_pausable(first, data_for(first.data), local_rank, hooks, pausing_of(pos));
        if (!got.paused && !got.result) break;  // stopped: trained again on --resume
        keep(pos, got.paused ? got.at_pause : *got.result, got.paused);
      } catch (const InputError& e) {
        throw RuntimeError(e.what());  // one rank's finding in the middle of the study
      }
    }
    queue.finish();
    const bool stopped = parallel::any_rank(stop_was_requested());
    if (command_ && parallel::any_rank(went_past) && observer_ && !last) {
      observer_->note(fmt::format(
          "warning: your command trained past epoch {} without saving a checkpoint where "
          "params.json's pause_after asked it to: those trainings ran to their end, and halving "
          "saves nothing on them; does it keep the checkpoint contract (docs/driver.md, "
          "\"Paused and continued\")?",
          target));
    }
    parallel::barrier();
    journal_.reread();
    if (stopped) return false;
    if (last) break;

    // The rung's decision over the whole batch.
    const AtRungs now = read_rungs(rung_dir, journal_.fingerprint(), attempt);
    std::vector<double> errors;
    std::vector<std::pair<std::size_t, const Record*>> here;
    for (auto id : batch.ids) {
      const auto it = now.find(id);
      if (!done(id) && it != now.end() && it->second.count(target)) {
        const Record& r = it->second.at(target);
        here.emplace_back(id, &r);
        errors.push_back(r.val_error);
      } else if (done(id)) {
        // Ended before the rung: a finished training counts with its error, the others (failed,
        // diverged, stopped at an earlier rung) as the worst.
        const Record& r = journal_.results().at(id).result;
        errors.push_back(r.ok() ? r.val_error : INFINITY);
      }
    }
    std::size_t went_on = 0, stopped_here = 0;
    double threshold = NAN;
    for (std::size_t h = 0; h < here.size(); ++h) {
      const auto& [id, r] = here[h];
      std::vector<double> others = errors;
      others.erase(std::find(others.begin(), others.end(), r->val_error));
      if (goes_on(r->val_error, others, batch.alpha, pruning_, phase, &threshold)) {
        ++went_on;
        continue;
      }
      ++stopped_here;
      if (rank_ != 0) continue;  // rank 0 records the decisions
      Record s = *r;
      s.status = Outcome::Stopped;
      s.cause = "rung";
      s.message = fmt::format(
          "stopped early after epoch {}: validation error {:.4g} above the rung's threshold "
          "{:.4g} (the best {:.3g} x alpha of the {} trainings of the batch)",
          target, r->val_error, threshold, keep_at(pruning_, phase), errors.size());
      const auto pos = static_cast<std::size_t>(std::find(batch.ids.begin(), batch.ids.end(), id) -
                                                batch.ids.begin());
      journal_.append({id, named_values(deck_.space, batch.configs[pos]), std::nullopt, s,
                       io::journal_time_now()});
    }
    parallel::barrier();
    journal_.reread();
    from = target;
    if (observer_ && (!todo.empty() || stopped_here > 0)) {  // a resume says what it decided
      observer_->note(fmt::format("rung {} (epoch {}): {} go on, {} stopped", phase + 1, target,
                                  went_on, stopped_here));
    }
  }
  // The paused states of trainings that have their result are no longer needed (those stopped
  // at a rung, and any left by a kill).
  if (rank_ == 0) {
    for (auto id : batch.ids) {
      if (!journal_.results().count(id)) continue;
      for (int r : rungs)
        remove_state(id, r);
    }
  }
  check_all_recorded(batch);
  return true;
}

}  // namespace hsicho::study
