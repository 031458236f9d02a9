#include "hsicho/io/analysis_json.hpp"

#include <algorithm>
#include <cmath>

#include "hsicho/hsic/evidence.hpp"
#include "hsicho/io/field_json.hpp"

namespace hsicho::io {
namespace {
bool is_significant(double p) {
  return !std::isnan(p) && p < hsic::kSignificanceLevel;
}
}  // namespace

std::vector<std::size_t> ranking(const hsic::Analysis& an) {
  // The engine's ranking; a file written before it existed has none: the index then, as then.
  const bool ranked =
      std::any_of(an.inputs.begin(), an.inputs.end(), [](const auto& r) { return r.rank > 0; });
  if (!ranked) return hsic::ranking_order(an.inputs, hsic::RankBy::Index);
  std::vector<std::size_t> order(an.inputs.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return an.inputs[a].rank < an.inputs[b].rank; });
  return order;
}

std::string ranking_rule(const hsic::Analysis& an) {
  return an.ranked_by == hsic::RankBy::Evidence
             ? hsic::kEvidenceRule
             : "ranked by the index (the paper's reading; conditional inputs after the others: "
               "measured on the rows where they exist, their indices do not compare)";
}

io::Json analysis_json(const hsic::Analysis& an) {
  io::Json j = {{"n", an.n}, {"alpha", an.alpha}, {"threshold", an.threshold}, {"m", an.m}};
  std::vector<std::size_t> rank_of(an.inputs.size());
  const auto order = ranking(an);
  for (std::size_t r = 0; r < order.size(); ++r)
    rank_of[order[r]] = r + 1;
  const bool by_evidence = an.ranked_by == hsic::RankBy::Evidence;
  j["ranked_by"] = by_evidence ? "evidence" : "index";
  j["ranking"] = ranking_rule(an);
  j["bootstrap"] = an.bootstrap;
  j["top_k"] = an.top_k;
  j["inputs"] = io::Json::array();
  for (std::size_t i = 0; i < an.inputs.size(); ++i) {
    // Every field of the input's results (Describe<hsic::InputResult>), and what follows from
    // them: whether it is significant (by the ranking's p-value); the rank of an old file.
    io::Json in = io::to_json(an.inputs[i], io::NonFinite::Null);
    in["rank"] = rank_of[i];
    in["significant"] = is_significant(hsic::ranking_pvalue(an.inputs[i], an.ranked_by));
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

}  // namespace hsicho::io
