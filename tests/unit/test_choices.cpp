// Training choices are parsed once into enums (issue 38): every name the deck-key table accepts
// parses into its enum and prints back as itself, and every enum value has a name there, so the
// table (what decks may say) and the enums (what the trainers dispatch on) cannot drift.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "hsicho/space/keys.hpp"
#include "hsicho/train/choices.hpp"

using namespace hsicho;
using namespace hsicho::train;

namespace {

template <class E>
void same_names(const std::string& block, const std::string& key) {
  INFO(block << "." << key);
  const auto& table = space::key_spec(block, key).choices;
  std::vector<std::string> ours;
  for (E v : all_choices<E>())
    ours.emplace_back(name(v));
  CHECK(table == ours);
  for (const auto& text : table)
    CHECK(std::string(name(parse_choice<E>(text))) == text);
}

}  // namespace

TEST_CASE("the deck's choices and the trainers' enums are the same lists", "[choices]") {
  same_names<ModelType>("model", "type");
  same_names<Activation>("model", "activation");
  same_names<Init>("model", "init");
  same_names<Pooling>("model", "pooling");
  same_names<Optimizer>("training", "optimizer");
  same_names<Schedule>("training", "schedule");
  same_names<Loss>("training", "loss");
  same_names<Metric>("data", "metric");
  CHECK_THROWS_WITH(parse_choice<Activation>("swish"),
                    "'swish' is not one of relu, tanh, sigmoid, elu, gelu, silu");
}
