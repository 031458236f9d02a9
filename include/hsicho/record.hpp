// What one training produces: the record that the trainer (or, later, an external command)
// fills, and that the journal, the study file, the CSV export and eval's JSON store. Plain
// types only: every layer may include it (the trainer's LibTorch stays behind train/).
//
// Describe<Record> is the one declaration of the record's fields: every serialization walks the
// fields through it, so that a new field is one member and one line there (plus its test).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hsicho/fields.hpp"

namespace hsicho {

// How a training ended: a result of the study in every case (a diverged or failed training is
// not a crash), told apart wherever trainings are counted, compared or reported. Stopped: ended
// early at a rung because it could no longer reach the goal set (pruning, docs/early_stopping.md);
// its error is censored (a lower bound of what it would have reached is unknown).
enum class Outcome { Ok, Diverged, Failed, Stopped };

// ok | diverged | failed | stopped: the study file's and JSON's text.
const char* outcome_name(Outcome o);
std::optional<Outcome> outcome_from(const std::string& text);

struct Record {
  Outcome status = Outcome::Ok;
  double val_error = std::numeric_limits<double>::infinity();   // MSE, or error rate
  double test_error = std::numeric_limits<double>::infinity();  // at the best validation epoch
  std::int64_t parameters = 0;                                  // trainable parameters
  std::int64_t flops = 0;  // inference floating-point operations per sample (0: unknown)
  int epochs = 0;          // epochs run
  double seconds = 0;      // training time (no data loading)
  std::uint64_t seed = 0;  // of this training
  int best_epoch = 0;
  double val_rel_l2 = std::numeric_limits<double>::quiet_NaN();  // regression: |pred - y| / |y|
  double test_rel_l2 = std::numeric_limits<double>::quiet_NaN();
  std::string device;   // cpu, cuda:K
  int rank = 0;         // the MPI rank that trained it
  std::string host;     // and its host
  std::string message;  // why, when not ok
  // What kind of failure, for counting them by cause: timeout, exit code, signal, result file,
  // start, work folder, exception (the trainer's), "" for ok and diverged trainings.
  std::string cause;
  int attempt = 1;                        // 1, or 2, 3, ... for a failed training retried
  std::vector<double> curves;             // validation error after each epoch
  std::map<std::string, double> metrics;  // further named results (a trainer's own)

  int planned_epochs = 0;  // what it would have run unstopped (0: unknown)
  // Trained fused in a group of this many networks (study.fuse), 1 alone; fused, `seconds` is
  // its share of the group's time (each epoch's time split among the networks it trained).
  int group_size = 1;

  bool ok() const { return status == Outcome::Ok; }
  bool failed() const { return status == Outcome::Failed || status == Outcome::Diverged; }
  // The error the goal set is judged on: a training that did not finish (failed, diverged,
  // stopped early) is outside it, whatever its last error.
  double goal_error() const;
  // "failed (timeout)", "diverged", "ok": how a training ended, by cause, for counts.
  std::string outcome_text() const;
};

// The one list of the record's fields, in the order above. The names are those of the study
// file's results/ datasets, the CSV columns, the journal's and the JSON keys.
template <>
struct Describe<Record> {
  template <class V>
  static void fields(V&& v) {
    v(field("status", &Record::status));
    v(field("val_error", &Record::val_error));
    v(field("test_error", &Record::test_error));
    v(field("parameters", &Record::parameters));
    v(field("flops", &Record::flops, kOptional));
    v(field("epochs", &Record::epochs));
    v(field("seconds", &Record::seconds));
    v(field("seed", &Record::seed));
    v(field("best_epoch", &Record::best_epoch));
    v(field("val_rel_l2", &Record::val_rel_l2));
    v(field("test_rel_l2", &Record::test_rel_l2));
    v(field("device", &Record::device));
    v(field("rank", &Record::rank));
    v(field("host", &Record::host));
    v(field("message", &Record::message));
    v(field("cause", &Record::cause, kOptional));
    v(field("attempt", &Record::attempt, kOptional));
    v(field("planned_epochs", &Record::planned_epochs, kOptional));
    v(field("group_size", &Record::group_size, kOptional));
    v(field("curves", &Record::curves, kPadded));
    v(field("metrics", &Record::metrics));
  }
};

}  // namespace hsicho
