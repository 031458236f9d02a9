// Seeded random numbers that are the same on every machine, compiler and rank count.
// The standard distributions are implementation-defined, so hsicho draws its own:
// xoshiro256** seeded through splitmix64, doubles from the top 53 bits, bounded integers by
// rejection. A counter-based draw (hash of seed and indices) serves values that must not depend
// on the order in which ranks compute them, such as the normalization jitter of one cell.
#pragma once

#include <cstdint>
#include <utility>

namespace hsicho {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A uniform double in [0, 1) from 64 random bits.
inline double bits_to_unit(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// Uniform in [0, 1) determined only by (seed, a, b, c): no state, any order of evaluation.
inline double hashed_unit(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0,
                          std::uint64_t c = 0) {
  std::uint64_t s = seed;
  std::uint64_t h = splitmix64(s);
  s = h ^ (a * 0xD1B54A32D192ED03ull);
  h = splitmix64(s);
  s = h ^ (b * 0x8CB92BA72F3D8DD7ull);
  h = splitmix64(s);
  s = h ^ (c * 0xABC98388FB8FAC03ull);
  return bits_to_unit(splitmix64(s));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t s = seed ^ (stream * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
    for (auto& w : s_)
      w = splitmix64(s);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  double uniform() { return bits_to_unit(next()); }

  // Uniform integer in [0, bound), unbiased (bound > 0).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = (~std::uint64_t{0}) - (~std::uint64_t{0}) % bound;
    std::uint64_t x;
    do
      x = next();
    while (x >= limit);
    return x % bound;
  }

  // Fisher-Yates shuffle of [first, first + n).
  template <class T>
  void shuffle(T* first, std::uint64_t n) {
    for (std::uint64_t i = n; i > 1; --i)
      std::swap(first[i - 1], first[below(i)]);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace hsicho
