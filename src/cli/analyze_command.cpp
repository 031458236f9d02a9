// hsicho analyze FILE.csv --target COL: sensitivity indices of the other columns.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "hsicho/cli/args.hpp"
#include "hsicho/dist/hsic_partition.hpp"
#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/csv_inputs.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/space/deck.hpp"

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

double parse_double(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw InputError(what + " must be a number, got '" + text + "'");
  }
  return v;
}

Request parse_request(const std::vector<std::string>& argv) {
  Args args(argv,
            {{"target", true},
             {"alpha", true},
             {"bandwidth", true},
             {"estimator", true},
             {"scaling", true},
             {"pvalues", true},
             {"interactions", false},
             {"conditional", false},
             {"global", false},
             {"block", true},
             {"space", true},
             {"ignore", true, true},
             {"seed", true},
             {"json", false}},
            "analyze");
  Request r;
  if (args.positionals().size() != 1) {
    throw InputError("hsicho analyze needs one file: hsicho analyze FILE.csv --target COLUMN");
  }
  r.file = args.positionals()[0];
  r.study = r.file.size() > 3 && r.file.substr(r.file.size() - 3) == ".h5";
  if (r.study) {
    // A study file carries its space and its errors (validation); its inactive children are known.
    if (args.value("target") && *args.value("target") != "val_error") {
      throw InputError("a study file is analysed on its validation errors: leave out --target");
    }
    if (args.value("space")) throw InputError("a study file carries its space: leave out --space");
    r.target = "val_error";
    r.options.conditional = true;
  } else if (!args.value("target")) {
    throw InputError(
        "hsicho analyze needs --target COLUMN: the column of errors (lower is better)");
  } else {
    r.target = *args.value("target");
  }
  auto& o = r.options;
  if (auto a = args.value("alpha")) {
    o.alpha = parse_double(*a, "--alpha");
    if (!(o.alpha > 0 && o.alpha < 1)) throw InputError("--alpha must be in (0, 1), got " + *a);
  }
  if (auto b = args.value("bandwidth")) {
    try {
      o.bandwidth = hsic::BandwidthRule::parse(*b);
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--bandwidth: ") + e.what());
    }
  }
  if (auto e = args.value("estimator")) {
    if (*e != "v" && *e != "u") throw InputError("--estimator must be v or u, got '" + *e + "'");
    o.estimator = *e == "v" ? hsic::Estimator::V : hsic::Estimator::U;
  }
  if (auto s = args.value("scaling")) {
    if (*s != "hsic" && *s != "paper")
      throw InputError("--scaling must be hsic or paper, got '" + *s + "'");
    o.scaling = *s == "hsic" ? hsic::Scaling::Hsic : hsic::Scaling::Paper;
  }
  if (auto p = args.value("pvalues")) {
    if (*p == "gamma") {
      o.pvalues = hsic::PValueMethod::Gamma;
    } else if (*p == "none") {
      o.pvalues = hsic::PValueMethod::None;
    } else if (p->rfind("permutation:", 0) == 0) {
      o.pvalues = hsic::PValueMethod::Permutation;
      const double b = parse_double(p->substr(12), "the number of permutations");
      if (!(b >= 1) || b != std::floor(b)) throw InputError("--pvalues permutation:B needs B >= 1");
      o.permutations = static_cast<std::size_t>(b);
    } else {
      throw InputError("--pvalues must be gamma, permutation:B or none, got '" + *p + "'");
    }
  }
  if (o.pvalues == hsic::PValueMethod::Gamma && o.estimator == hsic::Estimator::U) {
    o.pvalues = hsic::PValueMethod::None;  // the Gamma law is that of the V statistic
  }
  if (auto b = args.integer("block", 4)) o.block_size = static_cast<std::size_t>(*b);
  if (auto s = args.integer("seed", 0)) o.seed = static_cast<std::uint64_t>(*s);
  o.interactions = args.flag("interactions");
  o.conditional = o.conditional || args.flag("conditional");
  o.global = args.flag("global");
  r.space = args.value("space");
  for (const auto& list : args.values("ignore")) {
    std::stringstream s(list);
    std::string name;
    while (std::getline(s, name, ','))
      r.ignore.push_back(name);
  }
  r.json = args.flag("json");
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

std::string fmt(double v, const char* f = "%.4g") {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void print_table(const Request& req, const hsic::Analysis& an) {
  const auto& o = req.options;
  std::cout << "hsicho analyze " << req.file << ": " << an.n << " rows, target '" << req.target
            << "', alpha = " << an.alpha << " (threshold " << fmt(an.threshold) << ", " << an.m
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
      note = "active in " + std::to_string(r.n) + " rows (threshold " + fmt(r.threshold) +
             "); 'is active': HSIC " + fmt(r.active_hsic) + ", p " + fmt(r.active_pvalue, "%.2g");
    }
    rows.push_back({std::to_string(rank++), r.name, fmt(r.hsic, "%.4e"), fmt(r.stderr_, "%.2e"),
                    fmt(r.r2, "%.3f"), std::isnan(r.share) ? "-" : fmt(100 * r.share, "%.1f") + "%",
                    fmt(r.pvalue, "%.2e"), !std::isnan(r.pvalue) && r.pvalue < 0.05 ? "*" : "",
                    fmt(r.bandwidth, "%.3g"), note});
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
      std::cout << "  " << an.inputs[a].name << " x " << an.inputs[b].name << ": " << fmt(v, "%.4e")
                << "  ["
                << fmt(an.interactions(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)),
                       "%.2e")
                << ", "
                << fmt(an.interactions(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(b)),
                       "%.2e")
                << "]\n";
    }
  }
}

void print_json(const Request& req, const hsic::Analysis& an) {
  using io::json_number;
  using io::json_string;
  const auto& o = req.options;
  std::ostringstream j;
  j << "{\"n\": " << an.n << ", \"alpha\": " << json_number(an.alpha)
    << ", \"threshold\": " << json_number(an.threshold) << ", \"m\": " << an.m
    << ", \"estimator\": "
    << json_string(o.block_size                        ? "block"
                   : o.estimator == hsic::Estimator::V ? "v"
                                                       : "u")
    << ", \"kind\": " << json_string(o.global ? "global" : "target") << ", \"inputs\": [";
  for (std::size_t i = 0; i < an.inputs.size(); ++i) {
    const auto& r = an.inputs[i];
    j << (i ? ", " : "") << "{\"name\": " << json_string(r.name)
      << ", \"hsic\": " << json_number(r.hsic) << ", \"stderr\": " << json_number(r.stderr_)
      << ", \"r2\": " << json_number(r.r2) << ", \"share\": " << json_number(r.share)
      << ", \"pvalue\": " << json_number(r.pvalue)
      << ", \"bandwidth\": " << json_number(r.bandwidth) << ", \"n\": " << r.n << ", \"m\": " << r.m
      << ", \"threshold\": " << json_number(r.threshold)
      << ", \"conditional\": " << (r.conditional ? "true" : "false");
    if (r.conditional) {
      j << ", \"active_hsic\": " << json_number(r.active_hsic)
        << ", \"active_pvalue\": " << json_number(r.active_pvalue);
    }
    j << "}";
  }
  j << "]";
  if (an.interactions.size() > 0) {
    j << ", \"interactions\": {\"names\": [";
    for (std::size_t i = 0; i < an.inputs.size(); ++i)
      j << (i ? ", " : "") << json_string(an.inputs[i].name);
    j << "], \"hsic\": [";
    for (Eigen::Index a = 0; a < an.interactions.rows(); ++a) {
      j << (a ? ", " : "") << "[";
      for (Eigen::Index b = 0; b < an.interactions.cols(); ++b)
        j << (b ? ", " : "") << json_number(an.interactions(a, b));
      j << "]";
    }
    j << "]}";
  }
  j << "}\n";
  std::cout << j.str();
}

}  // namespace

int cmd_analyze(const std::vector<std::string>& argv, const Context& ctx) {
  const Request req = parse_request(argv);
  const Data data = load(req);
  hsic::Analysis an;
  try {
    an = hsic::analyze(data.x, data.y, data.names, req.options, dist::world_partition());
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
