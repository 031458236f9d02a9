#include "hsicho/hsic/special.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <unsupported/Eigen/SpecialFunctions>

namespace hsicho::hsic {

double gamma_q(double a, double x) {
  if (!(a > 0) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (!std::isfinite(a)) return 1.0;  // the limit: all of the mass beyond any finite x
  // Eigen's (Cephes' algorithm: series or continued fraction, with the asymptotic expansion for
  // large shapes); tests/unit/test_special.cpp checks it against closed forms.
  const double q = Eigen::numext::igammac(a, x);
  return std::clamp(q, 0.0, 1.0);
}

double gamma_q_inverse(double a, double q) {
  if (!(a > 0) || !(q > 0 && q < 1)) return std::numeric_limits<double>::quiet_NaN();
  double lo = 0, hi = std::max(1.0, a);
  while (gamma_q(a, hi) > q)
    hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (gamma_q(a, mid) > q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double normal_sf(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace hsicho::hsic
