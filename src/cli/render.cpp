#include "render.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "hsicho/hsic/evidence.hpp"
#include "hsicho/io/analysis_json.hpp"

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

namespace {
bool significant(double p) {
  return !std::isnan(p) && p < hsic::kSignificanceLevel;
}
}  // namespace

std::string ranking_table(const hsic::Analysis& an, bool detailed, const std::string& indent) {
  const bool by_evidence = an.ranked_by == hsic::RankBy::Evidence;
  const bool boot = an.bootstrap > 0;
  std::vector<std::string> head = {"rank", "hyperparameter", "evidence", "p-value", "", "HSIC"};
  if (detailed) head.insert(head.end(), {"HSIC p", "stderr", "R2"});
  head.push_back("share");
  if (boot && detailed) head.push_back("95% interval");
  if (boot) head.push_back("top " + std::to_string(an.top_k));
  if (detailed) head.push_back("bandwidth");
  head.push_back("");
  std::vector<std::vector<std::string>> rows = {head};
  for (auto i : ranking(an)) {
    const auto& r = an.inputs[i];
    // The p-value that marks an input: the ranking's own.
    const double p = hsic::ranking_pvalue(r, an.ranked_by);
    std::vector<std::string> row = {std::to_string(r.rank > 0 ? r.rank : rows.size()),
                                    r.name,
                                    num(r.evidence, "{:.2f}"),
                                    num(p, "{:.2g}"),
                                    significant(p) ? "*" : "",
                                    num(r.hsic, "{:.3e}")};
    if (detailed)
      row.insert(row.end(),
                 {num(r.pvalue, "{:.2g}"), num(r.stderr_, "{:.1e}"), num(r.r2, "{:.3f}")});
    row.push_back(std::isnan(r.share) ? "-" : num(100 * r.share, "{:.1f}") + "%");
    if (boot && detailed)
      row.push_back("[" + num(r.ci_low, "{:.1e}") + ", " + num(r.ci_high, "{:.1e}") + "]");
    if (boot) {
      const bool stable = r.top_share >= 0.9 || r.top_share <= 0.1;
      row.push_back(std::isnan(r.top_share)
                        ? "-"
                        : num(100 * r.top_share, "{:.0f}") + "%" + (stable ? "" : " ~"));
    }
    if (detailed) row.push_back(num(r.bandwidth, "{:.3g}"));
    std::string note;
    if (r.conditional) {
      note = "where it exists: " + std::to_string(r.n) + " of " + std::to_string(an.n) + " rows";
      if (detailed)
        note += " (whether it exists: HSIC " + num(r.active_hsic, "{:.2e}") + ", p " +
                num(r.active_pvalue, "{:.2g}") + ")";
    }
    // Significant through an interaction alone: its own (main) tests are not.
    if (by_evidence && !r.partner.empty() && significant(r.evidence_pvalue) &&
        !significant(r.main_pvalue))
      note += (note.empty() ? "" : "; ") + std::string("through its interaction with ") + r.partner;
    row.push_back(note);
    rows.push_back(std::move(row));
  }
  std::string out = table(rows, indent);
  out += indent + ranking_rule(an) + "\n";
  out += indent + "* p < " + num(hsic::kSignificanceLevel, "{}") +
         ": it changes the chance that a network lands among the best\n";
  if (boot) {
    out += indent + "top " + std::to_string(an.top_k) + ": how often it ranks in the top " +
           std::to_string(an.top_k) + " over " + std::to_string(an.bootstrap) +
           " bootstrap resamples of the trainings" +
           (detailed ? "; interval: the index's 2.5-97.5% range" : "") +
           "; ~: not stable (between 10% and 90%)\n";
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

}  // namespace hsicho::cli
