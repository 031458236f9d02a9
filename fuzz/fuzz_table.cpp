// Fuzz target: the readers of the user's data files (data.name: table), on bytes in memory: CSV
// columns, .npy arrays, .npz archives (zip with stored or deflated members).
// Properties: only InputError may be thrown; every array read has as many values as its shape
// says; CSV values are finite.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_table: %s\n", what.c_str());
  std::abort();
}

void check(const hsicho::io::Array& a, bool finite) {
  std::size_t n = 1;
  for (auto d : a.shape)
    n *= d;
  if (a.shape.empty() || n != a.values.size()) fail("shape and values disagree");
  if (finite) {
    for (double v : a.values) {
      if (!std::isfinite(v)) fail("a CSV value is not finite");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the reader; the rest is the file.
  const int mode = data[0] % 3;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (mode == 0) {
      for (const auto& a : hsicho::io::parse_csv(bytes, "f.csv", {{"a", "b:c"}, {"y"}}))
        check(a, true);
    } else if (mode == 1) {
      check(hsicho::io::parse_npy(bytes, "f.npy"), false);
    } else {
      for (const auto& [name, member] : hsicho::io::unzip(bytes, "f.npz")) {
        try {
          check(hsicho::io::parse_npy(member, name), false);
        } catch (const hsicho::InputError&) {
        }
      }
    }
  } catch (const hsicho::InputError&) {
    // a malformed file, reported: fine
  }
  return 0;
}
