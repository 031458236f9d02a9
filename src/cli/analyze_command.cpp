// hsicho analyze FILE.csv --target COL: sensitivity indices of the other columns.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/csv_inputs.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

struct Request {
  std::string file, target;
  std::optional<std::string> space;
  std::vector<std::string> ignore;
  hsic::Options options;
  bool json = false;
  bool study = false;  // an HDF5 study file rather than a CSV
};

Request parse_request(const AnalyzeArgs& args) {
  Request r;
  r.file = args.file;
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
  auto set = [&](const char* key, const std::optional<std::string>& text) {
    if (!text) return;
    try {
      study::set_analysis_option(o, key, *text);
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--") + key + " " + e.what());
    }
  };
  set("alpha", args.alpha);
  set("bandwidth", args.bandwidth);
  set("estimator", args.estimator);
  set("scaling", args.scaling);
  set("pvalues", args.pvalues);
  set("block", args.block);
  set("seed", args.seed);
  o.interactions = args.interactions;
  o.conditional = o.conditional || args.conditional;
  o.global = args.global;
  study::finish_analysis_options(o);
  r.space = args.space;
  for (const auto& list : args.ignore) {
    std::stringstream s(list);
    std::string name;
    while (std::getline(s, name, ','))
      r.ignore.push_back(name);
  }
  r.json = args.json;
  return r;
}

using Data = io::CsvInputs;

Data load_study(const Request& req) {
  const auto in = io::read_study_inputs(req.file);
  Data d;
  d.names = in.names;
  d.x.resize(static_cast<Eigen::Index>(in.n), static_cast<Eigen::Index>(in.d));
  d.y.resize(static_cast<Eigen::Index>(in.n));
  for (std::size_t i = 0; i < in.n; ++i) {
    for (std::size_t c = 0; c < in.d; ++c)
      d.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = in.normalized[i * in.d + c];
    d.y[static_cast<Eigen::Index>(i)] = in.val_error[i];
  }
  return d;
}

Data load(const Request& req) {
  if (req.study) return load_study(req);
  const io::CsvTable t = io::read_csv(req.file);
  std::optional<space::Deck> deck;
  if (req.space) deck = space::load_deck(*req.space);
  return io::csv_inputs(t, req.target, req.ignore, deck ? &deck->space : nullptr,
                        req.space.value_or(""), req.options.seed);
}

void print_table(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  std::cout << "hsicho analyze " << req.file << ": " << an.n << " rows, target '" << req.target
            << "', alpha = " << an.alpha << " (threshold " << num(an.threshold) << ", " << an.m
            << " rows in the goal set)\n"
            << (o.global ? "global HSIC" : "target HSIC") << ", "
            << (o.block_size
                    ? "block U statistic (blocks of " + std::to_string(o.block_size) + ")"
                    : std::string(o.estimator == hsic::Estimator::V ? "V" : "U") + " statistic")
            << ", scaling " << (o.scaling == hsic::Scaling::Hsic ? "(m/n)^2" : "alpha^2")
            << ", bandwidth " << o.bandwidth.str() << ", p-values "
            << (o.pvalues == hsic::PValueMethod::None ? "none"
                : o.pvalues == hsic::PValueMethod::Gamma
                    ? "gamma"
                    : "permutation (" + std::to_string(o.permutations) + ")")
            << "\n\n"
            << ranking_table(an, true, "");
  const auto pairs = strongest_pairs(an, 5);
  if (!pairs.empty()) {
    std::cout << "\nstrongest pairs (joint index; single indices in brackets):\n";
    for (const auto& p : pairs) {
      const auto a = static_cast<Eigen::Index>(p.a), b = static_cast<Eigen::Index>(p.b);
      std::cout << "  " << an.inputs[p.a].name << " x " << an.inputs[p.b].name << ": "
                << num(p.hsic, "{:.4e}") << "  [" << num(an.interactions(a, a), "{:.2e}") << ", "
                << num(an.interactions(b, b), "{:.2e}") << "]\n";
    }
  }
}

void print_json(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  io::Json j = analysis_json(an);
  j["estimator"] = o.block_size ? "block" : o.estimator == hsic::Estimator::V ? "v" : "u";
  j["kind"] = o.global ? "global" : "target";
  std::cout << io::json_text(j);
}

}  // namespace

int cmd_analyze(const AnalyzeArgs& args, const Context& ctx) {
  const Request req = parse_request(args);
  const Data data = load(req);
  hsic::Analysis an;
  try {
    an = hsic::analyze(data.x, data.y, data.names, req.options, parallel::world_partition());
  } catch (const std::invalid_argument& e) {
    throw InputError(req.file + ": " + e.what());  // bad data: the user's to fix
  }
  if (ctx.rank != 0) return 0;
  if (const auto w = hsic::goal_set_warning(an); !w.empty() && !req.options.global)
    std::cerr << "hsicho analyze: " << w << "\n";  // stderr: the JSON on stdout stays clean
  if (req.json) {
    print_json(req, an);
  } else {
    print_table(req, an);
  }
  return 0;
}

}  // namespace hsicho::cli
