#include "hsicho/study/evaluate.hpp"

#include "hsicho/error.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/train/trainer.hpp"
#include "study_writer.hpp"

namespace hsicho::study {

Evaluation prepare_evaluation(const std::string& deck_path,
                              const std::vector<std::string>& settings,
                              const std::optional<std::string>& seed) {
  Evaluation e;
  e.deck = space::load_deck(deck_path);
  train::check_space_keys(e.deck);
  e.config = train::config_from_settings(e.deck.space, settings);
  std::uint64_t s = e.deck.study.seed;
  if (seed) {
    const auto v = space::scalar::to_integer(*seed);
    if (!v || *v < 0) throw InputError("--seed must be a whole number >= 0, got '" + *seed + "'");
    s = static_cast<std::uint64_t>(*v);
  }
  e.spec = train::resolve(e.deck, e.config, s);
  e.metric = metric_of(e.deck);
  return e;
}

void evaluate(Evaluation& e) {
  const auto data = train::load_deck_data(e.deck, e.spec.data);
  e.record = train::train_one(e.spec, data, parallel::local_rank_from_environment());
  e.record.host = parallel::this_host();
}

}  // namespace hsicho::study
