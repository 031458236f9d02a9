// Fuzz target: the study-file reader (report, export, analyze) on damaged files. The input is a
// whole HDF5 file, written to a temporary path and read back.
// Properties: only InputError may be thrown ("not a study file of this version, or damaged");
// what is read is consistent: one record per configuration, configuration rows of the space's
// width.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/io/study_file.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_study: %s\n", what.c_str());
  std::abort();
}

std::string temp_path() {
  static const std::string path = "/tmp/hsicho-fuzz-study-" + std::to_string(::getpid()) + ".h5";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = temp_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto s = hsicho::io::read_study(path);
    if (s.configs.size() != s.n()) fail("records and configurations disagree");
    for (const auto& c : s.configs) {
      if (c.values.size() != s.space.size()) fail("values are not n x p");
      if (c.normalized.size() != s.configs_info.columns.size()) fail("normalized is not n x d");
    }
    (void)hsicho::io::read_study_inputs(path);
  } catch (const hsicho::InputError&) {
    // damaged, reported as such: fine
  }
  std::remove(path.c_str());
  return 0;
}
