#include "hsicho/study/run.hpp"

#include <time.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "hsicho/design/design.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/parallel/work_queue.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/stage.hpp"
#include "hsicho/train/trainer.hpp"
#include "hsicho/version.hpp"

namespace hsicho::study {
namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_stop_signal(int) {
  stop_requested = 1;
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string hex64(std::uint64_t v) {
  return fmt::format("{:016x}", v);
}

std::uint64_t fnv(const std::string& s, std::uint64_t h = 0xCBF29CE484222325ull) {
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001B3ull;
  return h;
}

// What the results depend on: data, model, training, space, design and seed. The study's name,
// output and analysis settings may change between a run and its resume.
std::string fingerprint(const space::Deck& deck) {
  std::ostringstream s;
  s << deck.data.canonical << '\n'
    << deck.model.canonical << '\n'
    << deck.training.canonical << '\n'
    << (deck.optimize.present ? deck.optimize.canonical : std::string()) << '\n';
  for (const auto& p : deck.space.params()) {
    s << p.name << '|' << space::type_name(p.type) << '|' << p.describe_domain() << '|'
      << (p.condition ? p.condition->text : "") << '|'
      << (p.default_value ? space::to_text(*p.default_value) : "") << '\n';
  }
  s << space::method_name(deck.design.method) << '|' << deck.design.samples << '|'
    << space::criterion_name(deck.design.criterion) << '|' << deck.design.iterations << '|'
    << deck.study.seed;
  return hex64(fnv(s.str()));
}

std::string data_key(const train::DataSpec& d) {
  std::ostringstream s;
  s << d.name << '|' << d.path << '|' << d.dim << '|' << d.train << '|' << d.validation << '|'
    << d.test << '|' << d.noise << '|' << d.species << '|' << d.t_max << '|' << d.log_outputs << '|'
    << d.standardize;
  for (double v : d.decay)
    s << ',' << v;
  for (double v : d.initial)
    s << ';' << v;
  return s.str();
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

// One stage of a study: its space, configurations (global ids first .. first + size), analysis
// and the decisions taken after it.
struct Stage {
  space::Space space;
  std::vector<space::Config> configs;
  Eigen::MatrixXd unit;
  std::size_t first = 0;
  double alpha = 0.1;
  hsic::Analysis analysis;
  std::string analysis_problem;
  std::vector<std::string> log;
};

class Driver {
 public:
  Driver(const RunOptions& options, int rank, int ranks)
      : options_(options),
        rank_(rank),
        ranks_(ranks),
        root_(rank == 0),
        deck_(space::load_deck(options.deck)) {
    train::check_space_keys(deck_);
    opt_ = read_optimize(deck_);
    analysis_ = read_analysis(deck_);
    out_ = options.out.empty() ? deck_.study.output : options.out;
    journal_dir_ = out_ + ".journal";
    fp_ = fingerprint(deck_);
    host_ = parallel::this_host();
  }

  // What is kept and how to go on, after a stop or a failure.
  std::string resume_hint() const {
    return "Finished trainings are kept in " + journal_dir_ +
           "; once the cause is fixed, continue with: srun hsicho run " + options_.deck +
           " --resume" + (options_.out.empty() ? "" : " --out " + options_.out);
  }

  int run() {
    started_ = std::chrono::steady_clock::now();
    started_at_ = now_iso();
    open_journal();
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGUSR1, on_stop_signal);
    // The stages: one for a plain study or the random / lhs baselines, several for hsic.
    const std::vector<std::size_t> sizes =
        opt_.enabled ? opt_.stages : std::vector<std::size_t>{deck_.design.samples};
    space::Space current = deck_.space;
    std::size_t first = 0;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      Stage st;
      st.space = current;
      st.first = first;
      st.alpha = opt_.enabled ? opt_.alpha[k] : analysis_.alpha;
      const space::DesignSettings ds = stage_design(deck_, opt_, k);
      const auto design = make_stage_design(st.space, ds, deck_.study.seed, k);
      st.configs = design.configs;
      st.unit = design.unit;
      if (root_ && sizes.size() > 1)
        std::cout << "\n== stage " << k + 1 << " of " << sizes.size() << ": " << sizes[k]
                  << " trainings\n";
      std::vector<train::TrainSpec> specs;
      std::vector<std::size_t> ids;
      for (std::size_t i = 0; i < st.configs.size(); ++i) {
        ids.push_back(first + i);
        specs.push_back(train::resolve_point(deck_, st.configs[i],
                                             config_seed(deck_.study.seed, first + i), first + i));
      }
      if (!train_all(ids, specs)) return stopped();
      analyse(st);
      first += sizes[k];
      if (opt_.enabled && opt_.strategy == "hsic" && k + 1 < sizes.size() &&
          st.analysis_problem.empty()) {
        StageInput in;
        in.space = &st.space;
        in.configs = st.configs;
        in.alpha = st.alpha;
        in.analysis = st.analysis;
        for (std::size_t i = 0; i < st.configs.size(); ++i) {
          const auto& r = results_.at(st.first + i).result;
          in.errors.push_back(r.val_error);
          in.costs.push_back(static_cast<double>(r.parameters) * std::max(1, r.epochs));
        }
        StageDecision d = decide(in, opt_);
        st.log = d.log;
        if (root_) {
          std::cout << "decisions after stage " << k + 1 << ":\n";
          for (const auto& l : d.log)
            std::cout << "  " << l << "\n";
        }
        current = d.next;
      }
      stages_.push_back(std::move(st));
    }
    if (opt_.enabled && !final_retraining(first)) return stopped();
    hosts_ = parallel::host_names();  // a collective: every rank takes part
    if (root_) write_and_report();
    return 0;
  }

 private:
  void open_journal() {
    if (fs::exists(journal_dir_) && !options_.resume) {
      throw InputError("'" + journal_dir_ +
                       "' holds the journal of an earlier run: continue it with --resume, "
                       "or remove it to start over");
    }
    parallel::barrier();
    if (root_) fs::create_directories(journal_dir_);
    parallel::barrier();
    if (options_.resume) {
      const auto old = io::read_journals(journal_dir_, fp_);
      for (const auto& r : old.records)
        results_.emplace(r.config, r);
      if (root_) {
        std::cout << "resuming: " << results_.size()
                  << " trainings already done (journals: " << old.files.size() << " files"
                  << (old.dropped ? ", " + std::to_string(old.dropped) + " torn records dropped"
                                  : "")
                  << ")\n";
      }
    }
    parallel::barrier();
    journal_ = std::make_unique<io::JournalWriter>(journal_dir_, rank_, fp_);
  }

  const train::DataSet& data_for(const train::DataSpec& d) {
    const auto key = data_key(d);
    auto it = data_cache_.find(key);
    if (it == data_cache_.end())
      it = data_cache_.emplace(key, train::load_deck_data(deck_, d)).first;
    return it->second;
  }

  // Trains the ids without a result yet, shared out over the ranks; then every rank reads every
  // journal. Returns false when a rank was asked to stop.
  bool train_all(const std::vector<std::size_t>& ids, const std::vector<train::TrainSpec>& specs) {
    std::vector<std::size_t> todo;  // positions in ids
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (!results_.count(ids[k])) todo.push_back(k);
    }
    // Every rank reads the data and checks the devices before any training, also a rank that
    // will get no work: a missing file or a cuda without a GPU stops all ranks alike, at once.
    // The ranks agree on the outcome, so that a rank whose node differs (a GPU missing, a file
    // absent from a local disk) does not leave the others waiting for it.
    const int local_rank = parallel::local_rank_from_environment();
    std::string problem;
    try {
      for (auto k : todo) {
        data_for(specs[k].data);
        train::choose_device(specs[k].optim.device, local_rank);
      }
    } catch (const InputError& e) {
      problem = e.what();
    }
    if (parallel::any_rank(!problem.empty())) {
      if (!problem.empty() && !root_)
        std::cerr << "hsicho: error on rank " + std::to_string(rank_) + ": " + problem + "\n";
      throw InputError(problem.empty() ? "another rank could not start training (its message "
                                         "is above)"
                                       : problem);
    }
    if (deck_.study.dynamic && deck_.study.longest_first) {
      std::vector<double> cost(ids.size(), 0);
      for (auto k : todo) {
        try {
          cost[k] = static_cast<double>(
                        train::count_parameters(specs[k].model, data_for(specs[k].data))) *
                    specs[k].optim.epochs;
        } catch (const std::exception&) {
          // A network that cannot be built (too large for memory, pooled below one pixel):
          // its training fails at once and is recorded with the reason, like any other failure.
          cost[k] = 0;
        }
      }
      std::stable_sort(todo.begin(), todo.end(), [&](auto a, auto b) { return cost[a] > cost[b]; });
    }
    const std::size_t already = ids.size() - todo.size();
    if (root_) {
      std::cout << ids.size() << " configurations, " << todo.size() << " to train on " << ranks_
                << " rank" << (ranks_ > 1 ? "s" : "") << " ("
                << (deck_.study.dynamic ? "dynamic" : "static") << " scheduling); journal "
                << journal_dir_ << "\n"
                << std::flush;
    }
    const auto t0 = std::chrono::steady_clock::now();
    double last_print = -1e300;
    {
      parallel::WorkQueue queue(todo.size(), deck_.study.dynamic);
      auto print_progress = [&](bool force) {
        const double t =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!force && deck_.study.progress_seconds > 0 &&
            t - last_print < deck_.study.progress_seconds)
          return;
        last_print = t;
        const auto p = queue.read();
        const double per = p.done > 0 ? t / static_cast<double>(p.done) : NAN;
        const std::string best = fmt::format("{:.4g}", p.best);
        std::cout << "progress: " << (already + static_cast<std::size_t>(p.done)) << "/"
                  << ids.size() << " done, " << p.failed << " failed, best validation error "
                  << (std::isfinite(p.best) ? best : std::string("-")) << ", elapsed "
                  << clock_text(t) << ", left ~"
                  << clock_text(per *
                                static_cast<double>(todo.size() - static_cast<std::size_t>(p.done)))
                  << "\n"
                  << std::flush;
      };
      while (!stop_requested) {
        const auto k = queue.next();
        if (!k) break;
        const auto pos = todo[*k];
        const auto& spec = specs[pos];
        train::Result r;
        try {
          r = train::train_one(spec, data_for(spec.data), local_rank);
        } catch (const InputError& e) {
          // Found by one rank in the middle of the study: not a deck error the others share.
          throw RuntimeError(e.what());
        }
        r.rank = rank_;
        r.host = host_;
        journal_->append({ids[pos], r});  // on disk before the next training starts
        queue.record(r.status != "ok", r.val_error);
        if (root_) print_progress(false);
      }
      queue.finish();
      if (root_) {
        std::int64_t last_done = -1;
        for (;;) {
          const auto p = queue.read();
          if (p.finished_ranks >= ranks_) break;
          if (p.done != last_done) print_progress(false), last_done = p.done;
          struct timespec ts {
            0, 200000000
          };
          nanosleep(&ts, nullptr);
        }
        print_progress(true);
      }
    }
    if (parallel::any_rank(stop_requested != 0)) return false;
    parallel::barrier();
    const auto all = io::read_journals(journal_dir_, fp_);
    for (const auto& r : all.records)
      results_.emplace(r.config, r);  // the first record of an id wins
    for (auto id : ids) {
      if (!results_.count(id))
        throw RuntimeError("configuration " + std::to_string(id) + " has no result in " +
                           journal_dir_);
    }
    return true;
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
      y[static_cast<Eigen::Index>(i)] = results_.at(st.first + i).result.val_error;
    }
    std::vector<std::string> names;
    for (auto c : sp.free_columns())
      names.push_back(sp[c].name);
    hsic::Options o = analysis_;
    o.alpha = st.alpha;
    try {
      if (d == 0) throw std::invalid_argument("every hyperparameter is frozen");
      if (!(y.array() < INFINITY).any()) {
        throw std::invalid_argument("all " + std::to_string(n) +
                                    " trainings diverged or failed, nothing to compare "
                                    "('hsicho report' on the study file says why)");
      }
      st.analysis = hsic::analyze(x, y, names, o, parallel::world_partition());
    } catch (const std::invalid_argument& e) {
      st.analysis_problem =
          e.what();  // e.g. every training failed: the study is still worth saving
    }
  }

  // Retrains the top configurations (distinct, successful) with more epochs and several seeds;
  // the winner has the best mean validation error.
  bool final_retraining(std::size_t first) {
    std::vector<std::size_t> ranked;
    for (const auto& st : stages_) {
      for (std::size_t i = 0; i < st.configs.size(); ++i) {
        if (results_.at(st.first + i).result.status == "ok") ranked.push_back(st.first + i);
      }
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](auto a, auto b) {
      return results_.at(a).result.val_error < results_.at(b).result.val_error;
    });
    if (ranked.size() > opt_.final_top) ranked.resize(opt_.final_top);
    final_configs_ = ranked;
    std::vector<std::size_t> ids;
    std::vector<train::TrainSpec> specs;
    for (std::size_t t = 0; t < ranked.size(); ++t) {
      const auto& cfg = config_of(ranked[t]);
      for (std::size_t s = 0; s < opt_.final_seeds; ++s) {
        const std::size_t id = first + t * opt_.final_seeds + s;
        auto spec = train::resolve(deck_, cfg, config_seed(deck_.study.seed, id));
        spec.optim.epochs =
            std::max(1, static_cast<int>(std::lround(spec.optim.epochs * opt_.final_epochs)));
        ids.push_back(id);
        specs.push_back(spec);
      }
    }
    final_first_ = first;
    if (root_) {
      std::cout << "\n== final: the " << ranked.size() << " best configurations, "
                << opt_.final_seeds << " seeds, epochs x" << opt_.final_epochs << "\n";
    }
    return train_all(ids, specs);
  }

  const space::Config& config_of(std::size_t id) const {
    for (const auto& st : stages_) {
      if (id >= st.first && id < st.first + st.configs.size()) return st.configs[id - st.first];
    }
    throw RuntimeError("no configuration " + std::to_string(id));
  }

  int stopped() {
    if (root_) {
      std::cerr << "hsicho run: stopped by a signal with " << results_.size() << " trainings done. "
                << resume_hint() << "\n";
    }
    return 1;
  }

  void write_and_report();

  RunOptions options_;
  int rank_, ranks_;
  bool root_;
  space::Deck deck_;
  OptimizeSettings opt_;
  hsic::Options analysis_;
  std::string out_, journal_dir_, fp_;
  std::unique_ptr<io::JournalWriter> journal_;
  std::map<std::size_t, io::JournalRecord> results_;
  std::map<std::string, train::DataSet> data_cache_;
  std::vector<Stage> stages_;
  std::vector<std::size_t> final_configs_;
  std::size_t final_first_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string started_at_;
  std::string hosts_, host_;
};

void Driver::write_and_report() {
  const auto& sp = deck_.space;  // the original space: every stage's configurations fit it
  const std::size_t p = sp.size(), d0 = sp.dimension();
  io::StudyData s;
  s.name = deck_.study.name;
  s.deck_path = options_.deck;
  s.deck_text = deck_.text;
  s.version = kVersion;
  s.commit = kGitCommit;
  s.started = started_at_;
  s.finished = now_iso();
  s.hosts = hosts_;
  s.ranks = ranks_;
  s.seed = static_cast<std::int64_t>(deck_.study.seed);
  for (const auto& q : sp.params()) {
    s.names.push_back(q.name);
    s.types.push_back(space::type_name(q.type));
    s.domains.push_back(q.describe_domain());
    s.conditions.push_back(q.condition ? q.condition->text : "");
    const bool numeric = q.type == space::Type::Continuous || q.type == space::Type::Log ||
                         q.type == space::Type::Integer;
    s.low.push_back(numeric ? q.lo : NAN);
    s.high.push_back(numeric ? q.hi : NAN);
    s.log_scale.push_back(q.type == space::Type::Log || q.log_scale ? 1 : 0);
    s.free.push_back(q.is_free() ? 1 : 0);
  }
  for (auto c : sp.free_columns())
    s.free_names.push_back(sp[c].name);
  std::vector<double> row(d0);
  for (std::size_t k = 0; k < stages_.size(); ++k) {
    const auto& st = stages_[k];
    for (std::size_t i = 0; i < st.configs.size(); ++i) {
      const auto& cfg = st.configs[i];
      for (std::size_t j = 0; j < p; ++j) {
        s.values.push_back(cfg[j] ? space::to_text(*cfg[j]) : "");
        s.active.push_back(cfg[j] ? 1 : 0);
      }
      sp.normalize(cfg, deck_.study.seed, st.first + i, row.data());
      for (std::size_t c = 0; c < d0; ++c) {
        s.normalized.push_back(row[c]);
        // The stage's design coordinate of this column, if it was varied in that stage.
        double u = NAN;
        const auto& cols = st.space.free_columns();
        for (std::size_t cc = 0; cc < cols.size(); ++cc) {
          if (cols[cc] == sp.free_columns()[c])
            u = st.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(cc));
        }
        s.unit.push_back(u);
      }
      const auto& r = results_.at(st.first + i).result;
      s.seeds.push_back(static_cast<std::int64_t>(r.seed));
      s.stage.push_back(static_cast<std::int64_t>(k + 1));
      s.records.push_back(r);
    }
    s.n += st.configs.size();
    s.stage_first.push_back(static_cast<std::int64_t>(st.first));
    s.stage_size.push_back(static_cast<std::int64_t>(st.configs.size()));
    s.stage_alpha.push_back(st.alpha);
    for (const auto& l : st.log)
      s.stage_log.push_back("after stage " + std::to_string(k + 1) + ": " + l);
    for (std::size_t c = 0; c < d0; ++c) {
      double h = NAN, pv = NAN;
      for (const auto& in : st.analysis.inputs) {
        if (in.name == s.free_names[c]) h = in.hsic, pv = in.pvalue;
      }
      s.stage_hsic.push_back(h);
      s.stage_pvalue.push_back(pv);
    }
  }
  const auto* loss = deck_.training.find("loss");
  s.metric = loss && loss->text == "cross_entropy" ? "error_rate" : "mse";
  const std::string& dn = deck_.data_name;
  if (dn == "mnist" || dn == "fashion_mnist" || dn == "cifar10") s.metric = "error_rate";
  const Stage& last = stages_.back();
  if (last.analysis_problem.empty()) {
    const auto& an = last.analysis;
    s.analysed = true;
    s.alpha = an.alpha, s.threshold = an.threshold, s.m = static_cast<std::int64_t>(an.m);
    s.estimator = analysis_.estimator == hsic::Estimator::V ? "v" : "u";
    s.bandwidth = analysis_.bandwidth.str();
    s.pvalues = analysis_.pvalues == hsic::PValueMethod::None ? "none"
                : analysis_.pvalues == hsic::PValueMethod::Gamma
                    ? "gamma"
                    : "permutation:" + std::to_string(analysis_.permutations);
    for (const auto& r : an.inputs) {
      s.input_names.push_back(r.name);
      s.hsic.push_back(r.hsic);
      s.stderr_.push_back(r.stderr_);
      s.r2.push_back(r.r2);
      s.share.push_back(r.share);
      s.pvalue.push_back(r.pvalue);
      s.input_bandwidth.push_back(r.bandwidth);
      s.input_threshold.push_back(r.threshold);
      s.input_n.push_back(static_cast<std::int64_t>(r.n));
      s.input_m.push_back(static_cast<std::int64_t>(r.m));
      s.conditional.push_back(r.conditional ? 1 : 0);
      s.active_hsic.push_back(r.active_hsic);
      s.active_pvalue.push_back(r.active_pvalue);
    }
    for (Eigen::Index a = 0; a < an.interactions.rows(); ++a) {
      for (Eigen::Index b = 0; b < an.interactions.cols(); ++b)
        s.interactions.push_back(an.interactions(a, b));
    }
  }

  // The winner: of the final retraining (best mean validation error over seeds), else the best
  // training.
  std::size_t winner = SIZE_MAX;
  double win_val = INFINITY, win_test = NAN, win_seconds = NAN;
  std::int64_t win_params = 0;
  if (opt_.enabled) {
    s.optimized = true;
    s.strategy = opt_.strategy;
    for (std::size_t t = 0; t < final_configs_.size(); ++t) {
      double sv = 0, st = 0, ss = 0;
      std::int64_t params = 0;
      for (std::size_t k = 0; k < opt_.final_seeds; ++k) {
        const auto& r = results_.at(final_first_ + t * opt_.final_seeds + k).result;
        s.final_val.push_back(r.val_error);
        s.final_test.push_back(r.test_error);
        sv += r.val_error, st += r.test_error, ss += r.seconds, params = r.parameters;
      }
      const double n = static_cast<double>(opt_.final_seeds);
      s.final_config.push_back(static_cast<std::int64_t>(final_configs_[t]));
      if (sv / n < win_val)
        winner = final_configs_[t], win_val = sv / n, win_test = st / n, win_seconds = ss / n,
        win_params = params;
    }
    s.final_seeds = opt_.final_seeds;
  } else {
    for (const auto& [id, rec] : results_) {
      if (rec.result.status == "ok" && rec.result.val_error < win_val) {
        winner = id, win_val = rec.result.val_error, win_test = rec.result.test_error;
        win_seconds = rec.result.seconds, win_params = rec.result.parameters;
      }
    }
  }
  std::string values;
  if (winner != SIZE_MAX) {
    const auto& cfg = config_of(winner);
    for (std::size_t j = 0; j < p; ++j) {
      if (cfg[j])
        values += (values.empty() ? "" : " ") + sp[j].name + "=" + space::to_text(*cfg[j]);
    }
    s.best_config = static_cast<std::int64_t>(winner);
    s.best_values = values;
    s.best_val = win_val, s.best_test = win_test, s.best_seconds = win_seconds,
    s.best_parameters = win_params;
  }
  io::write_study(out_, s);

  std::size_t failed = 0;
  for (const auto& [id, rec] : results_)
    failed += rec.result.status != "ok";
  std::cout
      << "\ndone: " << results_.size() << " trainings, " << failed << " diverged or failed, in "
      << clock_text(
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count())
      << "\n";
  if (winner != SIZE_MAX) {
    std::cout << "best"
              << (opt_.enabled ? " (mean of " + std::to_string(opt_.final_seeds) +
                                     " seeds, final retraining)"
                               : "")
              << ": configuration " << winner << ": " << values << "\n      validation " << s.metric
              << " " << win_val << ", test " << win_test << ", " << win_params << " parameters, "
              << win_seconds << " s\n";
  }
  if (last.analysis_problem.empty()) {
    const auto& an = last.analysis;
    std::vector<std::size_t> order(an.inputs.size());
    for (std::size_t k = 0; k < order.size(); ++k)
      order[k] = k;
    auto key = [&](std::size_t k) {
      return std::isnan(an.inputs[k].hsic) ? -INFINITY : an.inputs[k].hsic;
    };
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
    std::cout << "\nwhat matters" << (stages_.size() > 1 ? " in the last stage" : "")
              << " (target HSIC, alpha = " << an.alpha << ", " << an.m << " best of " << an.n
              << "):\n";
    if (const auto w = hsic::goal_set_warning(an); !w.empty()) std::cout << "  " << w << "\n";
    for (auto k : order) {
      const auto& r = an.inputs[k];
      // Names longer than the column push the rest right instead of being cut.
      std::cout << fmt::format("  {:<16} HSIC {:.3e}  share {:5.1f}%  p {:.2g}{}{}\n", r.name,
                               r.hsic, 100 * (std::isnan(r.share) ? 0 : r.share), r.pvalue,
                               r.pvalue < 0.05 ? "  *" : "",
                               r.conditional ? "  (where active)" : "");
    }
  } else {
    std::cout << "\nno sensitivity analysis: " << last.analysis_problem << "\n";
  }
  std::cout << "\nstudy file: " << out_ << "\n"
            << "look at it:  hsicho analyze " << out_
            << " (other alpha, bandwidth, ... with options)\n"
            << "             python3 -c \"import h5py; f = h5py.File('" << out_
            << "'); print(list(f['analysis']))\"\n"
            << "             (layout: docs/hdf5.md)\n";
}

}  // namespace

int run(const RunOptions& options, int rank, int ranks) {
  Driver driver(options, rank, ranks);
  try {
    return driver.run();
  } catch (const RuntimeError& e) {
    throw RuntimeError(std::string(e.what()) + "\n" + driver.resume_hint());
  }
}

}  // namespace hsicho::study
