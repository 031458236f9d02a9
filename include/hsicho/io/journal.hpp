// The append-only journal of finished trainings, one file per rank. Every record is one line of
// JSON (the configuration's index, its values by name and every field of its Record) with a
// CRC-32 of its content, written and flushed to disk (fsync) before the next training starts, so
// a killed job loses at most the training in progress. A torn or corrupted record (the last line
// of a killed process) is detected and dropped on reading.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hsicho/record.hpp"
#include "hsicho/space/value.hpp"

namespace hsicho::io {

// A configuration's values by name, in the space's order; nullopt where a conditional one is
// inactive.
using NamedValues = std::vector<std::pair<std::string, std::optional<space::Value>>>;

struct JournalRecord {
  std::size_t config = 0;  // index in the design
  // What was trained, by name: a resume checks it against the design's configuration `config`,
  // so that a result is never joined to other values (empty: written by hsicho 0.1 before this).
  NamedValues values;
  // A final retraining: the configuration it trains again (more epochs, another seed).
  std::optional<std::size_t> retrains;
  Record result;        // with the rank and host that trained it
  double finished = 0;  // when the training ended (Unix time; 0: unknown), for `hsicho status`
};

struct JournalContents {
  std::vector<JournalRecord> records;  // valid records, file by file in name order
  std::size_t dropped = 0;             // torn or corrupted lines
  std::vector<std::string> files;
};

class JournalWriter {
 public:
  // Opens (creating) <dir>/rank-RRRRR.jnl for appending; an existing file must carry the same
  // fingerprint, and torn or corrupted lines (a killed run, a full disk) are removed first
  // (the file is rewritten beside and renamed over it), every valid record kept.
  JournalWriter(const std::string& dir, int rank, const std::string& fingerprint);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Appends one record and makes it durable (write, fsync) before returning.
  void append(const JournalRecord& record);

 private:
  int fd_ = -1;
  std::string path_;
};

// Reads every rank-*.jnl in dir. Throws InputError if a file's fingerprint differs from
// `fingerprint` (the deck changed in a way that makes the journal meaningless); an empty
// `fingerprint` takes any (a reader that only counts, such as `hsicho status`).
JournalContents read_journals(const std::string& dir, const std::string& fingerprint);

// Each configuration's result: its latest attempt (Record::attempt; the first record of an id
// among equals, as a run that was killed may have written one twice), in id order.
std::map<std::size_t, const JournalRecord*> latest_records(const JournalContents& journals);

// The time now on the journal's clock (Unix seconds), as JournalRecord::finished holds it: what a
// run's start and `hsicho status`'s "now" are measured with too.
double journal_time_now();

// One record as its line (without the trailing newline), and back; parse returns false for a
// torn or corrupted line.
std::string format_record(const JournalRecord& r);
bool parse_record(const std::string& line, JournalRecord& r);

}  // namespace hsicho::io
