#include "hsicho/study/evaluate.hpp"
#include "hsicho/io/deck_file.hpp"

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/external/worker.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/train/trainer.hpp"
#include "study_writer.hpp"

namespace hsicho::study {

Evaluation prepare_evaluation(const std::string& deck_path,
                              const std::vector<std::string>& settings,
                              const std::optional<std::string>& seed) {
  Evaluation e;
  e.deck = io::load_deck(deck_path);
  train::check_space_keys(e.deck);
  e.config = train::config_from_settings(e.deck.space, settings);
  std::uint64_t s = e.deck.study.seed;
  if (seed) {
    const auto v = space::scalar::to_integer(*seed);
    if (!v || *v < 0) throw InputError("--seed must be a whole number >= 0, got '" + *seed + "'");
    s = static_cast<std::uint64_t>(*v);
  }
  if (e.deck.external) {
    external::read_command(e.deck);
    e.spec.seed = s;
  } else {
    e.spec = train::resolve(e.deck, e.config, s);
  }
  e.metric = metric_of(e.deck);
  return e;
}

void evaluate(Evaluation& e) {
  const int local_rank = parallel::local_rank_from_environment();
  if (e.deck.external) {
    external::Job job;
    job.id_text = "eval";   // its own folder, beside the study's
    job.aside = "earlier";  // the previous eval's folder, kept as eval.earlier-N
    job.stage = 1;          // as a plain study's configurations
    job.seed = e.spec.seed;
    job.local_rank = local_rank;
    for (std::size_t k = 0; k < e.config.size(); ++k) {
      if (e.config[k]) job.params.emplace_back(e.deck.space[k].name, *e.config[k]);
    }
    const auto command = external::read_command(e.deck);
    const auto never = [] { return false; };
    if (command.persistent) {
      external::Worker worker(command, local_rank);  // started, used once, asked to exit
      e.record = *worker.run(job, never);
    } else {
      e.record = *external::run(command, job, never);
    }
  } else {
    const auto data = train::load_deck_data(e.deck, e.spec.data);
    e.record = train::train_one(e.spec, data, local_rank);
  }
  e.record.host = parallel::this_host();
}

}  // namespace hsicho::study
