#include "hsicho/study/analysis_settings.hpp"

#include <cmath>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/space/scalar.hpp"

namespace hsicho::study {
namespace {

[[noreturn]] void expected(const std::string& what, const std::string& text) {
  throw std::invalid_argument("must be " + what + ", got '" + text + "'");
}

bool boolean(const std::string& text) {
  const auto b = space::scalar::to_boolean(text);
  if (!b) expected("true or false", text);
  return *b;
}

}  // namespace

void set_analysis_option(hsic::Options& o, const std::string& key, const std::string& text) {
  namespace scalar = space::scalar;
  if (key == "alpha") {
    const auto a = scalar::to_number(text);
    if (!a || !(*a > 0 && *a < 1))
      expected("in (0, 1): the fraction of best trainings, e.g. 0.1", text);
    o.alpha = *a;
  } else if (key == "bandwidth") {
    try {
      o.bandwidth = hsic::BandwidthRule::parse(text);
    } catch (const std::invalid_argument&) {
      expected("median, std, max or a positive number", text);
    }
  } else if (key == "estimator") {
    if (text != "v" && text != "u") expected("v or u", text);
    o.estimator = text == "u" ? hsic::Estimator::U : hsic::Estimator::V;
  } else if (key == "scaling") {
    if (text != "hsic" && text != "paper") expected("hsic or paper", text);
    o.scaling = text == "hsic" ? hsic::Scaling::Hsic : hsic::Scaling::Paper;
  } else if (key == "pvalues") {
    const std::string prefix = "permutation:";
    const std::int64_t b =
        text.rfind(prefix, 0) == 0 ? scalar::to_integer(text.substr(prefix.size())).value_or(0) : 0;
    if (text == "none") {
      o.pvalues = hsic::PValueMethod::None;
    } else if (text == "gamma") {
      o.pvalues = hsic::PValueMethod::Gamma;
    } else if (b >= 1 && b <= 1000000) {
      o.pvalues = hsic::PValueMethod::Permutation;
      o.permutations = static_cast<std::size_t>(b);
    } else {
      expected("gamma, permutation:B (1 <= B <= 1000000) or none", text);
    }
  } else if (key == "interactions") {
    o.interactions = boolean(text);
  } else if (key == "global") {
    o.global = boolean(text);
  } else if (key == "conditional") {
    o.conditional = boolean(text);
  } else if (key == "block") {
    const auto b = scalar::to_integer(text);
    if (!b || *b < 4 || *b > 1000000) expected("a block size between 4 and 1000000", text);
    o.block_size = static_cast<std::size_t>(*b);
  } else if (key == "goal") {
    const std::string prefix = "smooth:";
    const auto v =
        text.rfind(prefix, 0) == 0 ? scalar::to_number(text.substr(prefix.size())) : std::nullopt;
    if (text == "indicator") {
      o.smooth_goal = 0;
    } else if (v && *v > 0 && std::isfinite(*v)) {
      o.smooth_goal = *v;
    } else {
      expected(
          "indicator or smooth:S (S > 0: the weight's decay length in standard deviations "
          "of the errors)",
          text);
    }
  } else if (key == "bootstrap") {
    const auto b = scalar::to_integer(text);
    if (!b || *b < 0 || *b > 100000) expected("a number of resamples between 0 and 100000", text);
    o.bootstrap = static_cast<std::size_t>(*b);
  } else if (key == "discrete") {
    if (text != "expected" && text != "jitter") expected("expected or jitter", text);
    o.discrete_kernel =
        text == "jitter" ? hsic::DiscreteKernel::Jitter : hsic::DiscreteKernel::Expected;
  } else if (key == "seed") {
    const auto s = scalar::to_integer(text);
    if (!s || *s < 0) expected("a whole number >= 0", text);
    o.seed = static_cast<std::uint64_t>(*s);
  } else {
    throw std::logic_error("no analysis option '" + key + "'");
  }
}

std::vector<hsic::Discrete> discrete_columns(const space::Space& space,
                                             const std::vector<std::string>& names) {
  std::vector<hsic::Discrete> out(names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto k = space.find(names[c]);
    if (!k) continue;
    const auto& p = space[*k];
    if (p.type == space::Type::Fixed || p.levels() == 0) continue;
    if (p.levels() > hsic::kMaxExpectedLevels) continue;
    for (std::size_t j = 0; j <= p.levels(); ++j)
      out[c].edges.push_back(p.edge(j));
    out[c].ordered = p.type == space::Type::Integer;
  }
  return out;
}

hsic::Options read_analysis(const space::Deck& deck) {
  hsic::Options o;
  o.conditional = true;
  o.seed = deck.study.seed;
  o.bootstrap = kDefaultBootstrap;
  for (const auto& s : deck.analysis.settings) {
    if (s.is_list) throw InputError(s.mark, "analysis." + s.key + " must be a single value");
    try {
      set_analysis_option(o, s.key, s.text);
    } catch (const std::invalid_argument& e) {
      throw InputError(s.mark, "analysis." + s.key + " " + e.what());
    }
  }
  return o;
}

}  // namespace hsicho::study
