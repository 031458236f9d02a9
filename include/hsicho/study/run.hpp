// hsicho run: the whole study as one MPI job. Every rank builds the same design, trains its share
// (journaled), and takes part in the HSIC analysis; rank 0 writes the study file and tells
// `observer` what happens.
#pragma once

#include <string>

#include "hsicho/study/events.hpp"

namespace hsicho::study {

struct RunOptions {
  std::string deck;
  std::string out;      // the study file; default: the deck's study.output
  bool resume = false;  // continue from the journals of an earlier, interrupted run
  // The user's training program may differ from the one the study started with.
  bool accept_program_change = false;
  // --out may replace a file that is not a study file of this study (io/output_guard.hpp).
  bool overwrite = false;
};

// Returns the exit code (0 done; 1 stopped by a signal or failed). Throws InputError for bad
// input, identically on every rank.
int run(const RunOptions& options, int rank, int ranks, RunObserver& observer);

}  // namespace hsicho::study
