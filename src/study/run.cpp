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
#include <sstream>

#include "hsicho/design/design.hpp"
#include "hsicho/dist/hsic_partition.hpp"
#include "hsicho/dist/work_queue.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/deck.hpp"
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
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
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
  s << YAML::Dump(deck.data) << '\n'
    << YAML::Dump(deck.model) << '\n'
    << YAML::Dump(deck.training) << '\n';
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

// The training seed of configuration i: a function of the study seed and i only.
std::uint64_t config_seed(std::uint64_t study_seed, std::size_t i) {
  std::uint64_t s = study_seed ^ (0xD1B54A32D192ED03ull * (i + 1));
  return splitmix64(s) >> 1;  // 63 bits: fits the signed integers of HDF5 and LibTorch
}

hsic::Options analysis_options(const space::Deck& deck) {
  hsic::Options o;
  o.conditional = true;
  o.seed = deck.study.seed;
  const YAML::Node& a = deck.analysis;
  auto where = [&](const char* key) {
    const auto m = a[key].Mark();
    return SourceMark{deck.path, m.line + 1, m.column + 1};
  };
  try {
    if (a["alpha"]) {
      o.alpha = a["alpha"].as<double>();
      if (!(o.alpha > 0 && o.alpha < 1))
        throw InputError(where("alpha"), "analysis.alpha must be in (0, 1)");
    }
    if (a["bandwidth"]) o.bandwidth = hsic::BandwidthRule::parse(a["bandwidth"].Scalar());
    if (a["estimator"]) {
      const auto e = a["estimator"].Scalar();
      if (e != "v" && e != "u")
        throw InputError(where("estimator"), "analysis.estimator must be v or u");
      o.estimator = e == "u" ? hsic::Estimator::U : hsic::Estimator::V;
    }
    if (a["pvalues"]) {
      const auto p = a["pvalues"].Scalar();
      if (p == "none") {
        o.pvalues = hsic::PValueMethod::None;
      } else if (p.rfind("permutation:", 0) == 0) {
        o.pvalues = hsic::PValueMethod::Permutation;
        o.permutations = std::stoul(p.substr(12));
      } else if (p != "gamma") {
        throw InputError(where("pvalues"), "analysis.pvalues must be gamma, permutation:B or none");
      }
    }
    if (a["interactions"]) o.interactions = a["interactions"].as<bool>();
  } catch (const YAML::Exception& e) {
    throw InputError(deck.path + ": block 'analysis': " + e.msg);
  } catch (const std::invalid_argument& e) {
    throw InputError(deck.path + ": block 'analysis': " + e.what());
  }
  if (o.estimator == hsic::Estimator::U && o.pvalues == hsic::PValueMethod::Gamma)
    o.pvalues = hsic::PValueMethod::None;
  return o;
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
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

}  // namespace

int run(const RunOptions& options, int rank, int ranks) {
  const auto started = std::chrono::steady_clock::now();
  const std::string started_at = now_iso();
  const bool root = rank == 0;
  const auto deck = space::load_deck(options.deck);
  train::check_space_keys(deck);
  const hsic::Options analysis = analysis_options(deck);
  const std::string out = options.out.empty() ? deck.study.output : options.out;
  const std::string journal_dir = out + ".journal";
  const std::string fp = fingerprint(deck);
  const auto design = design::make_design(deck.space, deck.design, deck.study.seed);
  const std::size_t n = design.configs.size();
  // Every configuration's spec is checked before any training starts.
  std::vector<train::TrainSpec> specs;
  for (std::size_t i = 0; i < n; ++i)
    specs.push_back(train::resolve(deck, design.configs[i], config_seed(deck.study.seed, i)));

  // The journal: refuse to mix with an old one unless resuming.
  if (fs::exists(journal_dir) && !options.resume) {
    throw InputError("'" + journal_dir +
                     "' holds the journal of an earlier run: continue it with --resume, "
                     "or remove it to start over");
  }
  dist::barrier();
  if (root) fs::create_directories(journal_dir);
  dist::barrier();
  std::vector<char> done(n, 0);
  std::size_t already = 0;
  if (options.resume) {
    const auto old = io::read_journals(journal_dir, fp);
    for (const auto& r : old.records) {
      if (r.config < n && !done[r.config]) done[r.config] = 1, ++already;
    }
    if (root) {
      std::cout << "resuming: " << already << " of " << n
                << " trainings already done (journals: " << old.files.size() << " files"
                << (old.dropped ? ", " + std::to_string(old.dropped) + " torn records dropped" : "")
                << ")\n";
    }
  }
  // A new run may start while an old rank's writer still holds its file: each rank appends to its
  // own file only.
  dist::barrier();
  io::JournalWriter journal(journal_dir, rank, fp);

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < n; ++i) {
    if (!done[i]) todo.push_back(i);
  }
  std::map<std::string, train::DataSet> data_cache;
  auto data_for = [&](const train::DataSpec& d) -> const train::DataSet& {
    const auto key = data_key(d);
    auto it = data_cache.find(key);
    if (it == data_cache.end())
      it = data_cache.emplace(key, train::load_dataset(d, deck.study.seed)).first;
    return it->second;
  };
  if (deck.study.dynamic && deck.study.longest_first && !todo.empty()) {
    // Longest expected first (parameters x epochs), so that no long training starts last.
    std::vector<double> cost(n, 0);
    for (auto i : todo) {
      cost[i] =
          static_cast<double>(train::count_parameters(specs[i].model, data_for(specs[i].data))) *
          specs[i].optim.epochs;
    }
    std::stable_sort(todo.begin(), todo.end(), [&](auto a, auto b) { return cost[a] > cost[b]; });
  }
  if (root) {
    std::cout << "study '" << deck.study.name << "': " << n << " configurations, " << todo.size()
              << " to train on " << ranks << " rank" << (ranks > 1 ? "s" : "") << " ("
              << (deck.study.dynamic ? "dynamic" : "static") << " scheduling); journal "
              << journal_dir << "\n"
              << std::flush;
  }

  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  const int local_rank = train::local_rank_from_environment();
  double last_print = -1e300;
  {
    dist::WorkQueue queue(todo.size(), deck.study.dynamic);
    auto elapsed = [&]() {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    auto print_progress = [&](bool force) {
      const double t = elapsed();
      if (!force && deck.study.progress_seconds > 0 && t - last_print < deck.study.progress_seconds)
        return;
      last_print = t;
      const auto p = queue.read();
      const double rate = p.done > 0 ? t / static_cast<double>(p.done) : NAN;
      char best[32];
      std::snprintf(best, sizeof best, "%.4g", p.best);
      std::cout << "progress: " << (already + static_cast<std::size_t>(p.done)) << "/" << n
                << " done, " << p.failed << " failed, best validation error "
                << (std::isfinite(p.best) ? best : "-") << ", elapsed " << clock_text(t)
                << ", left ~"
                << clock_text(rate *
                              static_cast<double>(todo.size() - static_cast<std::size_t>(p.done)))
                << "\n"
                << std::flush;
    };
    while (!stop_requested) {
      const auto k = queue.next();
      if (!k) break;
      const std::size_t i = todo[*k];
      const auto& spec = specs[i];
      const train::Result r = train::train_one(spec, data_for(spec.data), local_rank);
      journal.append({i, rank, r});  // on disk before the next training starts
      queue.record(r.status != "ok", r.val_error);
      if (root) print_progress(false);
    }
    queue.finish();
    if (root) {
      // Rank 0 keeps reporting while the others finish.
      std::int64_t last_done = -1;
      for (;;) {
        const auto p = queue.read();
        if (p.finished_ranks >= ranks) break;
        if (p.done != last_done) print_progress(false), last_done = p.done;
        struct timespec ts {
          0, 200000000
        };
        nanosleep(&ts, nullptr);
      }
      print_progress(true);
    }
  }
  if (dist::any_rank(stop_requested != 0)) {
    if (root) {
      const auto j = io::read_journals(journal_dir, fp);
      std::cerr << "hsicho run: stopped by a signal with " << j.records.size() << " of " << n
                << " trainings done (all saved in " << journal_dir << ").\n"
                << "continue with: srun hsicho run " << options.deck << " --resume"
                << (options.out.empty() ? "" : " --out " + options.out) << "\n";
    }
    return 1;
  }

  // Every rank reads every journal: all results, whichever rank trained them.
  dist::barrier();
  const auto all = io::read_journals(journal_dir, fp);
  std::vector<const io::JournalRecord*> result(n, nullptr);
  for (const auto& r : all.records) {
    if (r.config < n && !result[r.config]) result[r.config] = &r;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!result[i])
      throw RuntimeError("configuration " + std::to_string(i) + " has no result in " + journal_dir);
  }

  const auto& sp = deck.space;
  const std::size_t d = sp.dimension(), p = sp.size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  Eigen::VectorXd y(static_cast<Eigen::Index>(n));
  std::vector<double> row(d);
  for (std::size_t i = 0; i < n; ++i) {
    sp.normalize(design.configs[i], deck.study.seed, i, row.data());
    for (std::size_t c = 0; c < d; ++c)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = row[c];
    y[static_cast<Eigen::Index>(i)] = result[i]->result.val_error;
  }
  std::vector<std::string> names;
  for (auto c : sp.free_columns())
    names.push_back(sp[c].name);
  hsic::Analysis an;
  std::string analysis_problem;
  try {
    an = hsic::analyze(x, y, names, analysis, dist::world_partition());
  } catch (const std::invalid_argument& e) {
    analysis_problem = e.what();  // e.g. every training failed: the study is still worth saving
  }

  const std::string hosts = dist::host_names();  // a collective: every rank takes part
  if (root) {
    io::StudyData s;
    s.name = deck.study.name;
    s.deck_path = options.deck;
    s.deck_text = deck.text;
    s.version = kVersion;
    s.commit = kGitCommit;
    s.started = started_at;
    s.finished = now_iso();
    s.hosts = hosts;
    s.ranks = ranks;
    s.seed = static_cast<std::int64_t>(deck.study.seed);
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
    s.free_names = names;
    s.n = n;
    std::size_t longest = 1;
    for (std::size_t i = 0; i < n; ++i)
      longest = std::max(longest, result[i]->result.curve.size());
    s.curve_length = longest;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < p; ++k) {
        const auto& v = design.configs[i][k];
        s.values.push_back(v ? space::to_text(*v) : "");
        s.active.push_back(v ? 1 : 0);
      }
      for (std::size_t c = 0; c < d; ++c) {
        s.unit.push_back(design.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)));
        s.normalized.push_back(x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)));
      }
      s.seeds.push_back(static_cast<std::int64_t>(specs[i].seed));
      s.stage.push_back(1);
      const auto& r = result[i]->result;
      s.status.push_back(r.status);
      s.message.push_back(r.message);
      s.device.push_back(r.device);
      s.val_error.push_back(r.val_error);
      s.test_error.push_back(r.test_error);
      s.val_rel_l2.push_back(r.val_rel_l2);
      s.test_rel_l2.push_back(r.test_rel_l2);
      s.seconds.push_back(r.seconds);
      s.parameters.push_back(r.parameters);
      s.epochs.push_back(r.epochs);
      s.best_epoch.push_back(r.best_epoch);
      s.rank.push_back(result[i]->rank);
      for (std::size_t k = 0; k < longest; ++k)
        s.curves.push_back(k < r.curve.size() ? r.curve[k] : NAN);
    }
    s.metric = specs.empty() || specs[0].optim.loss != "cross_entropy" ? "mse" : "error_rate";
    if (analysis_problem.empty()) {
      s.analysed = true;
      s.alpha = an.alpha, s.threshold = an.threshold, s.m = static_cast<std::int64_t>(an.m);
      s.estimator = analysis.estimator == hsic::Estimator::V ? "v" : "u";
      s.bandwidth = analysis.bandwidth.str();
      s.pvalues = analysis.pvalues == hsic::PValueMethod::None ? "none"
                  : analysis.pvalues == hsic::PValueMethod::Gamma
                      ? "gamma"
                      : "permutation:" + std::to_string(analysis.permutations);
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
    io::write_study(out, s);

    // The summary a user watching the log wants.
    std::size_t failed = 0, best = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (result[i]->result.status != "ok")
        ++failed;
      else if (best == n || result[i]->result.val_error < result[best]->result.val_error)
        best = i;
    }
    std::cout
        << "\ndone: " << n << " trainings, " << failed << " diverged or failed, in "
        << clock_text(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count())
        << "\n";
    if (best < n) {
      const auto& r = result[best]->result;
      std::cout << "best: configuration " << best << ":";
      for (std::size_t k = 0; k < p; ++k) {
        if (design.configs[best][k])
          std::cout << " " << sp[k].name << "=" << space::to_text(*design.configs[best][k]);
      }
      std::cout << "\n      validation " << s.metric << " " << r.val_error << ", test "
                << r.test_error << ", " << r.parameters << " parameters, " << r.seconds << " s\n";
    }
    if (analysis_problem.empty()) {
      std::vector<std::size_t> order(an.inputs.size());
      for (std::size_t k = 0; k < order.size(); ++k)
        order[k] = k;
      auto key = [&](std::size_t k) {
        return std::isnan(an.inputs[k].hsic) ? -INFINITY : an.inputs[k].hsic;
      };
      std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
      std::cout << "\nwhat matters (target HSIC, alpha = " << an.alpha << ", " << an.m
                << " best of " << an.n << "):\n";
      for (auto k : order) {
        const auto& r = an.inputs[k];
        char line[160];
        std::snprintf(line, sizeof line, "  %-16s HSIC %.3e  share %5.1f%%  p %.2g%s%s\n",
                      r.name.c_str(), r.hsic, 100 * (std::isnan(r.share) ? 0 : r.share), r.pvalue,
                      r.pvalue < 0.05 ? "  *" : "", r.conditional ? "  (where active)" : "");
        std::cout << line;
      }
    } else {
      std::cout << "\nno sensitivity analysis: " << analysis_problem << "\n";
    }
    std::cout << "\nstudy file: " << out << "\n"
              << "look at it:  hsicho analyze " << out
              << " (other alpha, bandwidth, ... with options)\n"
              << "             python3 -c \"import h5py; f = h5py.File('" << out
              << "'); print(list(f['analysis']))\"\n"
              << "             (layout: docs/hdf5.md)\n";
  }
  return 0;
}

}  // namespace hsicho::study
