#include "hsicho/study/analysis_settings.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "hsicho/error.hpp"

namespace hsicho::study {

hsic::Options read_analysis(const space::Deck& deck) {
  hsic::Options o;
  o.conditional = true;
  o.seed = deck.study.seed;
  const YAML::Node& a = deck.analysis;
  if (!a || a.IsNull()) return o;
  auto where = [&](const char* key) {
    const auto m = a[key].Mark();
    return SourceMark{deck.path, m.line + 1, m.column + 1};
  };
  auto text = [&](const char* key) {
    if (!a[key].IsScalar())
      throw InputError(where(key), std::string("analysis.") + key + " must be a single value");
    return a[key].Scalar();
  };
  auto number = [&](const char* key) {
    const std::string t = text(key);
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v))
      throw InputError(where(key),
                       std::string("analysis.") + key + " must be a number, got '" + t + "'");
    return v;
  };
  if (a["alpha"]) {
    o.alpha = number("alpha");
    if (!(o.alpha > 0 && o.alpha < 1)) {
      throw InputError(where("alpha"),
                       "analysis.alpha must be in (0, 1): the fraction of best trainings, e.g. "
                       "0.1; got " +
                           text("alpha"));
    }
  }
  if (a["bandwidth"]) {
    try {
      o.bandwidth = hsic::BandwidthRule::parse(text("bandwidth"));
    } catch (const std::invalid_argument& e) {
      throw InputError(where("bandwidth"), std::string("analysis.") + e.what());
    }
  }
  if (a["estimator"]) {
    const auto e = text("estimator");
    if (e != "v" && e != "u")
      throw InputError(where("estimator"), "analysis.estimator must be v or u, got '" + e + "'");
    o.estimator = e == "u" ? hsic::Estimator::U : hsic::Estimator::V;
  }
  if (a["pvalues"]) {
    const auto p = text("pvalues");
    const std::string count = p.rfind("permutation:", 0) == 0 ? p.substr(12) : "";
    char* end = nullptr;
    const unsigned long long b = count.empty() ? 0 : std::strtoull(count.c_str(), &end, 10);
    if (p == "none") {
      o.pvalues = hsic::PValueMethod::None;
    } else if (!count.empty() && end == count.c_str() + count.size() && count[0] != '-' && b >= 1 &&
               b <= 1000000) {
      o.pvalues = hsic::PValueMethod::Permutation;
      o.permutations = static_cast<std::size_t>(b);
    } else if (p != "gamma") {
      throw InputError(where("pvalues"),
                       "analysis.pvalues must be gamma, permutation:B (1 <= B <= 1000000) or "
                       "none, got '" +
                           p + "'");
    }
  }
  if (a["interactions"]) {
    const auto t = text("interactions");
    if (t != "true" && t != "false")
      throw InputError(where("interactions"),
                       "analysis.interactions must be true or false, got '" + t + "'");
    o.interactions = t == "true";
  }
  if (o.estimator == hsic::Estimator::U && o.pvalues == hsic::PValueMethod::Gamma)
    o.pvalues = hsic::PValueMethod::None;  // the Gamma law is that of the V statistic
  return o;
}

}  // namespace hsicho::study
