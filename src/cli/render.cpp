#include "render.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hsicho::cli {

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

std::string num(double v, const char* spec) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format(fmt::runtime(spec), v);
}

std::string table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (std::size_t c = 0; c < r.size(); ++c)
      width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (std::size_t c = 0; c < r.size(); ++c)
      line += r[c] + (c + 1 < r.size() ? std::string(width[c] - r[c].size() + 2, ' ') : "");
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::vector<std::size_t> ranking(const hsic::Analysis& an) {
  std::vector<std::size_t> order(an.inputs.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto key = [&](std::size_t i) {
    return std::isnan(an.inputs[i].hsic) ? -INFINITY : an.inputs[i].hsic;
  };
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) > key(b); });
  return order;
}

namespace {
bool significant(double p) {
  return !std::isnan(p) && p < hsic::kSignificanceLevel;
}
}  // namespace

std::string ranking_table(const hsic::Analysis& an, bool detailed, const std::string& indent) {
  std::vector<std::vector<std::string>> rows = {
      {"rank", "hyperparameter", "HSIC", "stderr", "R2", "share", "p-value", ""}};
  if (detailed) rows[0].insert(rows[0].end(), {"bandwidth", "note"});
  int rank = 1;
  bool any_conditional = false;
  for (auto i : ranking(an)) {
    const auto& r = an.inputs[i];
    any_conditional = any_conditional || r.conditional;
    std::vector<std::string> row = {
        std::to_string(rank++),  r.name + (r.conditional && !detailed ? " (where active)" : ""),
        num(r.hsic, "{:.3e}"),   num(r.stderr_, "{:.1e}"),
        num(r.r2, "{:.3f}"),     std::isnan(r.share) ? "-" : num(100 * r.share, "{:.1f}") + "%",
        num(r.pvalue, "{:.2g}"), significant(r.pvalue) ? "*" : ""};
    if (detailed) {
      row.push_back(num(r.bandwidth, "{:.3g}"));
      row.push_back(!r.conditional ? ""
                                   : "active in " + std::to_string(r.n) + " rows (threshold " +
                                         num(r.threshold) + "); 'is active': HSIC " +
                                         num(r.active_hsic, "{:.3e}") + ", p " +
                                         num(r.active_pvalue, "{:.2g}"));
    }
    rows.push_back(std::move(row));
  }
  std::string out = table(rows, indent);
  out += indent + "* p < " + num(hsic::kSignificanceLevel, "{}") +
         ": it changes the chance that a network lands among the best\n";
  if (any_conditional) {
    out += indent +
           "a conditional hyperparameter is analysed where it is active, with its own quantile\n";
  }
  return out;
}

std::vector<Pair> strongest_pairs(const hsic::Analysis& an, std::size_t most) {
  std::vector<Pair> pairs;
  const auto d = static_cast<std::size_t>(an.interactions.rows());
  if (d != an.inputs.size()) return pairs;
  for (std::size_t a = 0; a < d; ++a) {
    for (std::size_t b = a + 1; b < d; ++b) {
      const double v = an.interactions(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b));
      if (!std::isnan(v)) pairs.push_back({v, a, b});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& x, const Pair& y) { return x.hsic > y.hsic; });
  if (pairs.size() > most) pairs.resize(most);
  return pairs;
}

io::Json analysis_json(const hsic::Analysis& an) {
  io::Json j = {{"n", an.n}, {"alpha", an.alpha}, {"threshold", an.threshold}, {"m", an.m}};
  std::vector<std::size_t> rank_of(an.inputs.size());
  const auto order = ranking(an);
  for (std::size_t r = 0; r < order.size(); ++r)
    rank_of[order[r]] = r + 1;
  j["inputs"] = io::Json::array();
  for (std::size_t i = 0; i < an.inputs.size(); ++i) {
    const auto& r = an.inputs[i];
    io::Json in = {{"name", r.name},
                   {"rank", rank_of[i]},
                   {"hsic", r.hsic},
                   {"stderr", r.stderr_},
                   {"r2", r.r2},
                   {"share", r.share},
                   {"pvalue", r.pvalue},
                   {"significant", significant(r.pvalue)},
                   {"bandwidth", r.bandwidth},
                   {"n", r.n},
                   {"m", r.m},
                   {"threshold", r.threshold},
                   {"conditional", r.conditional}};
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
  return j;
}

hsic::Analysis analysis_of(const io::StudyData& s) {
  hsic::Analysis an;
  an.n = s.n;
  an.m = static_cast<std::size_t>(s.m);
  an.alpha = s.alpha;
  an.threshold = s.threshold;
  for (std::size_t k = 0; k < s.input_names.size(); ++k) {
    hsic::InputResult r;
    r.name = s.input_names[k];
    r.hsic = s.hsic[k];
    r.stderr_ = s.stderr_[k];
    r.r2 = s.r2[k];
    r.share = s.share[k];
    r.pvalue = s.pvalue[k];
    r.bandwidth = s.input_bandwidth[k];
    r.threshold = s.input_threshold[k];
    r.n = static_cast<std::size_t>(s.input_n[k]);
    r.m = static_cast<std::size_t>(s.input_m[k]);
    r.conditional = s.conditional[k] != 0;
    r.active_hsic = s.active_hsic[k];
    r.active_pvalue = s.active_pvalue[k];
    an.inputs.push_back(r);
  }
  const auto d = static_cast<Eigen::Index>(s.input_names.size());
  if (!s.interactions.empty()) {
    an.interactions.resize(d, d);
    for (Eigen::Index a = 0; a < d; ++a) {
      for (Eigen::Index b = 0; b < d; ++b)
        an.interactions(a, b) = s.interactions[static_cast<std::size_t>(a * d + b)];
    }
  }
  return an;
}

}  // namespace hsicho::cli
