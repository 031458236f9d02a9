#include "hsicho/design/design.hpp"

#include <cstring>

namespace hsicho::design {

Design make_design(const space::Space& space, const space::DesignSettings& settings,
                   std::uint64_t seed) {
  const std::size_t n = settings.samples, d = space.dimension();
  // Stream 1 of the study seed is the design's; other consumers use other streams.
  Rng rng(seed, 1);
  Design design;
  if (settings.method == space::DesignMethod::Lhs) {
    std::vector<bool> centered(d);
    for (std::size_t c = 0; c < d; ++c)
      centered[c] = space[space.free_columns()[c]].levels() > 0;
    design.unit = latin_hypercube(n, d, rng, centered);
    design.search = improve_design(design.unit, settings.criterion, settings.iterations, rng);
  } else {
    design.unit = random_design(n, d, rng);
  }
  design.configs.reserve(n);
  std::vector<double> row(d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c)
      row[c] = design.unit(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
    design.configs.push_back(space.config_at(row.data()));
  }
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
