// Times hsicho's reader of the user's data files (io::read_arrays, what `data.name: table`
// uses). Prints one line per repetition:
//   hsicho read bytes=<file size> rows=<rows> seconds=<t> checksum=<sum of the values>
// Usage: hsicho_bench_table_read FILE REPEATS X... -- Y...   (CSV column names, or one data set /
// array name each for HDF5 and .npz). bench/table_read.py runs it beside NumPy on the same file.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hsicho/io/array_file.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s FILE REPEATS X... -- Y...\n", argv[0]);
    return 2;
  }
  const std::string file = argv[1];
  const int repeats = std::atoi(argv[2]);
  std::vector<std::vector<std::string>> requests(1);
  for (int k = 3; k < argc; ++k) {
    if (std::string(argv[k]) == "--") {
      requests.emplace_back();
    } else {
      requests.back().push_back(argv[k]);
    }
  }
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto f = hsicho::io::read_arrays(file, requests);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double sum = 0;
    for (const auto& a : f.arrays) {
      for (double v : a.values)
        sum += v;
    }
    std::printf("hsicho read bytes=%llu rows=%zu seconds=%.4f checksum=%.17g\n",
                static_cast<unsigned long long>(f.stamp.bytes), f.arrays[0].rows(), seconds, sum);
  }
  return 0;
}
