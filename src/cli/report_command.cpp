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
#include "render.hpp"

namespace hsicho::cli {
namespace {

// Failures grouped by status, with the first message of each.
std::map<std::string, std::pair<int, std::string>> failures(const io::StudyData& s) {
  std::map<std::string, std::pair<int, std::string>> f;
  for (const auto& r : s.records) {
    if (r.status == "ok") continue;
    auto& e = f[r.status];
    if (e.first++ == 0) e.second = r.message;
  }
  return f;
}

void print_json(const io::StudyData& s) {
  io::Json j;
  j["name"] = s.name;
  j["trainings"] = s.n;
  j["metric"] = s.metric;
  j["data_sources"] = io::Json::array();
  for (const auto& f : s.sources) {
    j["data_sources"].push_back(
        {{"path", f.path}, {"bytes", f.bytes}, {"modified", f.modified}, {"crc32", f.crc32}});
  }
  j["failures"] = io::Json::object();
  for (const auto& [status, e] : failures(s))
    j["failures"][status] = {{"count", e.first}, {"example", e.second}};
  if (s.best_config >= 0) {
    j["best"] = {{"config", s.best_config},         {"values", s.best_values},
                 {"val_error", s.best_val},         {"test_error", s.best_test},
                 {"parameters", s.best_parameters}, {"seconds", s.best_seconds}};
  }
  if (s.analysed) j["analysis"] = analysis_json(analysis_of(s));  // the shape analyze prints
  j["decisions"] = s.stage_log;
  std::cout << io::json_text(j);
}

void print_text(const io::StudyData& s, const std::string& path) {
  const auto fails = failures(s);
  std::size_t not_ok = 0;
  for (const auto& [status, e] : fails)
    not_ok += static_cast<std::size_t>(e.first);
  std::cout << "study '" << s.name << "' (" << path << "): " << s.n << " trainings, " << not_ok
            << " diverged or failed; " << s.started << " to " << s.finished << "\n";
  for (const auto& f : s.sources) {
    std::cout << "data: " << f.path << " (" << f.bytes << " bytes, CRC-32 "
              << fmt::format("{:08x}", f.crc32) << ")\n";
  }
  if (s.optimized) {
    std::cout << "optimization (" << s.strategy << "):";
    for (auto n : s.stage_size)
      std::cout << " " << n;
    std::cout << " trainings per stage, then a final retraining of " << s.final_config.size()
              << " configurations x " << s.final_seeds << " seeds (stage "
              << s.stage_size.size() + 1 << " in the tables)\n";
  }
  if (s.best_config >= 0) {
    std::cout << "\nbest network: configuration " << s.best_config << ": " << s.best_values
              << "\n  validation " << s.metric << " " << num(s.best_val) << ", test "
              << num(s.best_test) << ", " << s.best_parameters << " parameters, "
              << num(s.best_seconds, "{:.3g}") << " s of training"
              << (s.optimized ? " (means over the final seeds)" : "") << "\n";
  }
  if (s.analysed) {
    const auto an = analysis_of(s);
    std::cout << "\nhyperparameters ranked by target HSIC (alpha = " << s.alpha << ": the " << s.m
              << " best of the" << (s.optimized ? " last stage" : " study") << "):\n"
              << ranking_table(an, false, "  ");
    for (const auto& r : an.inputs) {
      if (r.conditional) {
        std::cout << "  " << r.name << " exists in " << r.n
                  << " trainings; whether it exists: HSIC " << num(r.active_hsic, "{:.3e}")
                  << ", p " << num(r.active_pvalue, "{:.2g}") << "\n";
      }
    }
    std::cout << pairs_text(an, 5, "");
  } else {
    std::cout << "\nno sensitivity analysis in this file\n";
  }
  if (!fails.empty()) {
    std::cout << "\nfailures by cause:\n";
    for (const auto& [status, e] : fails)
      std::cout << "  " << status << ": " << e.first << " (e.g. " << e.second << ")\n";
  }
  if (s.stage_size.size() > 1) {
    // Every stage's indices (stages/hsic: stages x d over configs/columns, NaN where frozen).
    std::cout << "\nindices stage by stage (largest first; * p < 0.05; frozen inputs left out):\n";
    const std::size_t d = s.free_names.size();
    for (std::size_t k = 0; k < s.stage_size.size(); ++k) {
      std::vector<std::size_t> order;
      for (std::size_t c = 0; c < d; ++c) {
        if (!std::isnan(s.stage_hsic[k * d + c])) order.push_back(c);
      }
      std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
        return s.stage_hsic[k * d + a] > s.stage_hsic[k * d + b];
      });
      std::cout << "  stage " << k + 1 << " (" << s.stage_size[k] << " trainings):";
      if (order.empty()) std::cout << " no analysis (every input frozen, or every training failed)";
      for (auto c : order) {
        const double p = s.stage_pvalue[k * d + c];
        const auto it = std::find(s.names.begin(), s.names.end(), s.free_names[c]);
        const bool conditional =
            it != s.names.end() &&
            !s.conditions[static_cast<std::size_t>(it - s.names.begin())].empty();
        std::cout << " " << s.free_names[c] << (conditional ? " (where active)" : "") << " "
                  << num(s.stage_hsic[k * d + c], "{:.2e}")
                  << (p < hsic::kSignificanceLevel ? " *" : "") << ";";
      }
      std::cout << "\n";
    }
  }
  if (!s.stage_log.empty()) {
    std::cout << "\nthe optimizer's decisions:\n";
    for (const auto& l : s.stage_log)
      std::cout << "  " << l << "\n";
  }
}

}  // namespace

int cmd_report(const ReportArgs& args, const Context& ctx) {
  const auto s = io::read_study(args.study);
  if (ctx.rank != 0) return 0;
  if (args.json) {
    print_json(s);
  } else {
    print_text(s, args.study);
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
  // A result named like a hyperparameter (epochs, say) gets the prefix result_: one name, one
  // column, so that pandas and hsicho analyze read the table.
  for (const auto& f : fields) {
    const bool taken = std::find(header.begin(), header.end(), f) != header.end();
    header.push_back(taken ? "result_" + f : f);
  }
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
