// CSV, the one reader behind `hsicho analyze FILE.csv` (cells as text) and `data: {name: table}`
// (columns as numbers, io/array_file.hpp): the delimiter told from the header line (',', ';' or
// tab), a UTF-8 byte-order mark skipped, lines ending in \n, \r\n or \r, a file that is not UTF-8
// read as Latin-1, cells in double quotes holding delimiters, line breaks and "" for a quote,
// blank lines skipped, and one set of messages ("'t.csv' line 6 has 4 fields where the header
// has 5"). And CSV written as RFC 4180 has it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hsicho::io {

std::string csv_field(const std::string& text);
std::string csv_line(const std::vector<std::string>& fields);

// Every record of `bytes` (the file `name`), the header first: `on_record(fields, line)` with the
// fields (trimmed of spaces, unquoted; valid until the next call) and the file line where the
// record starts. Throws InputError for UTF-16 or binary content, an empty file, a quote never
// closed, or a record whose number of fields differs from the header's.
void scan_csv(std::string_view bytes, const std::string& name,
              const std::function<void(const std::vector<std::string_view>&, int)>& on_record);

// A CSV file with a header line. Cells are kept as text; `line[r]` is the file line of row r.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line;

  // Index of a header name; throws InputError listing the columns (with a suggestion).
  std::size_t column(const std::string& name) const;
};

// scan_csv into a table; also refuses a header that names a column twice.
CsvTable read_csv(const std::string& path);
CsvTable parse_csv(const std::string& text, const std::string& path);

}  // namespace hsicho::io
