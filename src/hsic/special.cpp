#include "hsicho/hsic/special.hpp"

#include <cmath>
#include <limits>

#include <boost/math/special_functions/gamma.hpp>

namespace hsicho::hsic {

double gamma_q(double a, double x) {
  if (!(a > 0) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (!std::isfinite(a)) return 1.0;  // the limit: all of the mass beyond any finite x
  // Boost.Math's: accurate to a few ulps over the whole range (its own tests), underflowing to 0
  // far in the tail instead of raising.
  using Policy = boost::math::policies::policy<
      boost::math::policies::underflow_error<boost::math::policies::ignore_error>>;
  return boost::math::gamma_q(a, x, Policy());
}

double normal_sf(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace hsicho::hsic
