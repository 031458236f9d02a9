// Bandwidths of the Gaussian input kernel, one per input.
#pragma once

#include <cstddef>
#include <string>

namespace hsicho::hsic {

struct BandwidthRule {
  enum class Kind { Median, Std, Max, Value };
  Kind kind = Kind::Median;
  double value = 0;  // for Kind::Value

  // "median", "std", "max" or a positive number; throws std::invalid_argument otherwise.
  static BandwidthRule parse(const std::string& text);
  std::string str() const;
};

// The median of |x_i - x_j| over all n^2 ordered pairs, the diagonal (zeros) included, as
// numpy.median computes it (mean of the two middle values when n^2 is even). Exact, in
// O(n log n) time and O(n) memory: bisection on the value, counting pairs below it in O(n).
double median_bandwidth(const double* x, std::size_t n);

// Sample standard deviation (divisor n - 1).
double std_bandwidth(const double* x, std::size_t n);

}  // namespace hsicho::hsic
