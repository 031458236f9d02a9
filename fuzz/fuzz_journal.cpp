// Fuzz target: the journal reader and the writer's recovery of a journal left by a killed run.
// The input is a journal file; with the first byte odd, every line after the header gets a valid
// CRC appended, so that the fuzzer reaches the record parser behind the checksum.
// Properties: only InputError (a journal of another study) may be thrown; every record read
// formats and parses back to itself; after a writer reopens the file (cutting a torn or corrupted
// tail), the file reads back with nothing dropped and exactly the records before the first bad
// line.
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/record_io.hpp"

namespace {
namespace fs = std::filesystem;

const char* kFingerprint = "0123456789abcdef";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_journal: %s\n", what.c_str());
  std::abort();
}

std::string with_crcs(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  bool header = true;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!header) {
      char crc[16];
      std::snprintf(
          crc, sizeof crc, "%08lx",
          crc32(0L, reinterpret_cast<const Bytef*>(line.data()), static_cast<uInt>(line.size())));
      line += std::string("\t") + crc;
    }
    header = false;
    out += line + (complete ? "\n" : "");
    start = end + 1;
  }
  return out;
}

bool same(const hsicho::io::JournalRecord& a, const hsicho::io::JournalRecord& b) {
  return a.config == b.config && hsicho::io::same_record(a.result, b.result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hsicho;
  if (size < 1) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) text = with_crcs(text);
  // A folder of its own in memory (fsync is free there): the reader reads whole folders.
  static const fs::path dir = fs::path(fs::exists("/dev/shm") ? "/dev/shm" : "/tmp") /
                              ("hsicho-fuzz-journal-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto file = dir / "rank-00000.jnl";
  std::ofstream(file, std::ios::binary) << text;

  io::JournalContents read;
  try {
    read = io::read_journals(dir.string(), kFingerprint);
  } catch (const InputError&) {
    return 0;  // another study's journal (its header differs)
  }
  for (const auto& r : read.records) {
    io::JournalRecord back;
    if (!io::parse_record(io::format_record(r), back) || !same(back, r))
      fail("a record does not read back as itself: " + io::format_record(r));
  }
  { io::JournalWriter writer(dir.string(), 0, kFingerprint); }
  const auto again = io::read_journals(dir.string(), kFingerprint);
  if (again.dropped != 0 || again.records.size() != read.records.size())
    fail("after recovery: " + std::to_string(again.records.size()) + " records, " +
         std::to_string(again.dropped) + " dropped; expected " +
         std::to_string(read.records.size()) + ", 0");
  for (std::size_t i = 0; i < read.records.size(); ++i)
    if (!same(again.records[i], read.records[i]))
      fail("recovery changed record " + std::to_string(i));
  return 0;
}
