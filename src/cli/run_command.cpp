// hsicho run DECK.yaml [--out study.h5] [--resume]: the distributed study, and what it says as it
// goes (rank 0): progress, the optimizer's decisions, the summary.
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/study/run.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

class TextObserver : public study::RunObserver {
 public:
  void resuming(std::size_t done, std::size_t files, std::size_t dropped) override {
    std::cout << "resuming: " << done << " trainings already done (journals: " << files << " files"
              << (dropped ? ", " + std::to_string(dropped) + " torn records dropped" : "") << ")\n";
  }
  void stage_started(std::size_t k, std::size_t stages, std::size_t size) override {
    std::cout << "\n== stage " << k + 1 << " of " << stages << ": " << size << " trainings\n";
  }
  void training_started(std::size_t configs, std::size_t todo, int ranks, bool dynamic,
                        const std::string& journal) override {
    std::cout << configs << " configurations, " << todo << " to train on " << ranks << " rank"
              << (ranks > 1 ? "s" : "") << " (" << (dynamic ? "dynamic" : "static")
              << " scheduling); journal " << journal << "\n"
              << std::flush;
  }
  void progress(const study::Progress& p) override {
    std::cout << "progress: " << p.done << "/" << p.total << " done, " << p.failed
              << " failed, best validation error "
              << (std::isfinite(p.best) ? fmt::format("{:.4g}", p.best) : std::string("-"))
              << ", elapsed " << clock_text(p.elapsed) << ", left ~" << clock_text(p.left) << "\n"
              << std::flush;
  }
  void decisions(std::size_t after_stage, const std::vector<study::Decision>& d) override {
    std::cout << "decisions after stage " << after_stage << ":\n";
    for (const auto& x : d)
      std::cout << "  " << study::describe(x) << "\n";
  }
  void final_started(std::size_t configs, std::size_t seeds, double epochs_factor) override {
    std::cout << "\n== final: the " << configs << " best configurations, " << seeds
              << " seeds, epochs x" << epochs_factor << "\n";
  }
  void stopped(std::size_t done, const std::string& resume_hint) override {
    std::cerr << "hsicho run: stopped by a signal with " << done << " trainings done. "
              << resume_hint << "\n";
  }
  void finished(const study::RunSummary& s) override;
};

void TextObserver::finished(const study::RunSummary& s) {
  std::cout << "\ndone: " << s.trainings << " trainings, " << s.failed << " diverged or failed, in "
            << clock_text(s.seconds) << "\n";
  if (s.best.found) {
    std::cout << "best"
              << (s.optimized
                      ? " (mean of " + std::to_string(s.final_seeds) + " seeds, final retraining)"
                      : "")
              << ": configuration " << s.best.config << ": " << s.best.values
              << "\n      validation " << s.metric << " " << num(s.best.val_error) << ", test "
              << num(s.best.test_error) << ", " << s.best.parameters << " parameters, "
              << num(s.best.seconds, "{:.3g}") << " s\n";
  }
  if (s.analysed) {
    const auto& an = s.analysis;
    std::cout << "\nwhat matters" << (s.stages > 1 ? " in the last stage" : "")
              << " (target HSIC, alpha = " << an.alpha << ", " << an.m << " best of " << an.n
              << "):\n";
    if (const auto w = hsic::goal_set_warning(an); !w.empty()) std::cout << "  " << w << "\n";
    std::cout << ranking_table(an, false, "  ");
  } else {
    std::cout << "\nno sensitivity analysis: " << s.analysis_problem << "\n";
  }
  std::cout << "\nstudy file: " << s.out << "\n"
            << "look at it:  hsicho report " << s.out << "\n"
            << "             hsicho analyze " << s.out
            << " (other alpha, bandwidth, ... with options)\n"
            << "             /usr/bin/python3 scripts/plot_study.py " << s.out << " (figures)\n"
            << "             (layout: docs/hdf5.md)\n";
}

}  // namespace

int cmd_run(const RunArgs& args, const Context& ctx) {
  study::RunOptions o;
  o.deck = args.deck;
  o.out = args.out;
  o.resume = args.resume;
  TextObserver text;
  return study::run(o, ctx.rank, ctx.ranks, text);
}

}  // namespace hsicho::cli
