// The design of a study: n points of the unit cube (one column per free hyperparameter) and the
// configurations they stand for. A pure function of the space, the settings and the seed, so
// every MPI rank builds the same design without communicating.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "hsicho/design/lhs.hpp"
#include "hsicho/space/deck.hpp"

namespace hsicho::design {

struct Design {
  Eigen::MatrixXd unit;                // n x space.dimension()
  std::vector<space::Config> configs;  // n configurations, inactive children nullopt
  SearchReport search;                 // what the space-filling search did
};

Design make_design(const space::Space& space, const space::DesignSettings& settings,
                   std::uint64_t seed);

// `base` grown to n points (n > its size): its points kept, in order, then new ones that fill
// the space left (augment_latin_hypercube, then the space-filling search over the new points
// alone; plain random points for a random design). A pure function of its arguments.
Design extend_design(const space::Space& space, const Design& base, std::size_t n,
                     const space::DesignSettings& settings, Rng& rng);

// A 64-bit fingerprint of a design's unit values (bit patterns), to compare designs across ranks.
std::uint64_t fingerprint(const Eigen::MatrixXd& unit);

}  // namespace hsicho::design
