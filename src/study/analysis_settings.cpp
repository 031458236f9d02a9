#include "hsicho/study/analysis_settings.hpp"

#include <cmath>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/study/front.hpp"

namespace hsicho::study {

void set_analysis_option(hsic::Options& o, const std::string& key, const std::string& text) {
  namespace scalar = space::scalar;
  if (key == "conditional") {  // a flag of `hsicho analyze` alone: a study's analysis always is
    const auto b = scalar::to_boolean(text);
    if (!b) throw std::invalid_argument(scalar::boolean_expected(text));
    o.conditional = *b;
    return;
  }
  const auto& spec = space::key_spec("analysis", key);  // std::logic_error: not an option
  if (key == "alpha") {
    o.alpha = space::key_number(spec, text);
  } else if (key == "bandwidth") {
    try {
      o.bandwidth = hsic::BandwidthRule::parse(space::key_text(spec, text));
    } catch (const std::invalid_argument&) {
      space::key_refused(spec, text);
    }
  } else if (key == "estimator") {
    o.estimator = space::key_choice(spec, text) == "u" ? hsic::Estimator::U : hsic::Estimator::V;
  } else if (key == "scaling") {
    o.scaling =
        space::key_choice(spec, text) == "hsic" ? hsic::Scaling::Hsic : hsic::Scaling::Paper;
  } else if (key == "pvalues") {
    const std::string prefix = "permutation:";
    const std::int64_t b =
        text.rfind(prefix, 0) == 0 ? scalar::to_integer(text.substr(prefix.size())).value_or(0) : 0;
    if (space::key_text(spec, text) == "none") {
      o.pvalues = hsic::PValueMethod::None;
    } else if (text == "gamma") {
      o.pvalues = hsic::PValueMethod::Gamma;
    } else if (b >= 1 && b <= 1000000) {
      o.pvalues = hsic::PValueMethod::Permutation;
      o.permutations = static_cast<std::size_t>(b);
    } else {
      space::key_refused(spec, text);
    }
  } else if (key == "interactions") {
    o.interactions = space::key_boolean(spec, text);
  } else if (key == "global") {
    o.global = space::key_boolean(spec, text);
  } else if (key == "block") {
    o.block_size = static_cast<std::size_t>(space::key_whole(spec, text));
  } else if (key == "goal") {
    const std::string prefix = "smooth:";
    const auto v =
        text.rfind(prefix, 0) == 0 ? scalar::to_number(text.substr(prefix.size())) : std::nullopt;
    if (space::key_text(spec, text) == "indicator") {
      o.smooth_goal = 0;
      o.pareto_goal = false;
    } else if (text == "pareto") {
      o.smooth_goal = 0;
      o.pareto_goal = true;
    } else if (v && *v > 0 && std::isfinite(*v)) {
      o.smooth_goal = *v;
    } else {
      space::key_refused(spec, text);
    }
  } else if (key == "cost") {
    if (const auto why = cost_problem(space::key_text(spec, text)); !why.empty())
      throw space::KeyValueError(why);
    o.cost = text;
  } else if (key == "tolerance") {
    o.tolerance = space::key_number(spec, text);
  } else if (key == "bootstrap") {
    o.bootstrap = static_cast<std::size_t>(space::key_whole(spec, text));
  } else if (key == "discrete") {
    o.discrete_kernel = space::key_choice(spec, text) == "jitter" ? hsic::DiscreteKernel::Jitter
                                                                  : hsic::DiscreteKernel::Expected;
  } else if (key == "rank") {
    o.rank_by =
        space::key_choice(spec, text) == "index" ? hsic::RankBy::Index : hsic::RankBy::Evidence;
  } else if (key == "seed") {
    o.seed = static_cast<std::uint64_t>(space::key_whole(spec, text));
  } else {
    throw std::logic_error("the analysis key '" + key + "' has no reader");
  }
}

void apply_analysis_defaults(hsic::Options& o) {
  const space::DefaultsScope defaults;
  for (const auto& key : space::key_names("analysis")) {
    const auto& spec = space::key_spec("analysis", key);
    if (spec.fallback.empty()) continue;
    try {
      set_analysis_option(o, key, spec.fallback);
    } catch (const std::invalid_argument&) {
      // A default in words ("the study's seed"): set where it is known.
    }
  }
}

hsic::Discrete discrete_of(const space::Hyperparameter& p) {
  hsic::Discrete d;
  if (p.type == space::Type::Fixed || p.levels() == 0 || p.levels() > hsic::kMaxExpectedLevels)
    return d;
  for (std::size_t j = 0; j <= p.levels(); ++j)
    d.edges.push_back(p.edge(j));
  d.ordered = p.type == space::Type::Integer;
  return d;
}

std::vector<hsic::Discrete> discrete_columns(const space::Space& space,
                                             const std::vector<std::string>& names) {
  std::vector<hsic::Discrete> out(names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (const auto k = space.find(names[c])) out[c] = discrete_of(space[*k]);
  }
  return out;
}

hsic::Options read_analysis(const space::Deck& deck) {
  hsic::Options o;
  o.conditional = true;
  o.seed = deck.study.seed;
  apply_analysis_defaults(o);
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
