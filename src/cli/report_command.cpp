// hsicho report STUDY.h5 [--json]: what a study found, in the terminal.
// hsicho export STUDY.h5 --csv: one row per training, for pandas, R or another tool.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/io/study_file.hpp"

namespace hsicho::cli {
namespace {

std::string num(double v, const char* spec) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format(fmt::runtime(spec), v);
}

// Inputs ranked by index, largest first (NaN last).
std::vector<std::size_t> ranking(const io::StudyData& s) {
  std::vector<std::size_t> order(s.hsic.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  auto key = [&](std::size_t k) { return std::isnan(s.hsic[k]) ? -INFINITY : s.hsic[k]; };
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
  return order;
}

struct Pair {
  double hsic;
  std::size_t a, b;
};

std::vector<Pair> strongest_pairs(const io::StudyData& s, std::size_t most) {
  std::vector<Pair> pairs;
  const std::size_t d = s.input_names.size();
  if (s.interactions.size() != d * d) return pairs;
  for (std::size_t a = 0; a < d; ++a) {
    for (std::size_t b = a + 1; b < d; ++b) {
      if (!std::isnan(s.interactions[a * d + b]))
        pairs.push_back({s.interactions[a * d + b], a, b});
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const Pair& x, const Pair& y) { return x.hsic > y.hsic; });
  if (pairs.size() > most) pairs.resize(most);
  return pairs;
}

// Failures grouped by status and by the first words of their message.
std::map<std::string, std::pair<int, std::string>> failures(const io::StudyData& s) {
  std::map<std::string, std::pair<int, std::string>> f;
  for (const auto& r : s.records) {
    if (r.status == "ok") continue;
    auto& e = f[r.status];
    if (e.first++ == 0) e.second = r.message;
  }
  return f;
}

}  // namespace

int cmd_report(const ReportArgs& args, const Context& ctx) {
  const auto s = io::read_study(args.study);
  if (ctx.rank != 0) return 0;
  const auto order = ranking(s);
  const auto pairs = strongest_pairs(s, 5);
  const auto fails = failures(s);
  if (args.json) {
    io::Json j;
    j["name"] = s.name;
    j["trainings"] = s.n;
    j["metric"] = s.metric;
    j["failures"] = io::Json::object();
    for (const auto& [status, e] : fails)
      j["failures"][status] = {{"count", e.first}, {"example", e.second}};
    if (s.best_config >= 0) {
      j["best"] = {{"config", s.best_config},         {"values", s.best_values},
                   {"val_error", s.best_val},         {"test_error", s.best_test},
                   {"parameters", s.best_parameters}, {"seconds", s.best_seconds}};
    }
    if (s.analysed) {
      j["alpha"] = s.alpha;
      j["m"] = s.m;
      j["inputs"] = io::Json::array();
      for (const auto k : order) {
        j["inputs"].push_back({{"name", s.input_names[k]},
                               {"hsic", s.hsic[k]},
                               {"stderr", s.stderr_[k]},
                               {"r2", s.r2[k]},
                               {"share", s.share[k]},
                               {"pvalue", s.pvalue[k]},
                               {"significant", s.pvalue[k] < 0.05},
                               {"conditional", s.conditional[k] != 0}});
      }
      j["interactions"] = io::Json::array();
      for (const auto& p : pairs) {
        j["interactions"].push_back(
            {{"a", s.input_names[p.a]}, {"b", s.input_names[p.b]}, {"hsic", p.hsic}});
      }
    }
    j["decisions"] = s.stage_log;
    std::cout << io::json_text(j);
    return 0;
  }
  std::size_t not_ok = 0;
  for (const auto& [status, e] : fails)
    not_ok += static_cast<std::size_t>(e.first);
  std::cout << "study '" << s.name << "' (" << args.study << "): " << s.n << " trainings, "
            << not_ok << " diverged or failed; " << s.started << " to " << s.finished << "\n";
  if (s.optimized) {
    std::cout << "optimization (" << s.strategy << "):";
    for (auto n : s.stage_size)
      std::cout << " " << n;
    std::cout << " trainings per stage, then a final retraining\n";
  }
  if (s.best_config >= 0) {
    std::cout << "\nbest network: configuration " << s.best_config << ": " << s.best_values
              << "\n  validation " << s.metric << " " << num(s.best_val, "{:.4g}") << ", test "
              << num(s.best_test, "{:.4g}") << ", " << s.best_parameters << " parameters, "
              << num(s.best_seconds, "{:.3g}") << " s of training"
              << (s.optimized ? " (means over the final seeds)" : "") << "\n";
  }
  if (s.analysed) {
    std::cout << "\nhyperparameters ranked by target HSIC (alpha = " << s.alpha << ": the " << s.m
              << " best of the" << (s.optimized ? " last stage" : " study") << "):\n";
    std::vector<std::vector<std::string>> rows = {
        {"rank", "hyperparameter", "HSIC", "stderr", "R2", "share", "p-value", ""}};
    for (std::size_t r = 0; r < order.size(); ++r) {
      const auto k = order[r];
      rows.push_back({std::to_string(r + 1),
                      s.input_names[k] + (s.conditional[k] ? " (where active)" : ""),
                      num(s.hsic[k], "{:.3e}"), num(s.stderr_[k], "{:.1e}"), num(s.r2[k], "{:.3f}"),
                      num(100 * s.share[k], "{:.1f}") + "%", num(s.pvalue[k], "{:.2g}"),
                      s.pvalue[k] < 0.05 ? "*" : ""});
    }
    std::vector<std::size_t> w(rows[0].size(), 0);
    for (const auto& row : rows) {
      for (std::size_t c = 0; c < row.size(); ++c)
        w[c] = std::max(w[c], row[c].size());
    }
    for (const auto& row : rows) {
      std::string line = " ";
      for (std::size_t c = 0; c < row.size(); ++c)
        line += " " + row[c] + std::string(w[c] - row[c].size(), ' ');
      while (line.back() == ' ')
        line.pop_back();
      std::cout << line << "\n";
    }
    std::cout << "  * p < 0.05: it changes the chance that a network lands among the best\n";
    for (std::size_t k = 0; k < s.input_names.size(); ++k) {
      if (s.conditional[k]) {
        std::cout << "  " << s.input_names[k] << " exists in " << s.input_n[k]
                  << " trainings; whether it exists: HSIC " << num(s.active_hsic[k], "{:.3e}")
                  << ", p " << num(s.active_pvalue[k], "{:.2g}") << "\n";
      }
    }
    if (!pairs.empty()) {
      std::cout << "\nstrongest interactions (joint index of the pair):\n";
      for (const auto& p : pairs) {
        std::cout << "  " << s.input_names[p.a] << " x " << s.input_names[p.b] << ": "
                  << num(p.hsic, "{:.3e}") << "\n";
      }
    }
  } else {
    std::cout << "\nno sensitivity analysis in this file\n";
  }
  if (!fails.empty()) {
    std::cout << "\nfailures by cause:\n";
    for (const auto& [status, e] : fails)
      std::cout << "  " << status << ": " << e.first << " (e.g. " << e.second << ")\n";
  }
  if (!s.stage_log.empty()) {
    std::cout << "\nthe optimizer's decisions:\n";
    for (const auto& l : s.stage_log)
      std::cout << "  " << l << "\n";
  }
  return 0;
}

int cmd_export(const ExportArgs& args, const Context& ctx) {
  const auto s = io::read_study(args.study);
  if (ctx.rank != 0) return 0;
  // config, stage, the hyperparameters' typed values, then every field of the Record.
  std::vector<std::string> header = {"config", "stage"};
  header.insert(header.end(), s.names.begin(), s.names.end());
  const auto fields = io::record_csv_header(s.records);
  header.insert(header.end(), fields.begin(), fields.end());
  std::cout << io::csv_line(header) << "\n";
  const std::size_t p = s.names.size();
  for (std::size_t i = 0; i < s.n; ++i) {
    std::vector<std::string> row = {std::to_string(i), std::to_string(s.stage[i])};
    for (std::size_t k = 0; k < p; ++k)
      row.push_back(s.values[i * p + k]);
    const auto cells = io::record_csv_cells(s.records[i], fields);
    row.insert(row.end(), cells.begin(), cells.end());
    std::cout << io::csv_line(row) << "\n";
  }
  return 0;
}

}  // namespace hsicho::cli
