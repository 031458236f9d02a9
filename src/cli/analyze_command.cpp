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

std::string num(double v, const char* spec = "{:.4g}") {
  if (std::isnan(v)) return "-";
  return fmt::format(fmt::runtime(spec), v);
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
            << "\n\n";
  std::vector<std::size_t> order(an.inputs.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto key = [&](std::size_t i) {
    return std::isnan(an.inputs[i].hsic) ? -INFINITY : an.inputs[i].hsic;
  };
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
  std::vector<std::vector<std::string>> rows = {
      {"rank", "input", "HSIC", "stderr", "R2", "share", "p-value", "", "bandwidth", "note"}};
  int rank = 1;
  bool any_conditional = false;
  for (auto i : order) {
    const auto& r = an.inputs[i];
    std::string note;
    if (r.conditional) {
      any_conditional = true;
      note = "active in " + std::to_string(r.n) + " rows (threshold " + num(r.threshold) +
             "); 'is active': HSIC " + num(r.active_hsic) + ", p " + num(r.active_pvalue, "{:.2g}");
    }
    rows.push_back({std::to_string(rank++), r.name, num(r.hsic, "{:.4e}"), num(r.stderr_, "{:.2e}"),
                    num(r.r2, "{:.3f}"),
                    std::isnan(r.share) ? "-" : num(100 * r.share, "{:.1f}") + "%",
                    num(r.pvalue, "{:.2e}"), !std::isnan(r.pvalue) && r.pvalue < 0.05 ? "*" : "",
                    num(r.bandwidth, "{:.3g}"), note});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c] + (c + 1 < row.size() ? std::string(width[c] - row[c].size() + 2, ' ') : "");
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    std::cout << line << "\n";
  }
  std::cout << "\n* p < 0.05: the input changes the chance of landing among the best\n";
  if (any_conditional)
    std::cout << "conditional inputs are analysed on the rows where they are active\n";
  if (an.interactions.size() > 0) {
    std::cout << "\nstrongest pairs (joint index; single indices in brackets):\n";
    std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
    const auto d = static_cast<std::size_t>(an.interactions.rows());
    for (std::size_t a = 0; a < d; ++a) {
      for (std::size_t b = a + 1; b < d; ++b) {
        const double v =
            an.interactions(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
        if (!std::isnan(v)) pairs.emplace_back(v, a, b);
      }
    }
    std::sort(pairs.rbegin(), pairs.rend());
    for (std::size_t k = 0; k < std::min<std::size_t>(pairs.size(), 5); ++k) {
      const auto [v, a, b] = pairs[k];
      std::cout << "  " << an.inputs[a].name << " x " << an.inputs[b].name << ": "
                << num(v, "{:.4e}") << "  ["
                << num(an.interactions(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)),
                       "{:.2e}")
                << ", "
                << num(an.interactions(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(b)),
                       "{:.2e}")
                << "]\n";
    }
  }
}

void print_json(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  io::Json j;
  j["n"] = an.n;
  j["alpha"] = an.alpha;
  j["threshold"] = an.threshold;
  j["m"] = an.m;
  j["estimator"] = o.block_size ? "block" : o.estimator == hsic::Estimator::V ? "v" : "u";
  j["kind"] = o.global ? "global" : "target";
  j["inputs"] = io::Json::array();
  for (const auto& r : an.inputs) {
    io::Json in = {
        {"name", r.name},   {"hsic", r.hsic},           {"stderr", r.stderr_},         {"r2", r.r2},
        {"share", r.share}, {"pvalue", r.pvalue},       {"bandwidth", r.bandwidth},    {"n", r.n},
        {"m", r.m},         {"threshold", r.threshold}, {"conditional", r.conditional}};
    if (r.conditional) {
      in["active_hsic"] = r.active_hsic;
      in["active_pvalue"] = r.active_pvalue;
    }
    j["inputs"].push_back(std::move(in));
  }
  if (an.interactions.size() > 0) {
    io::Json names = io::Json::array(), rows = io::Json::array();
    for (const auto& r : an.inputs)
      names.push_back(r.name);
    for (Eigen::Index a = 0; a < an.interactions.rows(); ++a) {
      io::Json row = io::Json::array();
      for (Eigen::Index b = 0; b < an.interactions.cols(); ++b)
        row.push_back(an.interactions(a, b));
      rows.push_back(std::move(row));
    }
    j["interactions"] = {{"names", names}, {"hsic", rows}};
  }
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
