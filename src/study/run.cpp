#include "hsicho/study/run.hpp"
#include "hsicho/io/deck_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "hsicho/design/design.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/journal_folder.hpp"
#include "hsicho/io/output_guard.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/best.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/savings.hpp"
#include "hsicho/study/stage.hpp"
#include "scheduler.hpp"
#include "study_writer.hpp"

namespace hsicho::study {
namespace {

// The study as a sequence of stages (one for a plain study or a baseline, several for the
// HSIC-guided optimizer), then the optimizer's final retraining, then the study file.
class Driver {
 public:
  Driver(const RunOptions& options, int rank, int ranks, RunObserver& observer)
      : options_(options),
        rank_(rank),
        ranks_(ranks),
        observer_(rank == 0 ? &observer : nullptr),
        deck_(io::load_deck(options.deck)),
        scheduler_(deck_, rank, ranks, observer_) {
    train::check_space_keys(deck_);
    opt_ = read_optimize(deck_);
    analysis_ = read_analysis(deck_);
    out_ = options.out.empty() ? deck_.study.output : options.out;
    journal_dir_ = out_ + ".journal";
    refuse_overwriting_the_deck();
  }

  // The study file would replace the deck (`--out deck.yaml`, or study.output naming it), or
  // cannot be written where it is asked for: said now, not after every training.
  void refuse_overwriting_the_deck() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    // A newline or another control character would break every command printed with the name
    // (the resume hint, the log, scripts reading them).
    for (const char c : out_) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        throw InputError("the study file name '" + out_ +
                         "' holds a control character (a newline, a tab): give a name without");
      }
    }
    // Its folders' names add up to 13 bytes (".journal.lock"): within the file system's 255.
    if (const auto name = fs::path(out_).filename().string(); name.size() > 255 - 13) {
      throw InputError("the study file name '" + name + "' is " + std::to_string(name.size()) +
                       " bytes long: at most 242 (its journal folder adds '.journal'; a name "
                       "holds at most 255 bytes)");
    }
    if (out_.empty() || out_.back() == '/' || fs::is_directory(out_, ec)) {
      throw InputError("the study file '" + out_ + "' is a folder: give a file name, e.g. " +
                       (out_.empty() ? std::string() : out_ + (out_.back() == '/' ? "" : "/")) +
                       deck_.study.name + ".h5");
    }
    const fs::path folder =
        fs::path(out_).parent_path().empty() ? fs::path(".") : fs::path(out_).parent_path();
    if (!fs::is_directory(folder, ec)) {
      throw InputError("the study file '" + out_ + "' would go into '" + folder.string() +
                       "', which does not exist: create it first");
    }
    if (::access(folder.c_str(), W_OK) != 0) {
      throw InputError("the study file '" + out_ +
                       "' cannot be written: no permission to write "
                       "in '" +
                       folder.string() + "'");
    }
    if (std::filesystem::equivalent(out_, options_.deck, ec) ||
        std::filesystem::weakly_canonical(out_, ec) ==
            std::filesystem::weakly_canonical(options_.deck, ec)) {
      throw InputError("the study file '" + out_ +
                       "' is the deck itself: give --out another "
                       "name (e.g. " +
                       deck_.study.name + ".h5)");
    }
    io::check_study_output(out_, deck_.study.name, options_.overwrite, "--overwrite");
  }

  // What is kept and how to go on, after a stop (`stopped`: asked for, nothing to fix) or a
  // failure; the command with the launcher and the hsicho of this run.
  std::string resume_hint(bool stopped = false) const {
    return "Finished trainings are kept in " + journal_dir_ +
           (stopped ? "; continue with: " : "; once the cause is fixed, continue with: ") +
           resume_command(options_.deck, options_.out, parallel::launcher_prefix(ranks_));
  }

  // True when the journal holds trainings and every one failed (read on rank 0, under the lock).
  bool no_training_has_a_result() const {
    const auto journals = io::read_journals(journal_dir_, "");
    const auto latest = io::latest_records(journals);
    return !latest.empty() && std::all_of(latest.begin(), latest.end(), [](const auto& kv) {
      return kv.second->result.status == Outcome::Failed;
    });
  }

  int run() {
    started_ = std::chrono::steady_clock::now();
    started_at_ = now_iso();
    std::size_t grew_from = 0;
    std::vector<std::string> notes;  // what changed in how the study runs, for the log
    scheduler_.lock_journal(journal_dir_, options_.resume, [&] {
      const auto before = options_.resume ? read_plan(journal_dir_) : std::nullopt;
      // Every training so far failed (a typo in the command, a script that raises): no result
      // depends on the program yet, so the command and its files may change.
      const bool no_result = before && no_training_has_a_result();
      Plan plan = settle_plan(before, deck_, opt_.enabled, planned_trainings(), no_result);
      if (before) {
        if (no_result) {
          for (const auto& c : identity_changes(before->identity, plan.identity))
            notes.push_back("training command changed (no training had a result): " + c);
        }
        if (no_result && (!program_changes(before->program, plan.program).empty() ||
                          !identity_changes(before->identity, plan.identity).empty()))
          scheduler_.retrain_failed();
        // The user's program is part of what a result means: a change mixes two trainings in
        // one study, so it is refused unless the user says it is intended.
        const auto changed = program_changes(before->program, plan.program);
        if (!changed.empty() && !options_.accept_program_change && !no_result) {
          std::string list;
          for (const auto& c : changed)
            list += "\n  " + c;
          throw InputError("the training program changed since this study started:" + list +
                           "\nRestore it to go on with this study; if the change does not "
                           "change what a result means (a fix of a crash, a log line), resume "
                           "with --accept-program-change (the log records it)");
        }
        for (const auto& c : changed)
          notes.push_back(std::string("training program changed (") +
                          (no_result ? "no training had a result" : "accepted") + "): " + c);
        for (const auto& c : identity_changes(before->run_settings, plan.run_settings, true))
          notes.push_back("how the study runs: " + c);
      }
      plan.deck = options_.deck;
      plan.deck_text = deck_.text;
      plan.out = out_;
      plan.started = started_at_;
      plan.started_time = io::journal_time_now();
      plan.ranks = ranks_;
      plan.slurm_job = parallel::slurm_job();
      write_plan(journal_dir_, plan);
      if (before && before->samples.back() < plan.samples.back())
        grew_from = before->samples.back();
    });
    plan_ = *read_plan(journal_dir_);  // rank 0's, on every rank
    scheduler_.place_work_folders(out_);
    if (observer_) {
      observer_->opened(out_, options_.deck, deck_.text, ranks_, options_.resume);
      for (const auto& n : notes)
        observer_->note(n);
      if (grew_from) observer_->extended(grew_from, plan_.samples.back());
    }
    scheduler_.open_journal(plan_.fingerprint, options_.resume);
    install_stop_handlers();
    std::vector<std::size_t> sizes =
        opt_.enabled ? opt_.stages : std::vector<std::size_t>{plan_.samples.back()};
    if (!deck_.design.added.empty() && !train_added()) return stopped();
    space::Space current = deck_.space;
    std::optional<StageDecision> decided;  // the optimizer's plan for the next stage
    std::size_t first = 0;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      // Under a wall-time budget the number of stages is not known yet (0).
      const std::size_t stages = opt_.budget_seconds > 0 ? 0 : sizes.size();
      if (!run_stage(k, stages, current, first, decided ? &*decided : nullptr)) return stopped();
      first += stages_.back().configs.size();
      if (opt_.budget_seconds > 0) sizes = size_stages_by_time(k);
      decided.reset();
      if (opt_.enabled && opt_.strategy == "hsic" && k + 1 < sizes.size() &&
          stages_.back().analysis_problem.empty()) {
        decided = decide_next(k);
        current = decided->next;
      }
    }
    if (opt_.enabled && !final_retraining(first)) return stopped();
    hosts_ = parallel::host_names();  // a collective: every rank takes part
    if (rank_ == 0) write();
    // A study in which no training succeeded trained nothing a batch job can use: exit 1 on
    // every rank (the summary above says why, cause by cause).
    for (const auto& [id, rec] : scheduler_.results()) {
      if (rec.result.ok()) {
        mark_end("finished");
        return 0;
      }
    }
    mark_end("no training succeeded");
    return 1;
  }

 private:
  // design.add's configurations, before the design's: their own batch (stage 0 in the study
  // file), ids from kAddedFirstId. False when stopped.
  bool train_added() {
    added_.space = deck_.space;
    added_.first = kAddedFirstId;
    added_.configs = deck_.design.added;
    if (observer_)
      observer_->note("design.add: " + std::to_string(added_.configs.size()) +
                      " configurations of your own, trained first (left out of the indices)");
    Batch batch;
    batch.stage = 0;
    batch.configs = added_.configs;
    for (std::size_t i = 0; i < added_.configs.size(); ++i) {
      batch.ids.push_back(added_.first + i);
      batch.specs.push_back(spec_of(added_.configs[i], added_.first + i, added_.first + i));
    }
    return train(batch);
  }

  // Stage k: its design over `space` (around the good configurations so far when the optimizer
  // `decided` so), trained and analysed. False when stopped.
  bool run_stage(std::size_t k, std::size_t stages, const space::Space& space, std::size_t first,
                 const StageDecision* decided) {
    stage_started_ = std::chrono::steady_clock::now();
    Stage st;
    st.space = space;
    st.first = first;
    st.alpha = opt_.enabled ? opt_.alpha[k] : analysis_.alpha;
    const auto design =
        !opt_.enabled
            ? make_extended_design(st.space, deck_.design, deck_.study.seed, plan_.samples)
        : decided && decided->sample_near_parents
            ? sample_stage(*decided, opt_, trained_configs(), opt_.stages[k], deck_.study.seed, k)
            : make_stage_design(st.space, stage_design(deck_, opt_, k), deck_.study.seed, k);
    st.configs = design.configs;
    st.unit = design.unit;
    if (observer_ && stages != 1)
      observer_->stage_started(k, stages, st.configs.size(), opt_.stages[k]);
    Batch batch;
    batch.stage = k;
    batch.configs = st.configs;
    batch.prune = true;  // a sampled stage: the deck's rungs, if it has a pruning block
    batch.alpha = st.alpha;
    for (std::size_t i = 0; i < st.configs.size(); ++i) {
      batch.ids.push_back(first + i);
      batch.specs.push_back(spec_of(st.configs[i], first + i, first + i));
    }
    if (!train(batch)) return false;
    analyse(st);
    stages_.push_back(std::move(st));
    return true;
  }

  // Under a wall-time budget, after stage k: the size of stage k + 1, from the time left (the
  // budget less the time spent and the final retraining's estimate) and stage k's time per
  // training (with early stopping and fused training a later stage's trainings cost less than
  // stage 1's: each decision uses the latest). Rank 0 decides and keeps the sizes in the journal
  // folder; every rank reads them there, and a resume, on any number of ranks, trains the same
  // stages. Returns every stage's size decided so far.
  std::vector<std::size_t> size_stages_by_time(std::size_t k) {
    auto decided = io::read_stage_sizes(journal_dir_);
    // The earlier runs' time: as the folder said when this run first looked (its own decisions
    // add this run's time to it).
    if (!spent_before_run_) spent_before_run_ = decided ? decided->spent : 0.0;
    const bool known = decided && (decided->last || decided->sizes.size() > k + 1);
    // Collective, so that no rank reads before rank 0 has written (or skips the barrier).
    if (parallel::any_rank(!known)) {
      // A fault writing it (a full disk) ends the run on every rank, not on rank 0 alone while
      // the others wait: the collective below is also the barrier before they read.
      std::string problem;
      if (rank_ == 0 && !known) {
        try {
          io::write_stage_sizes(journal_dir_, decide_next_size(k, decided));
        } catch (const std::exception& e) {
          problem = e.what();
        }
      }
      if (parallel::any_rank(!problem.empty())) {
        throw RuntimeError(
            rank_ == 0 ? problem : "rank 0 could not write the stage sizes in " + journal_dir_);
      }
      decided = io::read_stage_sizes(journal_dir_);
      if (!decided)
        throw RuntimeError("cannot read the stage sizes rank 0 wrote in " + journal_dir_);
    }
    opt_.stages = decided->sizes;
    while (opt_.alpha.size() < opt_.stages.size())
      opt_.alpha.push_back(opt_.alpha.back());
    if (observer_ && opt_.stages.size() > k + 1) {
      observer_->note(fmt::format("wall-time budget: stage {} of {} trainings{} ({:.0f} s spent)",
                                  k + 2, opt_.stages[k + 1], decided->last ? ", the last" : "",
                                  decided->spent));
    } else if (observer_ && k + 1 == opt_.stages.size()) {
      observer_->note("wall-time budget: that was the last stage; the final retraining is next");
    }
    return opt_.stages;
  }

  // Rank 0's decision after stage k (`before`: the sizes decided so far, from this run or an
  // earlier one). The time spent: the earlier runs' (up to their last decision: what a killed
  // run did after it is not counted) plus this run's.
  io::StageSizes decide_next_size(std::size_t k, const std::optional<io::StageSizes>& before) {
    const Stage& st = stages_.back();
    const double ranks = std::max(1.0, static_cast<double>(ranks_));
    double seconds = 0;
    std::vector<std::pair<double, double>> by_error;  // (error, seconds) of every stage so far
    for (const auto& s : stages_) {
      for (std::size_t i = 0; i < s.configs.size(); ++i) {
        const auto& r = scheduler_.result(s.first + i);
        if (&s == &st) seconds += std::max(0.0, r.seconds);
        if (r.ok()) by_error.emplace_back(r.val_error, std::max(0.0, r.seconds));
      }
    }
    std::sort(by_error.begin(), by_error.end());
    double top = 0;
    const std::size_t n_top = std::min(by_error.size(), opt_.final_top);
    for (std::size_t i = 0; i < n_top; ++i)
      top += by_error[i].second / static_cast<double>(n_top);
    const double final_s =
        static_cast<double>(opt_.final_top * opt_.final_seeds) * opt_.final_epochs * top / ranks;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const double stage_wall = std::chrono::duration<double>(now - stage_started_).count();
    io::StageSizes next;
    next.sizes = before ? before->sizes : std::vector<std::size_t>{opt_.stages.front()};
    next.sizes.resize(k + 1);
    next.spent = spent_before_run_.value_or(0.0) + elapsed;
    const double per = std::max(seconds / ranks, stage_wall) /
                       static_cast<double>(std::max<std::size_t>(1, st.configs.size()));
    const auto n = study::next_stage_by_time(opt_.budget_seconds - next.spent - final_s, per,
                                             opt_.stages.front(), k);
    if (n.size > 0) next.sizes.push_back(n.size);
    next.last = n.last;
    return next;
  }

  // Every configuration trained so far, stage by stage.
  std::vector<space::Config> trained_configs() const {
    std::vector<space::Config> all;
    for (const auto& st : stages_)
      all.insert(all.end(), st.configs.begin(), st.configs.end());
    return all;
  }

  // The optimizer's decisions after stage k, from every training so far and stage k's analysis:
  // the space of stage k + 1 and how to sample it.
  StageDecision decide_next(std::size_t k) {
    Stage& st = stages_.back();
    StageInput in;
    in.space = &st.space;
    in.analysis = st.analysis;
    in.alpha = st.alpha;
    for (const auto& s : stages_) {
      for (std::size_t i = 0; i < s.configs.size(); ++i) {
        const auto& r = scheduler_.result(s.first + i);
        in.configs.push_back(s.configs[i]);
        in.errors.push_back(r.goal_error());  // stopped early: outside the goal set
        in.costs.push_back(static_cast<double>(r.parameters) * std::max(1, r.epochs));
      }
    }
    StageDecision d = decide(in, opt_);
    st.decisions = d.decisions;
    if (observer_) observer_->decisions(k + 1, d.decisions);
    return d;
  }

  // Trainings in all: the design's, or the optimizer's stages and final retraining (at most).
  std::size_t planned_trainings() const {
    if (!opt_.enabled) return deck_.design.samples + deck_.design.added.size();
    // pick: cheapest may add the cheapest of the goal set as one more finalist.
    std::size_t n = (opt_.final_top + (opt_.pick_cheapest ? 1 : 0)) * opt_.final_seeds +
                    deck_.design.added.size();
    for (auto s : opt_.stages)
      n += s;
    return n;
  }

  // What the built-in trainer makes of a configuration (with a command: only its seed).
  train::TrainSpec spec_of(const space::Config& config, std::size_t id, std::size_t point) const {
    const auto seed = config_seed(deck_.study.seed, id);
    if (deck_.external) {
      train::TrainSpec spec;
      spec.seed = seed;
      return spec;
    }
    return train::resolve_point(deck_, config, seed, point);
  }

  void analyse(Stage& st) {
    const auto& sp = st.space;
    const std::size_t n = st.configs.size(), d = sp.dimension();
    Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    Eigen::VectorXd y(static_cast<Eigen::Index>(n));
    std::vector<double> row(d);
    for (std::size_t i = 0; i < n; ++i) {
      sp.normalize(st.configs[i], deck_.study.seed, st.first + i, row.data());
      for (std::size_t c = 0; c < d; ++c)
        x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = row[c];
      // A training stopped early is outside the goal set (Z = 0), its error censored.
      y[static_cast<Eigen::Index>(i)] = scheduler_.result(st.first + i).goal_error();
    }
    std::vector<std::string> names;
    for (auto c : sp.free_columns())
      names.push_back(sp[c].name);
    hsic::Options o = analysis_;
    o.alpha = st.alpha;
    o.discrete = discrete_columns(sp, names);
    try {
      if (d == 0) throw std::invalid_argument("every hyperparameter is frozen");
      if (!(y.array() < INFINITY).any()) {
        throw std::invalid_argument("all " + std::to_string(n) +
                                    " trainings diverged or failed, nothing to compare "
                                    "('hsicho report' on the study file says why)");
      }
      st.analysis = hsic::analyze(x, y, names, o, parallel::world_partition());
    } catch (const std::invalid_argument& e) {
      st.analysis_problem = e.what();  // e.g. every training failed: still worth saving
    }
  }

  // Retrains the top configurations (distinct, successful) with more epochs and several seeds;
  // the winner has the best mean validation error.
  bool final_retraining(std::size_t first) {
    std::vector<std::size_t> ranked;
    for (std::size_t i = 0; i < added_.configs.size(); ++i) {
      if (scheduler_.result(added_.first + i).ok()) ranked.push_back(added_.first + i);
    }
    for (const auto& st : stages_) {
      for (std::size_t i = 0; i < st.configs.size(); ++i) {
        if (scheduler_.result(st.first + i).ok()) ranked.push_back(st.first + i);
      }
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](auto a, auto b) {
      return scheduler_.result(a).val_error < scheduler_.result(b).val_error;
    });
    // With optimize.pick: cheapest, the cheapest configuration of the search's goal set (within
    // its alpha-quantile, or within the tolerance of the best if that is wider) joins the
    // finalists: the winner can then be cheap and as good, within the seeds' spread.
    if (opt_.pick_cheapest && !ranked.empty()) {
      std::vector<double> errors, costs;
      for (auto id : ranked) {
        errors.push_back(scheduler_.result(id).val_error);
        costs.push_back(cost_of(scheduler_.result(id), analysis_.cost));
      }
      const double tolerance = pick_limit(errors.front(), errors, analysis_.tolerance).limit;
      const double alpha = opt_.alpha.empty() ? analysis_.alpha : opt_.alpha.back();
      const double goal = errors[static_cast<std::size_t>(
          std::floor(alpha * static_cast<double>(errors.size() - 1)))];
      std::vector<std::size_t> finalists;
      for (auto k : front_finalists(errors, costs, opt_.final_top, std::max(tolerance, goal)))
        finalists.push_back(ranked[k]);
      ranked = finalists;
    } else if (ranked.size() > opt_.final_top) {
      ranked.resize(opt_.final_top);
    }
    final_configs_ = ranked;
    final_first_ = first;
    Batch batch;
    batch.stage = stages_.size();
    batch.epochs_factor = opt_.final_epochs;
    for (std::size_t t = 0; t < ranked.size(); ++t) {
      const auto& cfg = config_of(stages_, ranked[t], &added_);
      for (std::size_t s = 0; s < opt_.final_seeds; ++s) {
        const std::size_t id = first + t * opt_.final_seeds + s;
        auto spec = spec_of(cfg, id, ranked[t]);
        spec.optim.epochs =
            std::max(1, static_cast<int>(std::lround(spec.optim.epochs * opt_.final_epochs)));
        batch.ids.push_back(id);
        batch.retrains.push_back(ranked[t]);
        batch.configs.push_back(cfg);
        batch.specs.push_back(spec);
      }
    }
    if (observer_)
      observer_->final_started(ranked.size(), opt_.final_seeds, opt_.final_epochs,
                               opt_.pick_cheapest);
    return train(batch);
  }

  // A batch trained over the ranks; its wall time counted in the run's training time (what a
  // user pays for the trainings, without the start-up, analyses and writing around them).
  bool train(const Batch& batch) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool done = scheduler_.train_all(batch);
    training_wall_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return done;
  }

  // Exit status 3: stopped by a signal, to be resumed (batch scripts requeue on it, and on
  // nothing else).
  int stopped() {
    mark_end("stopped by a signal");
    if (observer_) observer_->stopped(scheduler_.results().size(), resume_hint(true));
    return 3;
  }

 public:
  // Rank 0 records in the plan how this run ended (best effort: the run's own outcome stands).
  void mark_end(const std::string& how) {
    if (rank_ != 0 || plan_.samples.empty()) return;
    try {
      Plan p = plan_;
      p.end = how;
      write_plan(journal_dir_, p);
    } catch (const std::exception&) {
    }
  }

 private:
  // Rank 0: the study file, then the summary for the observer.
  void write() {
    StudyParts parts;
    parts.deck = &deck_;
    parts.deck_path = options_.deck;
    parts.optimize = &opt_;
    parts.analysis = &analysis_;
    parts.stages = &stages_;
    if (!added_.configs.empty()) parts.added = &added_;
    parts.results = &scheduler_.results();
    parts.earlier = &scheduler_.earlier_attempts();
    parts.final_configs = final_configs_;
    parts.final_first = final_first_;
    parts.started = started_at_;
    parts.hosts = hosts_;
    parts.training_wall = training_wall_;
    parts.sources = scheduler_.data_sources();
    parts.class_names = scheduler_.class_names();
    parts.ranks = ranks_;
    if (!opt_.enabled) parts.design_sizes = plan_.samples;
    const auto study = assemble_study(parts, pick_winner(parts));
    io::write_study(out_, study);
    const auto& best = study.best;

    RunSummary sum;
    sum.trainings = scheduler_.results().size();
    std::vector<const Record*> records;
    for (const auto& [id, rec] : scheduler_.results()) {
      records.push_back(&rec.result);
      if (!rec.result.failed()) continue;
      ++sum.failed;
      auto& c = sum.causes[rec.result.outcome_text()];
      if (c.first++ == 0) c.second = rec.result.message;
    }
    sum.savings = savings_of(records);
    sum.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    sum.training_seconds = training_wall_;
    sum.metric = metric_of(deck_);
    sum.best = best;
    sum.pick = study.pick;
    sum.pick_rule = study.pick_info.rule;
    sum.cost_name = study.pick_info.cost;
    sum.optimized = opt_.enabled;
    sum.final_seeds = opt_.final_seeds;
    sum.stages = stages_.size();
    sum.analysed = stages_.front().analysis_problem.empty();
    sum.analysis = stages_.front().analysis;  // the first stage's: the headline
    sum.analysis_problem = stages_.front().analysis_problem;
    sum.out = out_;
    observer_->finished(sum);
  }

  RunOptions options_;
  int rank_, ranks_;
  RunObserver* observer_;  // rank 0's; null elsewhere
  space::Deck deck_;
  Scheduler scheduler_;
  OptimizeSettings opt_;
  hsic::Options analysis_;
  std::string out_, journal_dir_;
  Plan plan_;
  std::vector<Stage> stages_;
  Stage added_;  // design.add's configurations
  std::vector<std::size_t> final_configs_;
  std::size_t final_first_ = 0;
  std::chrono::steady_clock::time_point started_, stage_started_;
  double training_wall_ = 0;                // seconds in train(): this run's
  std::optional<double> spent_before_run_;  // wall-time budget: the earlier runs' seconds
  std::string started_at_, hosts_;
};

}  // namespace

int run(const RunOptions& options, int rank, int ranks, RunObserver& observer) {
  Driver driver(options, rank, ranks, observer);
  try {
    return driver.run();
  } catch (const RuntimeError& e) {
    driver.mark_end(std::string("failed: ") + e.what());
    throw RuntimeError(std::string(e.what()) + "\n" + driver.resume_hint());
  }
}

}  // namespace hsicho::study
