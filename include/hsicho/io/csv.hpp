// CSV text as RFC 4180 has it: fields with a comma, quote or line break are quoted.
#pragma once

#include <string>
#include <vector>

namespace hsicho::io {

std::string csv_field(const std::string& text);
std::string csv_line(const std::vector<std::string>& fields);

// A CSV file with a header line. Cells are kept as text; `line[r]` is the file line of row r.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line;

  // Index of a header name; throws InputError listing the columns (with a suggestion).
  std::size_t column(const std::string& name) const;
};

// Throws InputError (file and line) for an unreadable file, an unterminated quote, a row whose
// number of cells differs from the header's, or duplicate column names.
CsvTable read_csv(const std::string& path);
CsvTable parse_csv(const std::string& text, const std::string& path);

}  // namespace hsicho::io
