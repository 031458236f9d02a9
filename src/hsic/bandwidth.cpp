#include "hsicho/hsic/bandwidth.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace hsicho::hsic {

BandwidthRule BandwidthRule::parse(const std::string& text) {
  BandwidthRule r;
  if (text == "median") return r;
  if (text == "std") return r.kind = Kind::Std, r;
  if (text == "max") return r.kind = Kind::Max, r;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v > 0) || !std::isfinite(v)) {
    throw std::invalid_argument("bandwidth must be median, std, max or a positive number, got '" +
                                text + "'");
  }
  // Inputs are normalized to [0, 1]: far outside these bounds the kernel is the identity (every
  // pair apart) or a constant (every pair alike), and every index says the same nothing.
  if (v < 1e-3 || v > 1e3) {
    throw std::invalid_argument("bandwidth " + text +
                                " is outside [0.001, 1000]: on inputs normalized to [0, 1] the "
                                "kernel would see every pair apart or every pair alike; use "
                                "median, or a value near 0.1 - 1");
  }
  r.kind = Kind::Value;
  r.value = v;
  return r;
}

std::string BandwidthRule::str() const {
  switch (kind) {
    case Kind::Median:
      return "median";
    case Kind::Std:
      return "std";
    case Kind::Max:
      return "max";
    case Kind::Value:
      return std::to_string(value);
  }
  return "?";
}

namespace {

// Ordered pairs (i, j), diagonal included, with |x_i - x_j| <= t; x sorted.
std::uint64_t pairs_within(const std::vector<double>& x, double t) {
  std::uint64_t count = 0;
  std::size_t lo = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    while (x[j] - x[lo] > t)
      ++lo;
    count += j - lo;  // i < j within t
  }
  return 2 * count + x.size();
}

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
double from_bits(std::uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// The k-th smallest (0-based) of the n^2 pairwise distances. Non-negative doubles order like
// their bit patterns, so bisection on the bits ends on an exact distance.
double kth_distance(const std::vector<double>& x, std::uint64_t k) {
  std::uint64_t lo = 0, hi = bits(x.back() - x.front());
  if (pairs_within(x, 0.0) >= k + 1) return 0.0;
  while (hi - lo > 1) {  // invariant: count(lo) < k + 1 <= count(hi)
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (pairs_within(x, from_bits(mid)) >= k + 1) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return from_bits(hi);
}

}  // namespace

double median_bandwidth(const double* x, std::size_t n) {
  if (n == 0) return 0;
  std::vector<double> s(x, x + n);
  std::sort(s.begin(), s.end());
  const std::uint64_t total = static_cast<std::uint64_t>(n) * n;
  if (total % 2 == 1) return kth_distance(s, total / 2);
  // Even count: the two middle values. The upper one is the lower one again when enough pairs
  // tie with it, else the smallest distance above it (one O(n) sweep, not a second bisection).
  const double low = kth_distance(s, total / 2 - 1);
  if (pairs_within(s, low) >= total / 2 + 1) return low;
  double high = INFINITY;
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    j = std::max(j, i);
    while (j < n && s[j] - s[i] <= low)
      ++j;
    if (j < n) high = std::min(high, s[j] - s[i]);
  }
  return 0.5 * (low + high);
}

double std_bandwidth(const double* x, std::size_t n) {
  if (n < 2) return 0;
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i)
    mean += x[i];
  mean /= static_cast<double>(n);
  double ss = 0;
  for (std::size_t i = 0; i < n; ++i)
    ss += (x[i] - mean) * (x[i] - mean);
  return std::sqrt(ss / static_cast<double>(n - 1));
}

}  // namespace hsicho::hsic
