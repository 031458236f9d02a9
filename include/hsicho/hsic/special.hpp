// Special functions for p-values (the incomplete gamma from Eigen).
#pragma once

namespace hsicho::hsic {

// Upper regularized incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a): the survival function of
// a Gamma(shape a, scale 1) variable at x.
double gamma_q(double a, double x);

// The x with Q(a, x) = q (0 < q < 1): the upper q-quantile of a Gamma(a, 1) law, by bisection
// on gamma_q (monotone in x) to a relative 1e-12.
double gamma_q_inverse(double a, double q);

// P(N(0,1) > z).
double normal_sf(double z);

// The z with P(N(0,1) > z) = p, for p in (0, 1) (NaN outside): the normal score of a p-value.
// Accurate to a relative 1e-13 from p = 1e-300 to 1 - 1e-16 (Acklam's rational start, then
// Newton steps on erfc).
double normal_isf(double p);

}  // namespace hsicho::hsic
