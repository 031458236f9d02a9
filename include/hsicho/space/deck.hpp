// The experiment's input deck (YAML): read, checked, and turned into typed settings.
// Every rejection is an InputError naming file, line, column, key and what was expected.
#pragma once

#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

#include "hsicho/space/space.hpp"

namespace hsicho::space {

struct StudySettings {
  std::string name;
  std::uint64_t seed = 1;
  std::string output;           // study file; defaults to <name>.h5
  bool dynamic = true;          // scheduling: dynamic (self-scheduling) or static slices
  bool longest_first = true;    // dynamic order: expected cost (parameters x epochs), longest first
  double progress_seconds = 0;  // 0: a progress line per finished training, else at most every N s
};

enum class DesignMethod { Lhs, Random };
enum class DesignCriterion { None, Maximin, Discrepancy };

struct DesignSettings {
  DesignMethod method = DesignMethod::Lhs;
  std::size_t samples = 32;
  DesignCriterion criterion = DesignCriterion::Discrepancy;
  std::size_t iterations = 0;  // swaps tried by the space-filling search; 0 = automatic
};

struct Deck {
  std::string path;  // as given by the user
  std::string text;  // the deck verbatim, echoed into the study file
  StudySettings study;
  DesignSettings design;
  YAML::Node data, model, training;  // checked for known keys; typed by the training engine
  YAML::Node analysis;               // alpha, bandwidth, estimator, pvalues, interactions
  YAML::Node optimize;               // the HSIC-guided optimizer's settings (study/stage.hpp)
  Space space;
};

Deck load_deck(const std::string& path);
Deck parse_deck(const std::string& text, const std::string& path);

const char* method_name(DesignMethod m);
const char* criterion_name(DesignCriterion c);

}  // namespace hsicho::space
