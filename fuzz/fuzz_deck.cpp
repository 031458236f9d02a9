// Fuzz target: the deck reader and everything `hsicho validate` checks (study::check_deck, with a
// first design of at most 8 points and without the data files). A deck may be refused only with
// an InputError that starts with the deck's file and line; any other exception, crash, hang, leak
// or sanitizer report is a finding.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hsicho/error.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/check_deck.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_deck: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hsicho;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // What `hsicho validate` does, with a smaller first design (the deck's own size would make
  // each input slow): the deck, the trainer's keys and values, the optimizer, every design point.
  try {
    study::check_deck(space::parse_deck(text, "fuzz.yaml"), false, 8);
  } catch (const InputError& e) {
    // Every message starts with the deck's file and line ("fuzz.yaml:12:5: ...").
    const std::string m = e.what();
    if (m.rfind("fuzz.yaml:", 0) != 0 || m.size() < 11 || !std::isdigit(m[10]))
      fail("a deck error that does not start with the deck's line: " + m);
  }
  return 0;
}
