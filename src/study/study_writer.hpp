// The study file's content from what a run did: the stages (configurations, analysis, the
// optimizer's decisions), the results, the final retraining and the winner.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/events.hpp"
#include "hsicho/study/stage.hpp"

namespace hsicho::study {

// One stage of a study: its space, configurations (global ids first .. first + size), analysis
// and the decisions taken after it.
struct Stage {
  space::Space space;
  std::vector<space::Config> configs;
  Eigen::MatrixXd unit;
  std::size_t first = 0;
  double alpha = 0.1;
  hsic::Analysis analysis;
  std::string analysis_problem;     // why there is no analysis (every training failed, ...)
  std::vector<Decision> decisions;  // taken after it (optimizer)
};

struct StudyParts {
  const space::Deck* deck = nullptr;
  std::string deck_path;
  const OptimizeSettings* optimize = nullptr;
  const hsic::Options* analysis = nullptr;
  const std::vector<Stage>* stages = nullptr;
  const Stage* added = nullptr;  // design.add's configurations (ids from kAddedFirstId), if any
  const std::map<std::size_t, io::JournalRecord>* results = nullptr;
  const std::map<std::size_t, std::vector<Record>>* earlier = nullptr;  // retried: the attempts
  std::vector<std::size_t> final_configs;  // retrained, ids of the stages
  std::size_t final_first = 0;             // id of the first final training
  std::string started, hosts;
  int ranks = 1;
  double training_wall = NAN;             // seconds this run spent training (rank 0's clock)
  std::vector<io::FileStamp> sources;     // the user's data files
  std::vector<std::string> class_names;   // labels written as names: class k's name
  std::vector<std::size_t> design_sizes;  // a plain study's: first run, then each extension
};

// The configuration of id `id`, from the stage that holds it (or design.add's).
const space::Config& config_of(const std::vector<Stage>& stages, std::size_t id,
                               const Stage* added = nullptr);

// The network the study recommends (study/best.hpp's rule), with its values named.
std::optional<io::Best> pick_winner(const StudyParts& parts);

// "layers=2 units=43 lr=0.01": a configuration's active values, for people.
std::string values_text(const space::Space& space, const space::Config& config);

// mse or error_rate, from the data set and the loss.
std::string metric_of(const space::Deck& deck);

io::StudyData assemble_study(const StudyParts& parts, const std::optional<io::Best>& best);

// The time now, as the study file records it (UTC, ISO 8601).
std::string now_iso();

}  // namespace hsicho::study
