// Times hsicho's optimized Latin hypercube. Prints one line per repetition:
//   hsicho <criterion> n=<n> d=<d> seconds=<t> cd2=<CD^2> mindist=<min distance>
// Usage: hsicho_bench_lhs N D CRITERION(discrepancy|maximin|none) REPEATS [ITERATIONS]
// bench/lhs_vs_scipy.py runs it beside scipy.stats.qmc.LatinHypercube on the same n and d.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsicho/design/lhs.hpp"

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s N D CRITERION REPEATS [ITERATIONS]\n", argv[0]);
    return 2;
  }
  const std::size_t n = std::strtoul(argv[1], nullptr, 10), d = std::strtoul(argv[2], nullptr, 10);
  const std::string name = argv[3];
  const int repeats = std::atoi(argv[4]);
  const std::size_t iterations = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 0;
  using hsicho::space::DesignCriterion;
  const DesignCriterion criterion = name == "maximin"       ? DesignCriterion::Maximin
                                    : name == "discrepancy" ? DesignCriterion::Discrepancy
                                                            : DesignCriterion::None;
  for (int r = 0; r < repeats; ++r) {
    hsicho::Rng rng(1000 + static_cast<std::uint64_t>(r));
    const auto t0 = std::chrono::steady_clock::now();
    auto x = hsicho::design::latin_hypercube(n, d, rng, {});
    const auto report = hsicho::design::improve_design(x, criterion, iterations, rng);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("hsicho %s n=%zu d=%zu seconds=%.4f cd2=%.8g mindist=%.6g tried=%zu\n",
                name.c_str(), n, d, seconds, hsicho::design::centered_discrepancy(x),
                hsicho::design::min_distance(x), report.tried);
  }
  return 0;
}
