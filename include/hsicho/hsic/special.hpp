// Special functions for p-values (the incomplete gamma from Eigen).
#pragma once

namespace hsicho::hsic {

// Upper regularized incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a): the survival function of
// a Gamma(shape a, scale 1) variable at x.
double gamma_q(double a, double x);

// P(N(0,1) > z).
double normal_sf(double z);

}  // namespace hsicho::hsic
