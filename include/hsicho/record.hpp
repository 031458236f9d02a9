// What one training produces: the record that the trainer (or, later, an external command)
// fills, and that the journal, the study file, the CSV export and eval's JSON store. Plain
// types only: every layer may include it (the trainer's LibTorch stays behind train/).
//
// visit_record_fields() is the one declaration of the record's fields: every serialization walks
// the fields through it, so that a new field is one member and one line there (plus its test).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
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

// Calls visit(name, member) for every field of `record` (const or not), in the order above.
// The names are those of the study file's results/ datasets, the CSV columns and the JSON keys.
template <class R, class Visit>
void visit_record_fields(R& record, Visit&& visit) {
  visit("status", record.status);
  visit("val_error", record.val_error);
  visit("test_error", record.test_error);
  visit("parameters", record.parameters);
  visit("epochs", record.epochs);
  visit("seconds", record.seconds);
  visit("seed", record.seed);
  visit("best_epoch", record.best_epoch);
  visit("val_rel_l2", record.val_rel_l2);
  visit("test_rel_l2", record.test_rel_l2);
  visit("device", record.device);
  visit("rank", record.rank);
  visit("host", record.host);
  visit("message", record.message);
  visit("curves", record.curves);
  visit("metrics", record.metrics);
}

// The field called `name`, of type T (a logic_error when there is none: a programming error).
// For serializations that go column by column over many records.
template <class T, class R>
auto& field_of(R& record, const char* name) {
  using Ptr = std::conditional_t<std::is_const_v<R>, const T*, T*>;
  Ptr found = nullptr;
  visit_record_fields(record, [&](const char* field, auto& member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, T>) {
      if (std::strcmp(field, name) == 0) found = &member;
    }
  });
  if (!found) throw std::logic_error(std::string("Record has no field '") + name + "'");
  return *found;
}

}  // namespace hsicho
