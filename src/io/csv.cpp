#include "hsicho/io/csv.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
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

namespace {

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80         ? 1
                            : (c >> 5) == 6  ? 2
                            : (c >> 4) == 14 ? 3
                            : (c >> 3) == 30 ? 4
                                             : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += len;
  }
  return true;
}

// A file that is not UTF-8 is read as Latin-1 (what spreadsheets on many systems write), so that
// names and messages stay valid text, and JSON output valid JSON.
std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

CsvTable parse_csv(const std::string& raw, const std::string& path) {
  std::string text = raw.compare(0, 3, "\xEF\xBB\xBF") == 0 ? raw.substr(3) : raw;  // BOM
  if (!valid_utf8(text)) text = latin1_to_utf8(text);
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
    } else if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++line;  // \n, \r\n, or \r alone (old Mac files)
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
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError("'" + path + "' is a folder, not a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_csv(text.str(), path);
}

}  // namespace hsicho::io
