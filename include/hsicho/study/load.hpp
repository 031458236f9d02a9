// A study read at any moment, by every command that reads one (report, export, analyze, the
// figures through `export --h5`): its study file once the study has finished; while it runs, when
// it was stopped or killed, from its journal folder (the plan, the deck it runs, the journals),
// as the same StudyData with the finished trainings so far. Files are only read: safe while a
// run writes them, and it never waits for a reader.
#pragma once

#include <string>
#include <vector>

#include "hsicho/io/study_file.hpp"
#include "hsicho/study/status.hpp"

namespace hsicho::space {
class Space;
}

namespace hsicho::study {

struct LoadedStudy {
  io::StudyData data;
  bool partial = false;               // read from the journal folder: the study is not finished
  std::optional<StudyStatus> status;  // where the study stands (when it has a journal folder)
  // What a partial study can and cannot say (too few rows, the design not yet complete, ...).
  std::vector<std::string> notes;
};

// `path`: the study file (its journal is PATH.journal) or the journal folder. InputError when
// there is neither, or for a damaged file. `quick`: the partial analysis without bootstrap or
// interactions (what `hsicho status` shows, polled often).
LoadedStudy load_study(const std::string& path, bool quick = false);

// The study file's space/ rows and its design columns (configs/columns), from the deck's space:
// one description for a finished study (the writer) and a partial one (read from its journal).
void describe_space(io::StudyData& s, const space::Space& sp);

// "41 of 96 trainings, running (rank 0 on node7 ...)" / "stopped: resume with ...": one line
// for the head of a report.
std::string partial_summary(const LoadedStudy& study);

}  // namespace hsicho::study
