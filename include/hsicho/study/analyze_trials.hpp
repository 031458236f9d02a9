// hsicho analyze: the HSIC analysis of trials from a CSV file (any tool's) or of a study file,
// shared over the MPI ranks of the launch.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hsicho/hsic/analysis.hpp"

namespace hsicho::study {

struct TrialsRequest {
  std::string file;                  // FILE.csv, or a study file
  std::string target;                // the CSV column of errors (a study: val_error)
  std::optional<std::string> space;  // a deck whose space types the CSV's columns
  std::vector<std::string> ignore;   // CSV columns to leave out
  std::vector<std::string> inputs;   // or the only CSV columns to analyse
  bool refuse_nan = false;           // a NaN target is an error instead of the worst value
  hsic::Options options;
  bool study = false;  // an HDF5 study file rather than a CSV
};

// Reads the trials and analyses them (collective). InputError for bad data, naming the file.
// `notes`, when given, receives what the reader decided on its own (NaN targets counted as the
// worst, index-like columns), for the user to read.
hsic::Analysis analyze_trials(const TrialsRequest& request,
                              std::vector<std::string>* notes = nullptr);

}  // namespace hsicho::study
