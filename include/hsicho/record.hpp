// What one training produces: the record that the trainer (or, later, an external command)
// fills, and that the journal, the study file, the CSV export and eval's JSON store. Plain
// types only: every layer may include it (the trainer's LibTorch stays behind train/).
//
// visit_record_members() is the one declaration of the record's fields: every serialization walks
// the fields through it, so that a new field is one member and one line there (plus its test).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace hsicho {

struct Record {
  std::string status = "ok";                                    // ok | diverged | failed
  double val_error = std::numeric_limits<double>::infinity();   // MSE, or error rate
  double test_error = std::numeric_limits<double>::infinity();  // at the best validation epoch
  std::int64_t parameters = 0;                                  // trainable parameters
  int epochs = 0;                                               // epochs run
  double seconds = 0;                                           // training time (no data loading)
  std::uint64_t seed = 0;                                       // of this training
  int best_epoch = 0;
  double val_rel_l2 = std::numeric_limits<double>::quiet_NaN();  // regression: |pred - y| / |y|
  double test_rel_l2 = std::numeric_limits<double>::quiet_NaN();
  std::string device;                     // cpu, cuda:K
  int rank = 0;                           // the MPI rank that trained it
  std::string host;                       // and its host
  std::string message;                    // why, when not ok
  std::vector<double> curves;             // validation error after each epoch
  std::map<std::string, double> metrics;  // further named results (a trainer's own)
};

// The one list of the record's fields: visit(name, &Record::member) for each, in the order
// above. The names are those of the study file's results/ datasets, the CSV columns and the JSON
// keys. Column-wise serializations (the study file) use the member pointers directly.
template <class Visit>
void visit_record_members(Visit&& visit) {
  visit("status", &Record::status);
  visit("val_error", &Record::val_error);
  visit("test_error", &Record::test_error);
  visit("parameters", &Record::parameters);
  visit("epochs", &Record::epochs);
  visit("seconds", &Record::seconds);
  visit("seed", &Record::seed);
  visit("best_epoch", &Record::best_epoch);
  visit("val_rel_l2", &Record::val_rel_l2);
  visit("test_rel_l2", &Record::test_rel_l2);
  visit("device", &Record::device);
  visit("rank", &Record::rank);
  visit("host", &Record::host);
  visit("message", &Record::message);
  visit("curves", &Record::curves);
  visit("metrics", &Record::metrics);
}

// visit(name, value) for every field of one record (const or not), from the list above.
template <class R, class Visit>
void visit_record_fields(R& record, Visit&& visit) {
  visit_record_members([&](const char* name, auto member) { visit(name, record.*member); });
}

}  // namespace hsicho
