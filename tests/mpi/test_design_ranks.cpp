// Every rank builds the same design on its own, bit for bit.
#include <catch2/catch.hpp>

#include "hsicho/design/design.hpp"
#include "hsicho/io/deck_file.hpp"
#include "hsicho/parallel/mpi_session.hpp"

using namespace hsicho;

TEST_CASE("all ranks build an identical design", "[mpi][design]") {
  auto deck = io::load_deck(HSICHO_TEST_DECKS "/conditional.yaml");
  for (auto criterion : {space::DesignCriterion::Discrepancy, space::DesignCriterion::Maximin,
                         space::DesignCriterion::None}) {
    deck.design.criterion = criterion;
    const auto design = design::make_design(deck.space, deck.design, deck.study.seed);
    const auto all = parallel::all_gather(design::fingerprint(design.unit));
    REQUIRE(all.size() >= 2);
    for (auto f : all)
      CHECK(f == all[0]);
  }
}
