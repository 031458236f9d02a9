// The Record's serializations, all derived from Describe<Record> (hsicho/record.hpp): JSON
// (journal lines, eval's --json) and CSV cells. The study file's results/ group is written and
// read field by field the same way (io/study_file.cpp).
#pragma once

#include <string>
#include <vector>

#include "hsicho/io/field_json.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io {

Json record_to_json(const Record& record, NonFinite non_finite);

// Every field of the record from `j` (as record_to_json wrote it, either way). Throws
// std::invalid_argument naming a missing field or one of the wrong type.
Record record_from_json(const Json& j);

// Field by field, NaN equal to NaN (round-trip checks).
bool same_record(const Record& a, const Record& b);

// CSV: the scalar fields, then one column per metric named in any of `records` (sorted).
struct RecordColumns {
  std::vector<std::string> fields;   // the Record's scalar fields, as named in Describe<Record>
  std::vector<std::string> metrics;  // the metrics' own names
};
RecordColumns record_csv_columns(const std::vector<Record>& records);
std::vector<std::string> record_csv_cells(const Record& record, const RecordColumns& columns);

// The one naming rule of a table of trainings (hsicho export --csv, and hsicho.load(...).trials
// in Python: docs/hdf5.md "Column names"): the fixed columns (config, stage, retrains,
// pareto_rank), the hyperparameters, the record's fields, the metrics as metric_NAME; a name an
// earlier column holds already gets its group's prefix (param_ for a hyperparameter, result_ for
// a field or a metric), again until it is free. Every name is unique.
std::vector<std::string> trial_column_names(const std::vector<std::string>& hyperparameters,
                                            const RecordColumns& columns);

}  // namespace hsicho::io
