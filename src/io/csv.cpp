#include "hsicho/io/csv.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hsicho/error.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i)
    line += (i ? "," : "") + csv_field(fields[i]);
  return line;
}

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == name) return c;
  }
  throw InputError(SourceMark{path, 1, 0}, "no column '" + name + "'" + did_you_mean(name, header) +
                                               "; the columns are: " + join(header));
}

CsvTable parse_csv(const std::string& text, const std::string& path) {
  CsvTable t;
  t.path = path;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, record_line = 1;
  auto end_record = [&]() {
    record.push_back(field);
    field.clear();
    const bool blank = record.size() == 1 && record[0].empty() && !any;
    if (!blank) {
      if (t.header.empty()) {
        t.header = record;
      } else {
        if (record.size() != t.header.size()) {
          throw InputError(SourceMark{path, record_line, 0},
                           "row has " + std::to_string(record.size()) + " cells, the header has " +
                               std::to_string(t.header.size()));
        }
        t.rows.push_back(record);
        t.line.push_back(record_line);
      }
    }
    record.clear();
    any = false;
    record_line = line;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"', ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == ',') {
      record.push_back(field), field.clear(), any = true;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else if (c != '\r') {
      field += c, any = true;
    }
  }
  if (quoted) throw InputError(SourceMark{path, record_line, 0}, "a quoted cell is never closed");
  if (!field.empty() || !record.empty()) end_record();
  if (t.header.empty())
    throw InputError(SourceMark{path, 1, 0}, "the file is empty: a header line is needed");
  for (std::size_t a = 0; a < t.header.size(); ++a) {
    for (std::size_t b = a + 1; b < t.header.size(); ++b) {
      if (t.header[a] == t.header[b]) {
        throw InputError(SourceMark{path, 1, 0}, "column name '" + t.header[a] + "' appears twice");
      }
    }
  }
  return t;
}

CsvTable read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_csv(text.str(), path);
}

}  // namespace hsicho::io
