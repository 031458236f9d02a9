// The design of a later stage of the HSIC-guided optimizer: moves around the good
// configurations of every stage so far, some exploration, and no configuration twice.
#include <cmath>
#include <set>
#include <string>

#include "hsicho/random.hpp"
#include "hsicho/study/stage.hpp"

namespace hsicho::study {
namespace {

// A standard normal draw (Box-Muller on our own generator: the same numbers on every rank and
// every standard library).
double normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

// x folded back into [0, 1) (mirror at both ends), so that a move near a bound stays inside
// without piling up on it.
double reflect(double x) {
  x = std::fmod(std::fabs(x), 2.0);
  if (x > 1.0) x = 2.0 - x;
  return std::min(x, std::nextafter(1.0, 0.0));
}

// A configuration as one text: the key under which "trained already" is checked, at the level of
// discrete values (continuous values are compared exactly).
std::string key_of(const space::Config& c) {
  std::string k;
  for (const auto& v : c) {
    k += v ? space::to_text(*v) : std::string("-");
    k += '\x1f';
  }
  return k;
}

// Step sizes, in the unit scale: an important input moves by `spread` (one sd), an undecided
// one by 2.5 times that (it was not shown to matter: look further), and a categorical input
// switches level with probability 0.1 (important) or 0.3 (undecided).
constexpr double kWide = 2.5, kSwitchFocused = 0.1, kSwitchWide = 0.3;

// A move from `parent` in the unit cube of `next`.
std::vector<double> move_from(const space::Config& parent, const StageDecision& d, double spread,
                              double drift, Rng& rng) {
  const space::Space& sp = d.next;
  std::vector<double> u(sp.dimension());
  for (std::size_t c = 0; c < sp.dimension(); ++c) {
    const std::size_t k = sp.free_columns()[c];
    const auto& p = sp[k];
    const Move& m = d.moves.at(k);
    const auto& v = parent.at(k);
    if (!v || !p.contains(*v)) {  // inactive in the parent (a child it did not have): anywhere
      u[c] = rng.uniform();
      continue;
    }
    if (p.type == space::Type::Categorical || p.type == space::Type::Boolean) {
      const std::size_t j = p.level_of(*v), levels = p.levels();
      std::size_t to = j;
      if (levels > 1 && rng.uniform() < (m.focused ? kSwitchFocused : kSwitchWide)) {
        to = static_cast<std::size_t>(rng.below(levels - 1));
        if (to >= j) ++to;
      }
      u[c] = 0.5 * (p.edge(to) + p.edge(to + 1));
      continue;
    }
    const double sd = m.focused ? spread : kWide * spread;
    u[c] = reflect(p.unit_of(*v, 0.5) + drift * m.drift * sd + sd * normal(rng));
  }
  return u;
}

}  // namespace

design::Design sample_stage(const StageDecision& d, const OptimizeSettings& o,
                            const std::vector<space::Config>& trained, std::size_t n,
                            std::uint64_t study_seed, std::size_t k) {
  const space::Space& sp = d.next;
  Rng rng(config_seed(study_seed, 1000003 * k), 7);
  std::set<std::string> seen;
  for (const auto& c : trained)
    seen.insert(key_of(c));
  const std::size_t explore =
      d.parents.empty() ? n
                        : static_cast<std::size_t>(std::lround(o.explore * static_cast<double>(n)));
  std::vector<std::vector<double>> rows;
  design::Design out;
  // A row that repeats a configuration is drawn again: first by a wider move (twice the step at
  // each try), then anywhere in the space; a row that still repeats after 100 tries is left out
  // (the space has few configurations left).
  for (std::size_t i = 0; i < n; ++i) {
    const bool local = i < n - explore;
    const auto& parent = local ? d.parents[i % d.parents.size()] : space::Config{};
    for (int attempt = 0; attempt < 100; ++attempt) {
      const bool near = local && attempt < 10;
      std::vector<double> u(sp.dimension());
      if (near) {
        u = move_from(parent, d, o.spread * std::pow(2.0, attempt), o.drift, rng);
      } else {
        for (auto& x : u)
          x = rng.uniform();
      }
      space::Config c = sp.config_at(u.data());
      if (!seen.insert(key_of(c)).second) continue;
      rows.push_back(u);
      out.configs.push_back(std::move(c));
      break;
    }
  }
  out.unit.resize(static_cast<Eigen::Index>(rows.size()),
                  static_cast<Eigen::Index>(sp.dimension()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t c = 0; c < sp.dimension(); ++c)
      out.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = rows[i][c];
  }
  return out;
}

}  // namespace hsicho::study
