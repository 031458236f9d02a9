// hsicho status STUDY.h5 [--json]: where a study stands, also from a login node while the job
// runs (docs/running.md).
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/io/deck_file.hpp"
#include "hsicho/io/field_json.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/load.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/status.hpp"
#include "hsicho/suggest.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

using study::StudyStatus;

const char* state_name(StudyStatus::State s) {
  switch (s) {
    case StudyStatus::State::Running:
      return "running";
    case StudyStatus::State::Finished:
      return "finished";
    case StudyStatus::State::Stopped:
      break;
  }
  return "stopped";
}

std::string ago(double t, double now) {
  return t > 0 ? clock_text(now - t) + " ago" : std::string("none yet");
}

// The hyperparameters that lead so far (the first stage's finished trainings, or the finished
// study's analysis): the first three of the ranking with their p-values, or why there is none.
std::string leading_text(const study::LoadedStudy& loaded) {
  if (!loaded.data.analysis) {
    for (const auto& note : loaded.notes) {
      if (note.rfind("no analysis yet", 0) == 0) return note;
    }
    return "";
  }
  const auto an = io::analysis_of(*loaded.data.analysis, 0);
  std::string out;
  std::size_t shown = 0;
  const bool by_evidence = an.ranked_by == hsic::RankBy::Evidence;
  for (auto i : ranking(an)) {
    const auto& r = an.inputs[i];
    // By index, conditional inputs do not compare with the others; by evidence they do.
    if ((r.conditional && !by_evidence) || shown == 3) continue;
    out += (out.empty() ? "" : ", ") + r.name + " (p " +
           num(hsic::ranking_pvalue(r, an.ranked_by), "{:.2g}") + ")";
    ++shown;
  }
  const std::size_t rows =
      loaded.partial ? static_cast<std::size_t>(loaded.data.stages.front().size) : loaded.data.n();
  return out + (loaded.partial ? " so far, on " + std::to_string(rows) +
                                     " finished trainings of the first stage"
                               : "");
}

void print_text(const StudyStatus& s, const std::string& leading, double now) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"study", s.study_file + " (journal " + s.journal_dir + ")"});
  std::string state = state_name(s.state);
  if (s.lock && s.state == StudyStatus::State::Running) {
    state += ": " + study::describe(*s.lock) +
             (s.live == study::Liveness::Alive ? " (alive)"
              : !s.slurm_state.empty()         ? " (on another host; Slurm: " + s.slurm_state + ")"
                                               : " (on another host: its lock is there, its "
                                                 "process cannot be checked from here)");
  } else if (s.state == StudyStatus::State::Stopped && s.plan) {
    state += (s.plan->end.empty() ? " (killed, or its node lost)" : " (" + s.plan->end + ")");
    if (s.lock && !s.slurm_state.empty())
      state += "; Slurm job " + s.lock->slurm_job_id + " ended (" + s.slurm_state + ")";
    state += ": no live run; continue with: " +
             study::resume_command(s.plan->deck, s.plan->out, study::launcher_of(*s.plan));
  } else if (s.state == StudyStatus::State::Finished) {
    state +=
        ": " + shell_quote(parallel::front_end_path()) + " report " + shell_quote(s.study_file);
  }
  rows.push_back({"state", state});
  // An optimizer's plan is an upper bound (a cheap finalist may not be needed): a finished
  // study has nothing left, whatever the bound.
  const std::size_t left = s.planned > s.done ? s.planned - s.done : 0;
  const std::string left_text = s.state == StudyStatus::State::Finished
                                    ? std::string("none left (finished)")
                                    : std::to_string(left) + " left";
  std::string done =
      fmt::format("{} of {}{} ({} failed), {}", s.done,
                  s.plan && s.plan->optimized ? "at most " : "", s.planned, s.failed, left_text);
  if (!s.plan)
    done =
        fmt::format("{} ({} failed); no plan.json: written by an older hsicho", s.done, s.failed);
  rows.push_back({"done", done});
  if (s.plan && s.plan->samples.size() > 1) {
    std::string sizes;
    for (auto n : s.plan->samples)
      sizes += (sizes.empty() ? "" : " -> ") + std::to_string(n);
    rows.push_back({"design", "extended: " + sizes + " configurations"});
  }
  if (s.plan) {
    rows.push_back({"this run",
                    fmt::format("started {} on {} rank{}, {} trainings done since", s.plan->started,
                                s.plan->ranks, s.plan->ranks > 1 ? "s" : "", s.done_this_run)});
  }
  if (!s.halving.empty()) {
    // Successive halving: the results so far are mostly quick stops; the survivors' epochs are
    // what is left, so trainings per hour would promise an end far too soon.
    rows.push_back({"halving", s.halving});
  } else {
    rows.push_back(
        {"rate", s.rate_per_hour > 0
                     ? num(s.rate_per_hour, s.rate_per_hour >= 100 ? "{:.0f}" : "{:.3g}") +
                           " trainings per hour in this run"
                     : std::string("- (no result in this run yet)")});
    if (s.state == StudyStatus::State::Running)
      rows.push_back({"time left", s.seconds_left >= 0 ? "~" + clock_text(s.seconds_left) : "?"});
  }
  if (s.best) {
    const auto& b = *s.best;
    rows.push_back({"best", fmt::format("validation error {} (configuration {}; test {}, {} "
                                        "parameters){}",
                                        num(b.val_error), b.config, num(b.test_error), b.parameters,
                                        b.values.empty() ? "" : ": " + b.values)});
  }
  if (!s.stopped_early.empty()) rows.push_back({"early stops", s.stopped_early});
  if (!leading.empty()) rows.push_back({"leading", leading});
  for (const auto& r : s.ranks) {
    rows.push_back({r.rank == 0 ? "ranks" : "",
                    fmt::format("{}{}: {} done in this run, last result {}", r.rank,
                                r.host.empty() ? "" : " on " + r.host, r.done, ago(r.last, now))});
  }
  std::cout << table(rows, "");
}

void print_json(const StudyStatus& s, const std::string& leading) {
  io::Json j;
  j["study_file"] = s.study_file;
  j["journal"] = s.journal_dir;
  j["state"] = state_name(s.state);
  // How the latest run ended, as it recorded it ("" while it runs, or when it was killed):
  // batch scripts requeue on "stopped by a signal" whatever exit status a launcher reported.
  j["end"] = s.plan ? s.plan->end : "";
  j["done"] = s.done;
  j["failed"] = s.failed;
  j["planned"] = s.planned;
  j["planned_is_upper_bound"] = s.plan && s.plan->optimized;
  j["done_this_run"] = s.done_this_run;
  j["rate_per_hour"] = s.rate_per_hour > 0 ? io::Json(s.rate_per_hour) : io::Json();
  j["seconds_left"] = s.seconds_left >= 0 ? io::Json(s.seconds_left) : io::Json();
  if (s.plan) {
    j["design_sizes"] = s.plan->samples;
    j["deck"] = s.plan->deck;
    j["started"] = s.plan->started;
    j["ranks"] = s.plan->ranks;
    j["slurm_job_id"] = s.plan->slurm_job;  // the latest run's ("" outside Slurm)
  }
  if (s.lock) {
    j["lock"] = {{"host", s.lock->host},
                 {"pid", s.lock->pid},
                 {"slurm_job_id", s.lock->slurm_job_id},
                 {"slurm_state", s.slurm_state},
                 {"alive", s.live == study::Liveness::Alive  ? io::Json(true)
                           : s.live == study::Liveness::Gone ? io::Json(false)
                                                             : io::Json()}};
  }
  if (s.best) {
    j["best"] = io::to_json(*s.best, io::NonFinite::Null);
    j["best"]["summary"] = j["best"]["values"];
    j["best"]["values"] = io::Json::object();
    for (const auto& [name, value] : s.best_values) {
      if (value) j["best"]["values"][name] = io::value_to_json(*value);
    }
  }
  if (!leading.empty()) j["leading"] = leading;
  if (!s.stopped_early.empty()) j["stopped_early"] = s.stopped_early;
  if (!s.halving.empty()) j["halving"] = s.halving;
  j["rank_status"] = io::Json::array();
  for (const auto& r : s.ranks) {
    j["rank_status"].push_back(
        {{"rank", r.rank}, {"host", r.host}, {"done", r.done}, {"last_result", r.last}});
  }
  std::cout << j.dump(1) << "\n";
}

}  // namespace

int cmd_status(const StatusArgs& args, const Context& ctx) {
  if (ctx.rank != 0) return 0;
  const double now = io::journal_time_now();
  // A deck stands for its study file (study.output, or --out as `run` was given it).
  std::string path = args.out.empty() ? args.study : args.out;
  const auto ext = std::filesystem::path(args.study).extension().string();
  if (args.out.empty() && (ext == ".yaml" || ext == ".yml"))
    path = io::load_deck(args.study, space::DeckUse::SpaceOnly).study.output;
  // The study file or its journal folder; a FIFO or a device is said, never opened.
  if (const auto kind = io::not_regular(path); !kind.empty() && kind != "a folder")
    io::require_regular_file(path, "study");
  const auto s = study::read_status(path, now);
  std::string leading;
  try {
    leading = leading_text(study::load_study(path, true));
  } catch (const InputError& e) {
    leading = std::string("- (") + e.what() + ")";  // the counts above still hold
  }
  if (args.json) {
    print_json(s, leading);
  } else {
    print_text(s, leading, now);
  }
  return 0;
}

}  // namespace hsicho::cli
