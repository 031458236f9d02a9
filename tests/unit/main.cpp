// Catch2's main, compiled once in its own file. Doubles print with every digit, so that a failed
// comparison shows by how much it failed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::StringMaker<double>::precision = 17;
  return Catch::Session().run(argc, argv);
}
