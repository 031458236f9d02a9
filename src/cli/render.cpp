#include "render.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hsicho/io/field_json.hpp"

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
  // Conditional inputs after the others: measured on a sub-sample with its own quantile, their
  // indices are not comparable with the rest.
  auto key = [&](std::size_t i) {
    return std::make_pair(an.inputs[i].conditional ? 0 : 1,
                          std::isnan(an.inputs[i].hsic) ? -INFINITY : an.inputs[i].hsic);
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
  const bool boot = an.bootstrap > 0;
  if (boot)
    rows.front().insert(rows.front().end(), {"95% interval", "top " + std::to_string(an.top_k)});
  if (detailed) rows.front().push_back("bandwidth");
  std::vector<std::vector<std::string>> cond = {{"hyperparameter", "HSIC where active", "p-value",
                                                 "", "active in", "'is active': HSIC", "p-value"}};
  int rank = 1;
  for (auto i : ranking(an)) {
    const auto& r = an.inputs[i];
    if (r.conditional) {
      cond.push_back({r.name, num(r.hsic, "{:.3e}"), num(r.pvalue, "{:.2g}"),
                      significant(r.pvalue) ? "*" : "",
                      std::to_string(r.n) + " of " + std::to_string(an.n) + " rows",
                      num(r.active_hsic, "{:.3e}"), num(r.active_pvalue, "{:.2g}")});
      continue;
    }
    std::vector<std::string> row = {
        std::to_string(rank++),  r.name,
        num(r.hsic, "{:.3e}"),   num(r.stderr_, "{:.1e}"),
        num(r.r2, "{:.3f}"),     std::isnan(r.share) ? "-" : num(100 * r.share, "{:.1f}") + "%",
        num(r.pvalue, "{:.2g}"), significant(r.pvalue) ? "*" : ""};
    if (boot) {
      row.push_back("[" + num(r.ci_low, "{:.1e}") + ", " + num(r.ci_high, "{:.1e}") + "]");
      const bool stable = r.top_share >= 0.9 || r.top_share <= 0.1;
      row.push_back(num(100 * r.top_share, "{:.0f}") + "%" + (stable ? "" : " ~"));
    }
    if (detailed) row.push_back(num(r.bandwidth, "{:.3g}"));
    rows.push_back(std::move(row));
  }
  std::string out = table(rows, indent);
  out += indent + "* p < " + num(hsic::kSignificanceLevel, "{}") +
         ": it changes the chance that a network lands among the best\n";
  if (boot) {
    out += indent + "interval and top " + std::to_string(an.top_k) + ": over " +
           std::to_string(an.bootstrap) +
           " bootstrap resamples of the trainings, the index's 2.5-97.5% range and how often it "
           "ranks in the top " +
           std::to_string(an.top_k) + "; ~: not stable (between 10% and 90%)\n";
  }
  if (cond.size() > 1) {
    out += "\n" + indent +
           "conditional hyperparameters, not ranked with the others: each is measured on the "
           "rows where it exists, with the quantile recomputed there; 'is active' is the index "
           "of its existence on all rows\n" +
           table(cond, indent);
  }
  return out;
}

std::vector<Pair> strongest_pairs(const hsic::Analysis& an, std::size_t most) {
  std::vector<Pair> pairs;
  const bool anova = an.interaction_anova.size() > 0;
  const Eigen::MatrixXd& m = anova ? an.interaction_anova : an.interactions;
  const auto d = static_cast<std::size_t>(m.rows());
  if (d != an.inputs.size()) return pairs;
  for (std::size_t a = 0; a < d; ++a) {
    for (std::size_t b = a + 1; b < d; ++b) {
      const auto i = static_cast<Eigen::Index>(a), j = static_cast<Eigen::Index>(b);
      if (!std::isnan(m(i, j)))
        pairs.push_back(
            {m(i, j), a, b, anova ? an.interaction_pvalue(i, j) : NAN, an.interactions(i, j)});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair& x, const Pair& y) { return x.hsic > y.hsic; });
  if (pairs.size() > most) pairs.resize(most);
  return pairs;
}

std::string pairs_text(const hsic::Analysis& an, std::size_t most, const std::string& indent) {
  const auto pairs = strongest_pairs(an, most);
  if (pairs.empty()) return "";
  const bool anova = an.interaction_anova.size() > 0;
  std::string out = "\n" + indent +
                    (anova ? "interactions: what a pair adds beyond its two main effects "
                             "(HSIC-ANOVA), strongest first\n"
                           : "pairs: joint index of the pair (it holds both main effects)\n");
  std::vector<std::vector<std::string>> rows = {{"pair", anova ? "interaction" : "joint HSIC",
                                                 anova ? "p-value" : "", "",
                                                 anova ? "joint HSIC" : ""}};
  for (const auto& p : pairs) {
    rows.push_back({an.inputs[p.a].name + " x " + an.inputs[p.b].name, num(p.hsic, "{:.3e}"),
                    anova ? num(p.pvalue, "{:.2g}") : "",
                    anova && p.pvalue < hsic::kSignificanceLevel ? "*" : "",
                    anova ? num(p.joint, "{:.3e}") : ""});
  }
  return out + table(rows, indent + "  ");
}

io::Json analysis_json(const hsic::Analysis& an) {
  io::Json j = {{"n", an.n}, {"alpha", an.alpha}, {"threshold", an.threshold}, {"m", an.m}};
  std::vector<std::size_t> rank_of(an.inputs.size());
  const auto order = ranking(an);
  for (std::size_t r = 0; r < order.size(); ++r)
    rank_of[order[r]] = r + 1;
  j["bootstrap"] = an.bootstrap;
  j["top_k"] = an.top_k;
  j["inputs"] = io::Json::array();
  for (std::size_t i = 0; i < an.inputs.size(); ++i) {
    // Every field of the input's results (Describe<hsic::InputResult>), and what follows from
    // them: the rank and whether it is significant.
    io::Json in = io::to_json(an.inputs[i], io::NonFinite::Null);
    in["rank"] = rank_of[i];
    in["significant"] = significant(an.inputs[i].pvalue);
    j["inputs"].push_back(std::move(in));
  }
  if (an.interactions.size() > 0) {
    io::Json names = io::Json::array(), rows = io::Json::array();
    for (const auto& r : an.inputs)
      names.push_back(r.name);
    auto json_of = [](const Eigen::MatrixXd& m) {
      io::Json rows = io::Json::array();
      for (Eigen::Index a = 0; a < m.rows(); ++a) {
        io::Json row = io::Json::array();
        for (Eigen::Index b = 0; b < m.cols(); ++b)
          row.push_back(m(a, b));
        rows.push_back(std::move(row));
      }
      return rows;
    };
    j["interactions"] = {{"names", names}, {"hsic", json_of(an.interactions)}};
    if (an.interaction_anova.size() > 0) {
      j["interactions"]["anova"] = json_of(an.interaction_anova);
      j["interactions"]["anova_pvalue"] = json_of(an.interaction_pvalue);
    }
  }
  return j;
}

}  // namespace hsicho::cli
