// The rungs of early stopping, shared by the ranks through the journal folder: each rank appends
// the validation error of its training at each rung to FOLDER/rungs-RRRRR.log (one JSON line,
// flushed), and a board tails every rung log and every journal of the folder to know what each
// configuration's error was at a rung: reported while it trains, or read from the curve of its
// finished record.
#pragma once

#include <cstddef>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/record.hpp"

namespace hsicho::io {

struct RungReport {
  std::size_t config = 0;
  int attempt = 1;
  int epoch = 0;
  double error = 0;
};

class RungLogWriter {
 public:
  RungLogWriter(const std::string& dir, int rank);
  ~RungLogWriter();
  RungLogWriter(const RungLogWriter&) = delete;
  RungLogWriter& operator=(const RungLogWriter&) = delete;
  void append(const RungReport& report);  // RuntimeError when it cannot be written

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

class RungBoard {
 public:
  explicit RungBoard(std::string dir) : dir_(std::move(dir)) {}
  // Reads what the rung logs and journals gained since the last call (complete lines only).
  void refresh();
  // The error of `config` at `epoch` (the best up to it), for its latest attempt: reported at that
  // rung, or from the curve of its finished record; +inf when that training ended before the epoch
  // without finishing it (stopped, failed, diverged); its final error when it finished before the
  // epoch (its own patience stopped it: converged). nullopt: not known yet.
  std::optional<double> error_at(std::size_t config, int epoch) const;

 private:
  struct Known {
    int attempt = 0;                 // the latest seen
    std::map<int, double> reports;   // of that attempt: epoch -> error
    std::optional<Record> finished;  // its record, when that attempt finished
  };
  void take_report(const RungReport& r);
  void take_record(std::size_t config, const Record& r);

  std::string dir_;
  std::map<std::string, std::size_t> offsets_;  // bytes read of each file
  std::map<std::string, std::string> partial_;  // an incomplete last line, kept for later
  std::map<std::size_t, Known> known_;
};

}  // namespace hsicho::io
