#include "hsicho/study/analyze_trials.hpp"

#include <stdexcept>

#include "hsicho/error.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/csv_inputs.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/load.hpp"

namespace hsicho::study {
namespace {

struct Data : io::CsvInputs {
  std::vector<hsic::Discrete> discrete;  // the bins of discrete columns, when a space says them
};

// A study file's normalized inputs (NaN where inactive) and validation errors; the deck it
// stores types its columns.
Data load_from_study(const TrialsRequest& req) {
  // At any moment: a running or stopped study is read from its journal folder (study/load.hpp).
  const auto study = study::load_study(req.file);
  const auto in = io::study_inputs(study.data);
  Data d;
  if (study.partial) {
    d.warnings.push_back("a partial study: " + partial_summary(study));
    d.warnings.insert(d.warnings.end(), study.notes.begin(), study.notes.end());
  }
  try {
    const auto deck = space::parse_deck(in.deck_text, req.file, space::DeckUse::SpaceOnly);
    d.discrete = discrete_columns(deck.space, in.names);
  } catch (const InputError& e) {
    d.warnings.push_back(std::string("the deck stored in the study file does not read (") +
                         e.what() + "): discrete inputs analysed as continuous");
  }
  d.names = in.names;
  d.x.resize(static_cast<Eigen::Index>(in.n), static_cast<Eigen::Index>(in.d));
  d.y.resize(static_cast<Eigen::Index>(in.n));
  for (std::size_t i = 0; i < in.n; ++i) {
    for (std::size_t c = 0; c < in.d; ++c)
      d.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = in.normalized[i * in.d + c];
    d.y[static_cast<Eigen::Index>(i)] = in.val_error[i];
  }
  return d;
}

Data load(const TrialsRequest& req) {
  if (req.study) return load_from_study(req);
  const io::CsvTable t = io::read_csv(req.file);
  std::optional<space::Deck> deck;
  if (req.space) deck = space::load_deck(*req.space, space::DeckUse::SpaceOnly);
  Data d;
  static_cast<io::CsvInputs&>(d) =
      io::csv_inputs(t, req.target, {req.ignore, req.inputs, req.refuse_nan},
                     deck ? &deck->space : nullptr, req.space.value_or(""), req.options.seed);
  if (deck) d.discrete = discrete_columns(deck->space, d.names);
  return d;
}

}  // namespace

hsic::Analysis analyze_trials(const TrialsRequest& req, std::vector<std::string>* notes) {
  const Data data = load(req);
  if (notes) {
    *notes = data.warnings;
    if (data.nan_targets > 0) {
      notes->push_back(std::to_string(data.nan_targets) + " trial" +
                       (data.nan_targets == 1 ? "" : "s") +
                       " with a NaN target counted as the worst (--nan refuse to stop on them)");
    }
  }
  try {
    hsic::Options o = req.options;
    o.discrete = data.discrete;
    return hsic::analyze(data.x, data.y, data.names, o, parallel::world_partition());
  } catch (const std::invalid_argument& e) {
    throw InputError(req.file + ": " + e.what());  // bad data: the user's to fix
  }
}

}  // namespace hsicho::study
