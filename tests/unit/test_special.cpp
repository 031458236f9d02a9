// The upper regularized incomplete gamma Q(a, x) (Gamma p-values) against closed forms, over the
// range the p-values use: shapes from 1e-3 to 1e4, tails down to 1e-300.
#include <catch2/catch.hpp>

#include <cmath>

#include "hsicho/hsic/special.hpp"

using hsicho::hsic::gamma_q;
using hsicho::hsic::gamma_q_inverse;
using hsicho::hsic::normal_isf;
using hsicho::hsic::normal_sf;

namespace {

// Q(n, x) = exp(-x) sum_{k < n} x^k / k! for whole n (a Poisson tail), summed in log space.
double q_whole(int n, double x) {
  double sum = 0, log_term = -x;
  for (int k = 0; k < n; ++k) {
    if (k > 0) log_term += std::log(x) - std::log(k);
    sum += std::exp(log_term);
  }
  return sum;
}

}  // namespace

TEST_CASE("gamma_q matches its closed forms", "[special]") {
  for (double x : {1e-8, 1e-3, 0.1, 0.5, 1.0, 2.0, 10.0, 50.0, 300.0, 690.0}) {
    INFO("x = " << x);
    CHECK(gamma_q(1, x) == Approx(std::exp(-x)).epsilon(1e-13));
    CHECK(gamma_q(0.5, x) == Approx(std::erfc(std::sqrt(x))).epsilon(1e-12));
  }
  for (int n : {2, 3, 7, 20, 50}) {
    for (double x : {0.01, 0.5, 1.0, 3.0, 10.0, 40.0, 100.0, 200.0}) {
      INFO("a = " << n << ", x = " << x);
      CHECK(gamma_q(n, x) == Approx(q_whole(n, x)).epsilon(1e-11));
    }
  }
}

TEST_CASE("gamma_q is a survival function over the whole range", "[special]") {
  for (double a : {1e-3, 0.1, 1.0, 10.0, 1e3, 1e4}) {
    double last = 1.0;
    for (double x = a * 1e-3; x < a * 100 + 100; x *= 1.5) {
      const double q = gamma_q(a, x);
      CHECK(q >= 0.0);
      CHECK(q <= last);  // decreasing in x
      last = q;
    }
    CHECK(gamma_q(a, 0) == 1.0);
    CHECK(gamma_q(a, INFINITY) == 0.0);
    CHECK(gamma_q(a, a * 1e3 + 1e4) == 0.0);  // far tail: 0, no exception
  }
  CHECK(std::isnan(gamma_q(0, 1)));
  CHECK(std::isnan(gamma_q(1, NAN)));
}

TEST_CASE("the inverse of the Gamma survival function", "[special]") {
  // Shape 1 is the exponential law: Q(1, x) = exp(-x).
  CHECK(gamma_q_inverse(1, 0.05) == Approx(-std::log(0.05)).epsilon(1e-10));
  for (double a : {0.3, 2.5, 40.0, 1e4}) {
    INFO("shape " << a);
    CHECK(gamma_q(a, gamma_q_inverse(a, 0.05)) == Approx(0.05).epsilon(1e-9));
  }
  CHECK(std::isnan(gamma_q_inverse(1, 0)));
  CHECK(std::isnan(gamma_q_inverse(-1, 0.5)));
}

TEST_CASE("the normal score of a p-value inverts the normal survival function", "[special]") {
  // Reference values: scipy.stats.norm.isf.
  CHECK(normal_isf(0.5) == Approx(0.0).margin(1e-15));
  CHECK(normal_isf(0.05) == Approx(1.6448536269514722).epsilon(1e-13));
  CHECK(normal_isf(0.975) == Approx(-1.959963984540054).epsilon(1e-13));
  CHECK(normal_isf(1e-10) == Approx(6.361340902404056).epsilon(1e-13));
  CHECK(normal_isf(1e-300) == Approx(37.0470962993612).epsilon(1e-12));
  // Round trips: tight in the upper tail; below z = -4, p is within 3e-5 of 1 and the double
  // holding it keeps only about 11 digits of 1 - p, so z is known to that much.
  for (double z = -4; z <= 37; z += 0.37) {
    const double p = normal_sf(z);
    CHECK(normal_isf(p) == Approx(z).epsilon(z < 0 ? 1e-9 : 1e-12).margin(1e-12));
  }
  CHECK(std::isnan(normal_isf(0)));
  CHECK(std::isnan(normal_isf(1)));
}
