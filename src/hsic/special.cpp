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

double normal_isf(double p) {
  if (!(p > 0 && p < 1)) return std::numeric_limits<double>::quiet_NaN();
  // Acklam's approximation of the lower quantile of q = 1 - p (relative error ~1e-9) ...
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549671361148480e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  // z = -lower_quantile(p) = upper quantile; written for the upper tail so that tiny p keep
  // their precision (1 - p would round to 1).
  const double lo = 0.02425;
  double z;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - lo) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = 0.5 - p, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // ... then Newton on P(N > z) = p, in relative terms so that the far tail converges too.
  for (int it = 0; it < 3; ++it) {
    const double f = normal_sf(z);
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    if (!(density > 0) || !(f > 0)) break;
    z += (f - p) / density;
  }
  return z;
}

}  // namespace hsicho::hsic
