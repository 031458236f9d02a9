// Every malformed deck in tests/decks/bad is rejected, by the checks of `hsicho validate`, with
// the message and the position its header announces ("# expect-at: LINE:COL", "# expect: TEXT").
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "hsicho/space/deck.hpp"
#include "hsicho/study/check_deck.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

TEST_CASE("each bad deck gives its message at its line and column", "[deck][errors]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(HSICHO_TEST_DECKS "/bad"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line, at, expect;
    while (std::getline(in, line) && line.rfind("#", 0) == 0) {
      if (line.rfind("# expect-at: ", 0) == 0) at = line.substr(13);
      if (line.rfind("# expect: ", 0) == 0) expect = line.substr(10);
    }
    INFO(file.filename().string());
    REQUIRE(!at.empty());
    REQUIRE(!expect.empty());
    try {
      study::check_deck(space::load_deck(file.string()), true);
      FAIL("accepted a bad deck");
    } catch (const InputError& e) {
      const std::string msg = e.what();
      INFO(msg);
      CHECK(msg.rfind(file.string() + ":" + at + ": ", 0) == 0);
      CHECK(msg.find(expect) != std::string::npos);
    }
  }
}
