#include "hsicho/design/design.hpp"

#include <cstring>

namespace hsicho::design {

namespace {

// Discrete columns sit at the middle of their strata (levels balanced exactly).
std::vector<bool> centered_columns(const space::Space& space) {
  std::vector<bool> centered(space.dimension());
  for (std::size_t c = 0; c < centered.size(); ++c)
    centered[c] = space[space.free_columns()[c]].levels() > 0;
  return centered;
}

// The configurations of rows first.. of design.unit.
void add_configs(const space::Space& space, Design& design, std::size_t first) {
  const auto n = static_cast<std::size_t>(design.unit.rows()), d = space.dimension();
  design.configs.reserve(n);
  std::vector<double> row(d);
  for (std::size_t i = first; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c)
      row[c] = design.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
    design.configs.push_back(space.config_at(row.data()));
  }
}

}  // namespace

Design make_design(const space::Space& space, const space::DesignSettings& settings,
                   std::uint64_t seed) {
  const std::size_t n = settings.samples, d = space.dimension();
  // Stream 1 of the study seed is the design's; other consumers use other streams.
  Rng rng(seed, 1);
  Design design;
  if (settings.method == space::DesignMethod::Lhs) {
    design.unit = latin_hypercube(n, d, rng, centered_columns(space));
    design.search = improve_design(design.unit, settings.criterion, settings.iterations, rng);
  } else {
    design.unit = random_design(n, d, rng);
  }
  add_configs(space, design, 0);
  return design;
}

Design extend_design(const space::Space& space, const Design& base, std::size_t n,
                     const space::DesignSettings& settings, Rng& rng) {
  const auto n0 = static_cast<std::size_t>(base.unit.rows());
  Design design;
  design.configs = base.configs;
  if (settings.method == space::DesignMethod::Lhs) {
    design.unit = augment_latin_hypercube(base.unit, n, rng, centered_columns(space));
    design.search = improve_design(design.unit, settings.criterion, settings.iterations, rng, n0);
  } else {
    design.unit.resize(static_cast<Eigen::Index>(n), base.unit.cols());
    design.unit.topRows(static_cast<Eigen::Index>(n0)) = base.unit;
    design.unit.bottomRows(static_cast<Eigen::Index>(n - n0)) =
        random_design(n - n0, static_cast<std::size_t>(base.unit.cols()), rng);
  }
  add_configs(space, design, n0);
  return design;
}

std::uint64_t fingerprint(const Eigen::MatrixXd& unit) {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a over the bit patterns
  for (Eigen::Index i = 0; i < unit.size(); ++i) {
    std::uint64_t bits;
    const double v = unit.data()[i];
    std::memcpy(&bits, &v, sizeof bits);
    for (int b = 0; b < 8; ++b)
      h = (h ^ ((bits >> (8 * b)) & 0xFF)) * 0x100000001B3ull;
  }
  return h ^ static_cast<std::uint64_t>(unit.rows()) * 31 ^ static_cast<std::uint64_t>(unit.cols());
}

}  // namespace hsicho::design
