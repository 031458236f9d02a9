// Every malformed deck in tests/decks/bad is rejected, by the checks of `hsicho validate`, with
// the message and the position its header announces ("# expect-at: LINE:COL", "# expect: TEXT").
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "hsicho/io/deck_file.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/check_deck.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

std::vector<std::string> bad_decks() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(HSICHO_TEST_DECKS "/bad")) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());  // data/: their files
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("there are bad decks to check", "[deck][errors]") {
  CHECK(bad_decks().size() >= 30);
}

TEST_CASE("each bad deck gives its message at its line and column", "[deck][errors]") {
  const std::string file = GENERATE(from_range(bad_decks()));  // one run per deck
  std::ifstream in(file);
  std::string line, at, expect;
  while (std::getline(in, line) && line.rfind("#", 0) == 0) {
    if (line.rfind("# expect-at: ", 0) == 0) at = line.substr(13);
    if (line.rfind("# expect: ", 0) == 0) expect = line.substr(10);
  }
  INFO(fs::path(file).filename().string());
  REQUIRE(!at.empty());
  REQUIRE(!expect.empty());
  try {
    study::check_deck(io::load_deck(file), true);
    FAIL("accepted a bad deck");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    INFO(msg);
    CHECK(msg.rfind(file + ":" + at + ": ", 0) == 0);
    CHECK(msg.find(expect) != std::string::npos);
  }
}
