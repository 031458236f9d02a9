// hsicho analyze FILE.csv --target COL: sensitivity indices of the other columns.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/analyze_trials.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/load.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

struct Request : study::TrialsRequest {
  bool json = false;
};

Request parse_request(const AnalyzeArgs& args) {
  Request r;
  r.file = args.file;
  // What the path is comes first: a FIFO named like a study file is neither a study nor a table.
  if (const auto what = io::not_regular(r.file); !what.empty()) {
    throw InputError("'" + r.file + "' is " + what +
                     ", not a study file or a CSV table: give a regular file");
  }
  r.study = io::is_study_file_name(r.file);
  if (r.study) {
    // A study file carries its space and its errors (validation); its inactive children are known.
    if (args.target && *args.target != "val_error") {
      throw InputError("a study file is analysed on its validation errors: leave out --target");
    }
    if (args.space) throw InputError("a study file carries its space: leave out --space");
    r.target = "val_error";
    r.options.conditional = true;
  } else if (!args.target) {
    throw InputError(
        "hsicho analyze needs --target COLUMN: the column of errors (lower is better)");
  } else {
    r.target = *args.target;
  }
  // The same validators as the deck's analysis block (study/analysis_settings.hpp).
  auto& o = r.options;
  study::apply_analysis_defaults(o);
  for (const auto& [key, text] : args.settings) {
    try {
      study::set_analysis_option(o, key, text);
    } catch (const std::invalid_argument& e) {
      throw InputError("--" + key + " " + e.what());
    }
  }
  o.conditional = o.conditional || args.conditional;
  r.space = args.space;
  for (auto [lists, out] :
       {std::make_pair(&args.ignore, &r.ignore), std::make_pair(&args.inputs, &r.inputs)}) {
    for (const auto& list : *lists) {
      std::stringstream s(list);
      std::string name;
      while (std::getline(s, name, ','))
        out->push_back(name);
    }
  }
  if (args.nan) {
    if (*args.nan != "worst" && *args.nan != "refuse")
      throw InputError("--nan must be worst or refuse, got '" + *args.nan + "'");
    r.refuse_nan = *args.nan == "refuse";
  }
  r.json = args.json;
  return r;
}

void print_table(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  std::cout << "hsicho analyze " << req.file << ": " << an.n << " rows, target '" << req.target
            << "', alpha = " << an.alpha << " (threshold " << num(an.threshold) << ", " << an.m
            << " rows in the goal set)\n"
            << (o.global            ? std::string("global HSIC")
                : o.smooth_goal > 0 ? "target HSIC, smooth goal (S = " + num(o.smooth_goal) + ")"
                                    : std::string("target HSIC"))
            << ", "
            << (o.block_size
                    ? "block U statistic (blocks of " + std::to_string(o.block_size) + ")"
                    : std::string(o.estimator == hsic::Estimator::V ? "V" : "U") + " statistic")
            << ", scaling " << (o.scaling == hsic::Scaling::Hsic ? "(m/n)^2" : "alpha^2")
            << ", bandwidth " << o.bandwidth.str() << ", p-values "
            << (o.pvalues == hsic::PValueMethod::None ? "none"
                : o.pvalues == hsic::PValueMethod::Gamma
                    ? "gamma"
                    : "permutation (" + std::to_string(o.permutations) + ")")
            << (o.discrete_kernel == hsic::DiscreteKernel::Jitter || o.global ||
                        o.smooth_goal > 0 || o.block_size > 0
                    ? "; discrete inputs: jittered (the paper's)"
                    : "; discrete inputs: expected kernel, permutation p-values")
            << "\n\n"
            << ranking_table(an, true, "");
  std::cout << pairs_text(an, 5, "");
}

io::Json analysis_json_of(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  io::Json j = io::analysis_json(an);
  j["estimator"] = o.block_size ? "block" : o.estimator == hsic::Estimator::V ? "v" : "u";
  j["kind"] = o.global ? "global" : "target";
  return j;
}

}  // namespace

int cmd_analyze(const AnalyzeArgs& args, const Context& ctx) {
  const Request req = parse_request(args);
  std::vector<std::string> notes;
  const hsic::Analysis an = study::analyze_trials(req, &notes);
  if (ctx.rank != 0) return 0;
  for (const auto& n : notes)
    std::cerr << "hsicho analyze: " << n << "\n";  // stderr: the JSON on stdout stays clean
  if (const auto w = hsic::goal_set_warning(an); !w.empty() && !req.options.global)
    std::cerr << "hsicho analyze: " << w << "\n";  // stderr: the JSON on stdout stays clean
  // The pick's settings on a study file: the pick they make (the best when it is the cheapest).
  const bool pick_asked = std::any_of(args.settings.begin(), args.settings.end(), [](auto& kv) {
    return kv.first == "tolerance" || kv.first == "cost";
  });
  std::optional<io::StudyData> picked;
  if (req.study && pick_asked) {
    picked = study::load_study(req.file).data;
    study::add_front(*picked, req.options, false);
  }
  if (req.json) {
    io::Json j = analysis_json_of(req, an);
    if (picked && picked->pick)
      j["pick"] = {{"config", picked->pick->config},       {"summary", picked->pick->values},
                   {"val_error", picked->pick->val_error}, {"cost_name", picked->pick_info.cost},
                   {"cost", picked->pick->cost},           {"limit", picked->pick_info.limit},
                   {"rule", picked->pick_info.rule}};
    std::cout << io::json_text(j);
  } else {
    print_table(req, an);
    if (picked) {
      const auto text = best_and_pick_text(*picked);
      std::cout << "\n"
                << (text.empty() ? "no pick: no training with a known " + req.options.cost + "\n"
                                 : text);
    }
  }
  return 0;
}

}  // namespace hsicho::cli
