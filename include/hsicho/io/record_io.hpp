// The Record's serializations, all derived from visit_record_fields (hsicho/record.hpp): JSON
// (journal lines, eval's --json) and CSV cells. The study file's results/ group is written and
// read field by field the same way (io/study_file.cpp).
#pragma once

#include <string>
#include <vector>

#include "hsicho/io/json.hpp"
#include "hsicho/record.hpp"

namespace hsicho::io {

// How NaN and infinities are written: JSON has no such numbers. Text ("nan", "inf", "-inf")
// reads back exactly (the journal); Null is what JSON readers expect (--json output).
enum class NonFinite { Null, Text };

Json record_to_json(const Record& record, NonFinite non_finite);

// Every field of the record from `j` (as record_to_json wrote it, either way). Throws
// std::invalid_argument naming a missing field or one of the wrong type.
Record record_from_json(const Json& j);

// Field by field, NaN equal to NaN (round-trip checks).
bool same_record(const Record& a, const Record& b);

// CSV: the scalar fields, then one column per metric named in any of `records` (sorted).
std::vector<std::string> record_csv_header(const std::vector<Record>& records);
std::vector<std::string> record_csv_cells(const Record& record,
                                          const std::vector<std::string>& header);

// A double as CSV or journal text: the shortest form that reads back exactly; nan, inf, -inf.
std::string exact_number(double v);

}  // namespace hsicho::io
