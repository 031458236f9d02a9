// The journal of finished trainings: records read back exactly, and whatever a killed run or a
// full disk leaves behind (a torn header, a torn or corrupted record) is dropped, never fatal.
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hsicho/error.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/record_io.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("hsicho-test-journal-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

io::JournalRecord record(std::size_t config, const std::string& message) {
  io::JournalRecord r;
  r.config = config;
  r.result.rank = 1;
  r.result.host = "node-7";
  r.result.status = Outcome::Ok;
  r.result.val_error = 0.1 + static_cast<double>(config);
  r.result.test_error = NAN;
  r.result.curves = {1.0, 0.5, INFINITY};
  r.result.message = message;
  r.result.parameters = 609;
  r.result.seed = 0xFFFFFFFFFFFFFFFFull;  // the whole uint64 range
  r.result.metrics = {{"energy", -INFINITY}, {"r2", 0.25}};
  return r;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a journal of an older format is refused with what to do", "[journal]") {
  const auto dir = fresh_dir("old-format");
  write_text(dir / "rank-00000.jnl", "hsicho-journal 1 fp\nR\t0\t0\tok\n");
  CHECK_THROWS_WITH(io::read_journals(dir.string(), "fp"),
                    Catch::Contains("older hsicho (journal format 1)"));
}

TEST_CASE("records with fields of the wrong type or missing are not records", "[journal]") {
  io::JournalRecord r;
  const std::string good = io::format_record(record(3, "x"));
  CHECK(io::parse_record(good, r));
  CHECK(r.config == 3);
  // Bodies with a valid CRC-32 (zlib's, as the writer's): the content itself is refused.
  auto with_crc = [](const std::string& body) {
    const auto crc =
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc));
    return body + "\t" + hex;
  };
  CHECK(with_crc(good.substr(0, good.rfind('\t'))) == good);  // the same rule as the writer
  for (const std::string& bad :
       {std::string("{\"config\":1}"), std::string("not json"),
        std::string("{\"config\":-1,\"status\":\"ok\"}"), std::string("[1, 2]")}) {
    INFO(bad);
    CHECK_FALSE(io::parse_record(with_crc(bad), r));
  }
  io::Json j = io::record_to_json(record(1, "").result, io::NonFinite::Text);
  j["epochs"] = 2.5;  // not whole
  CHECK_THROWS_AS(io::record_from_json(j), std::invalid_argument);
  j = io::record_to_json(record(1, "").result, io::NonFinite::Text);
  j.erase("host");
  CHECK_THROWS_WITH(io::record_from_json(j), Catch::Contains("host"));
}

TEST_CASE("journal records read back exactly, tabs and newlines in messages included",
          "[journal]") {
  const auto dir = fresh_dir("roundtrip");
  {
    io::JournalWriter w(dir.string(), 1, "fp");
    w.append(record(0, "plain"));
    w.append(record(5, "a\ttab, a\nnewline and a \\ backslash"));
  }
  const auto c = io::read_journals(dir.string(), "fp");
  REQUIRE(c.dropped == 0);
  REQUIRE(c.records.size() == 2);
  CHECK(c.records[1].config == 5);
  CHECK(c.records[1].result.message == "a\ttab, a\nnewline and a \\ backslash");
  CHECK(c.records[1].result.val_error == 5.1);
  CHECK(std::isnan(c.records[1].result.test_error));
  CHECK(c.records[1].result.curves == std::vector<double>{1.0, 0.5, INFINITY});
  // Every field of the Record comes back (NaN as NaN, infinities, the metrics map).
  CHECK(io::same_record(c.records[1].result, record(5, c.records[1].result.message).result));
  CHECK(io::same_record(c.records[0].result, record(0, "plain").result));
  CHECK_FALSE(io::same_record(c.records[0].result, c.records[1].result));
  REQUIRE_THROWS_AS(io::read_journals(dir.string(), "another"), InputError);
}

TEST_CASE("a torn header (killed or out of space while starting) holds nothing and is rewritten",
          "[journal]") {
  const auto dir = fresh_dir("torn-header");
  const auto file = dir / "rank-00000.jnl";
  write_text(file, "hsicho-jour");
  const auto c = io::read_journals(dir.string(), "fp");
  CHECK(c.records.empty());
  {
    io::JournalWriter w(dir.string(), 0, "fp");
    w.append(record(2, ""));
  }
  const auto again = io::read_journals(dir.string(), "fp");
  REQUIRE(again.records.size() == 1);
  CHECK(again.dropped == 0);
  CHECK(read_text(file).rfind("hsicho-journal 2 fp\n", 0) == 0);
}

TEST_CASE("a torn or corrupted record is dropped, and reopening keeps every valid record",
          "[journal]") {
  const auto dir = fresh_dir("corrupt");
  const auto file = dir / "rank-00001.jnl";
  {
    io::JournalWriter w(dir.string(), 1, "fp");
    for (std::size_t k = 0; k < 4; ++k)
      w.append(record(k, "r" + std::to_string(k)));
  }
  std::string text = read_text(file);
  const auto third = text.find("\n{\"config\":2,") + 1;
  text[third + 14] ^= 0x01;            // a flipped bit in record 2: its CRC no longer matches
  text += "{\"config\":9,\"status\"";  // and a torn last line
  write_text(file, text);
  const auto c = io::read_journals(dir.string(), "fp");
  CHECK(c.records.size() == 3);  // 0, 1 and 3
  CHECK(c.dropped == 2);
  {
    io::JournalWriter w(dir.string(), 1, "fp");  // rewrites the file without the two bad lines
    w.append(record(7, ""));
  }
  const auto again = io::read_journals(dir.string(), "fp");
  REQUIRE(again.records.size() == 4);
  CHECK(again.dropped == 0);
  CHECK(again.records[0].config == 0);
  CHECK(again.records[1].config == 1);
  CHECK(again.records[2].config == 3);
  CHECK(again.records[3].config == 7);
  CHECK(!fs::exists(file.string() + ".tmp"));
}

TEST_CASE("a record's values come back by name, each of its own kind, inactive ones as such",
          "[journal]") {
  io::JournalRecord r = record(4, "");
  r.values = {{"lr", space::Value{0.1}},
              {"layers", space::Value{std::int64_t{3}}},
              {"width", space::Value{2.0}},  // a whole double stays a double
              {"opt", space::Value{std::string("sgd")}},
              {"bn", space::Value{true}},
              {"momentum", std::nullopt}};
  io::JournalRecord back;
  REQUIRE(io::parse_record(io::format_record(r), back));
  REQUIRE(back.values.size() == r.values.size());
  for (const auto& [name, value] : r.values) {
    INFO(name);
    const auto it = std::find_if(back.values.begin(), back.values.end(),
                                 [&](const auto& nv) { return nv.first == name; });
    REQUIRE(it != back.values.end());
    REQUIRE(it->second.has_value() == value.has_value());
    if (value) {
      CHECK(it->second->index() == value->index());
      CHECK(*it->second == *value);
    }
  }
  // A record of an older journal has no values: read, with none.
  io::Json j = io::Json::parse(
      io::format_record(record(2, "")).substr(0, io::format_record(record(2, "")).rfind('\t')));
  CHECK_FALSE(j.contains("values"));
  REQUIRE(io::parse_record(io::format_record(record(2, "")), back));
  CHECK(back.values.empty());
}
