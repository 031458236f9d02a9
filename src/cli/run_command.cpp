// hsicho run DECK.yaml [--out study.h5] [--resume]: the distributed study, and what it says as it
// goes (rank 0): progress, the optimizer's decisions, the summary.
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <streambuf>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/study/run.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/version.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

// Writes to the terminal and, once the study file is known, to its log file as well.
class TeeBuf : public std::streambuf {
 public:
  explicit TeeBuf(std::streambuf* a) : a_(a) {}
  void also(std::streambuf* b) { b_ = b; }

 protected:
  int overflow(int c) override {
    if (c == EOF) return !EOF;
    const bool ok = a_->sputc(static_cast<char>(c)) != EOF;
    if (b_) b_->sputc(static_cast<char>(c));
    return ok ? c : EOF;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (b_) b_->sputn(s, n);
    return a_->sputn(s, n);
  }
  int sync() override {
    if (b_) b_->pubsync();
    return a_->pubsync();
  }

 private:
  std::streambuf* a_;
  std::streambuf* b_ = nullptr;
};

class TextObserver : public study::RunObserver {
 public:
  // STUDY.h5.log beside the study file (like LAMMPS's log.lammps): the deck, where and how it
  // ran, then every line the run prints. A resume appends.
  void opened(const std::string& study_file, const std::string& deck_path,
              const std::string& deck_text, int ranks, bool resume) override {
    log_.open(study_file + ".log", std::ios::app);
    if (!log_) {
      std::cerr << "hsicho run: cannot write the log " << study_file << ".log (going on without)\n";
      return;
    }
    const std::time_t t = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    log_ << "==== hsicho " << kVersion << " (" << kGitCommit << "), " << when << ", "
         << (resume ? "resumed" : "started") << " on " << ranks << " rank" << (ranks > 1 ? "s" : "")
         << "\n==== deck " << deck_path << ":\n"
         << deck_text << (deck_text.empty() || deck_text.back() == '\n' ? "" : "\n") << "==== run\n"
         << std::flush;
    out_tee_.also(log_.rdbuf());
    err_tee_.also(log_.rdbuf());
  }
  void note(const std::string& text) override { out_ << text << "\n"; }
  void resuming(std::size_t done, std::size_t files, std::size_t dropped) override {
    out_ << "resuming: " << done << " trainings already done (journals: " << files << " files"
         << (dropped ? ", " + std::to_string(dropped) + " torn records dropped" : "") << ")\n";
  }
  void extended(std::size_t from, std::size_t to) override {
    out_ << "extending the study: design.samples " << from << " -> " << to << " (" << to - from
         << " new configurations in the space the first " << from << " left empty)\n";
  }
  void stage_started(std::size_t k, std::size_t stages, std::size_t size,
                     std::size_t planned) override {
    out_ << "\n== stage " << k + 1;
    if (stages > 0) out_ << " of " << stages;  // 0: a wall-time budget sizes them as it goes
    out_ << ": " << size << " trainings";
    if (size < planned)
      out_ << " (of " << planned << ": every other configuration of the space is trained already)";
    out_ << "\n";
  }
  void training_started(std::size_t configs, std::size_t todo, int ranks, bool dynamic,
                        const std::string& journal, int threads) override {
    out_ << configs << " configurations, " << todo << " to train on " << ranks << " rank"
         << (ranks > 1 ? "s" : "") << " (" << (dynamic ? "dynamic" : "static")
         << " scheduling); journal " << journal;
    if (threads > 0)
      out_ << "; " << threads << " thread" << (threads > 1 ? "s" : "") << " per rank";
    if (const auto job = parallel::slurm_job(); !job.empty()) out_ << "; Slurm job " << job;
    out_ << "\n" << std::flush;
  }
  void progress(const study::Progress& p) override {
    // The study as a whole, then this run alone when earlier runs trained part of it.
    // After a stop was asked for, the trainings in progress still end: said as such, not as
    // progress towards the end of the study.
    out_ << (p.stopping ? "stopping: " : "progress: ") << p.done << "/" << p.total << " done, "
         << p.failed << " failed, best validation error "
         << (std::isfinite(p.best) ? fmt::format("{:.4g}", p.best) : std::string("-"));
    if (p.done_run < p.done)
      out_ << "; this run: " << p.done_run << " done, " << p.failed_run << " failed";
    if (p.stopping)
      out_ << "; a training in progress ended, the run stops when the others have\n";
    else
      out_ << ", elapsed " << clock_text(p.elapsed) << ", left ~" << clock_text(p.left) << "\n";
    out_ << std::flush;
  }
  void decisions(std::size_t after_stage, const std::vector<study::Decision>& d) override {
    out_ << "decisions after stage " << after_stage << ":\n";
    for (const auto& x : d)
      out_ << "  " << study::describe(x) << "\n";
  }
  void final_started(std::size_t configs, std::size_t seeds, double epochs_factor,
                     bool from_front) override {
    // Under pick: cheapest the last finalist may be the cheapest of the goal set instead.
    const std::string which = from_front ? fmt::format(
                                               "{} configurations (the best, and the "
                                               "cheapest among the best)",
                                               configs)
                                         : fmt::format("the {} best configurations", configs);
    out_ << "\n== final: " << which << ", " << seeds << " seeds, epochs x" << epochs_factor << "\n";
  }
  void stopped(std::size_t done, const std::string& resume_hint) override {
    error(fmt::format("hsicho run: stopped by a signal with {} trainings done. {}\n", done,
                      resume_hint));
  }
  void finished(const study::RunSummary& s) override;

 private:
  // A message to stderr in one write, after what stdout holds so far: in a log that takes both
  // (2>&1, Slurm's output file) it stands whole and in its place.
  void error(const std::string& message) {
    out_.flush();
    err_ << message << std::flush;
  }
  std::ofstream log_;
  TeeBuf out_tee_{std::cout.rdbuf()}, err_tee_{std::cerr.rdbuf()};
  std::ostream out_{&out_tee_}, err_{&err_tee_};
};

void TextObserver::finished(const study::RunSummary& s) {
  out_ << "\ndone: " << s.trainings << " trainings, " << s.failed << " diverged or failed, in "
       << clock_text(s.seconds) << " (" << num(s.training_seconds, "{:.3g}")
       << " s of it training)\n";
  if (const auto saved = s.savings.text(s.trainings); !saved.empty()) out_ << saved << "\n";
  for (const auto& [cause, c] : s.causes) {
    out_ << "  " << cause << ": " << c.first << (c.second.empty() ? "" : " (e.g. " + c.second + ")")
         << "\n";
  }
  if (s.trainings > 0 && s.failed + s.savings.stopped == s.trainings) {
    error(fmt::format(
        "hsicho run: no training succeeded ({} of {}, causes above): the study file is written, "
        "and the exit status is 1. Fix the cause, then retrain them with --resume: a fixed "
        "training.command or script retrains them all while none has a result; otherwise set "
        "training.retries (docs/deck.md)\n",
        s.failed, s.trainings));
  }
  if (s.best) {
    const auto& b = *s.best;
    out_ << "best"
         << (s.optimized
                 ? " (mean of " + std::to_string(s.final_seeds) + " seeds, final retraining)"
                 : "")
         << ": configuration " << b.config << ": " << b.values << "\n      validation " << s.metric
         << " " << num(b.val_error) << ", test " << num(b.test_error) << ", " << b.parameters
         << " parameters, " << num(b.seconds, "{:.3g}") << " s\n";
  }
  if (s.pick && s.best && s.pick->config != s.best->config) {
    const auto& p = *s.pick;
    out_ << "pick (the cheapest by " << s.cost_name << ", " << s.pick_rule << "): configuration "
         << p.config << ": " << p.values << "\n      validation " << s.metric << " "
         << num(p.val_error) << ", test " << num(p.test_error) << ", " << p.parameters
         << " parameters, " << s.cost_name << " " << num(p.cost) << " against " << num(s.best->cost)
         << "\n";
  }
  if (s.analysed) {
    const auto& an = s.analysis;
    out_ << "\nwhat decides landing among the best" << (s.stages > 1 ? " in the first stage" : "")
         << " (alpha = " << an.alpha << ": the " << an.m << " best of " << an.n << "):\n";
    if (const auto w = hsic::goal_set_warning(an); !w.empty()) out_ << "  " << w << "\n";
    out_ << ranking_table(an, false, "  ") << pairs_text(an, 3, "  ");
  } else {
    out_ << "\nno sensitivity analysis: " << s.analysis_problem << "\n";
  }
  // Paths that work from anywhere: this hsicho, and the scripts of the source it was built from.
  const std::string hsicho = shell_quote(parallel::front_end_path());
  std::error_code ec;
  const std::filesystem::path source(kSourceDir);
  const bool here = std::filesystem::exists(source / "scripts" / "plot_study.py", ec);
  const std::string plot =
      here ? (source / "scripts" / "plot_study.py").string() : "scripts/plot_study.py";
  const std::string layout = here ? (source / "docs" / "hdf5.md").string() : "docs/hdf5.md";
  const std::string file = shell_quote(s.out);
  out_ << "\nstudy file: " << s.out << "\n"
       << "look at it:  " << hsicho << " report " << file << "\n"
       << "             " << hsicho << " analyze " << file
       << " (other alpha, bandwidth, ... with options)\n"
       << "             /usr/bin/python3 " << shell_quote(plot) << " " << file << " (figures)\n"
       << "             (layout: " << layout << ")\n";
}

}  // namespace

int cmd_run(const RunArgs& args, const Context& ctx) {
  study::RunOptions o;
  o.deck = args.deck;
  o.out = args.out;
  o.resume = args.resume;
  o.accept_program_change = args.accept_program_change;
  o.overwrite = args.overwrite;
  TextObserver text;
  return study::run(o, ctx.rank, ctx.ranks, text);
}

}  // namespace hsicho::cli
