#include "hsicho/io/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hsicho/error.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/utf8.hpp"

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

bool valid_utf8(std::string_view s) {
  return invalid_utf8_at(s) == std::string_view::npos;
}

// A file that is not UTF-8 is read as Latin-1 (what spreadsheets on many systems write), so that
// names and messages stay valid text, and JSON output valid JSON.
std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
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

bool is_eol(char c) {
  return c == '\n' || c == '\r';
}

// The delimiter of a table: the most frequent of ',', ';' and tab in its header line (outside
// quotes); ',' when there is none.
char sniff_delimiter(std::string_view text, std::size_t from) {
  long count[3] = {0, 0, 0};
  bool quoted = false;
  for (std::size_t i = from; i < text.size() && (quoted || !is_eol(text[i])); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    count[0] += c == ',', count[1] += c == ';', count[2] += c == '\t';
  }
  const char delims[3] = {',', ';', '\t'};
  std::size_t best = 0;
  for (std::size_t k = 1; k < 3; ++k) {
    if (count[k] > count[best]) best = k;
  }
  return delims[best];
}

}  // namespace

void scan_csv(std::string_view bytes, const std::string& name,
              const std::function<void(const std::vector<std::string_view>&, int)>& on_record) {
  const std::string file = "'" + name + "'";
  std::string_view text = bytes;
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
    throw InputError(file + " is UTF-16 text; save it as UTF-8 (or plain ASCII) CSV");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  if (std::memchr(text.data(), '\0', std::min<std::size_t>(text.size(), 4096))) {
    throw InputError(file +
                     " is a binary file, neither CSV text nor HDF5, .npy or .npz (which are "
                     "told by their first bytes)");
  }
  std::string converted;
  if (!valid_utf8(text)) {
    converted = latin1_to_utf8(text);
    text = converted;
  }
  const std::size_t n = text.size();
  std::size_t at = 0;
  int line = 1;
  // Past an end of line: \r\n, \n or \r alone (old Mac files).
  auto skip_eol = [&] {
    if (at < n && text[at] == '\r') {
      ++at;
      if (at < n && text[at] == '\n') ++at;
    } else if (at < n && text[at] == '\n') {
      ++at;
    }
    ++line;
  };
  auto blank_line = [&] {
    std::size_t i = at;
    while (i < n && (text[i] == ' ' || text[i] == '\t'))
      ++i;
    return i >= n || is_eol(text[i]);
  };
  char delim = 0;
  bool ends_cell[256] = {};  // the delimiter and line ends: where an unquoted cell stops
  ends_cell[static_cast<unsigned char>('\n')] = ends_cell[static_cast<unsigned char>('\r')] = true;
  std::size_t width = 0;
  std::vector<std::string_view> fields;
  std::deque<std::string> unescaped;  // quoted cells with "" inside: stable storage
  while (at < n) {
    if (blank_line()) {
      while (at < n && !is_eol(text[at]))
        ++at;
      if (at < n) skip_eol();
      continue;
    }
    if (!delim) {
      delim = sniff_delimiter(text, at);
      ends_cell[static_cast<unsigned char>(delim)] = true;
    }
    const int record_line = line;
    fields.clear();
    unescaped.clear();
    for (;;) {
      while (at < n && (text[at] == ' ' || (text[at] == '\t' && delim != '\t')))
        ++at;
      if (at < n && text[at] == '"') {
        // A quoted cell: up to the closing quote, "" standing for one quote, line breaks kept.
        const std::size_t start = ++at;
        bool doubled = false;
        for (;;) {
          if (at >= n) {
            throw InputError(file + " line " + std::to_string(record_line) +
                             ": a quoted cell is never closed");
          }
          if (text[at] == '"') {
            if (at + 1 < n && text[at + 1] == '"') {
              doubled = true;
              at += 2;
              continue;
            }
            break;
          }
          if (text[at] == '\n' || (text[at] == '\r' && (at + 1 >= n || text[at + 1] != '\n')))
            ++line;
          ++at;
        }
        std::string_view cell = text.substr(start, at - start);
        ++at;  // the closing quote
        const std::size_t tail = at;
        while (at < n && text[at] != delim && !is_eol(text[at]))
          ++at;  // text after the closing quote belongs to the cell (lenient, as spreadsheets)
        if (doubled || at > tail) {
          std::string s;
          for (std::size_t i = 0; i < cell.size(); ++i) {
            s += cell[i];
            if (cell[i] == '"') ++i;  // "" -> "
          }
          std::string_view rest = text.substr(tail, at - tail);
          while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
            rest.remove_suffix(1);
          s += rest;
          unescaped.push_back(std::move(s));
          cell = unescaped.back();
        }
        fields.push_back(cell);
      } else {
        const std::size_t start = at;
        while (at < n && !ends_cell[static_cast<unsigned char>(text[at])])
          ++at;
        std::size_t end = at;
        while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
          --end;
        fields.push_back(text.substr(start, end - start));
      }
      if (at < n && text[at] == delim) {
        ++at;
        continue;
      }
      if (at < n) skip_eol();
      break;
    }
    if (width == 0) {
      width = fields.size();
    } else if (fields.size() != width) {
      throw InputError(file + " line " + std::to_string(record_line) + " has " +
                       std::to_string(fields.size()) + " fields where the header has " +
                       std::to_string(width) +
                       (fields.size() > width && delim == ';'
                            ? " (decimal commas are not read: write 1.5, not 1,5)"
                            : ""));
    }
    on_record(fields, record_line);
  }
  if (width == 0)
    throw InputError(file + " is empty: a CSV table needs a header line of column names");
}

CsvTable parse_csv(const std::string& text, const std::string& path) {
  CsvTable t;
  t.path = path;
  scan_csv(text, path, [&](const std::vector<std::string_view>& fields, int line) {
    std::vector<std::string> cells(fields.begin(), fields.end());
    if (t.header.empty()) {
      t.header = std::move(cells);
    } else {
      t.rows.push_back(std::move(cells));
      t.line.push_back(line);
    }
  });
  for (std::size_t a = 0; a < t.header.size(); ++a) {
    for (std::size_t b = a + 1; b < t.header.size(); ++b) {
      if (t.header[a] == t.header[b]) {
        throw InputError("'" + path + "': column '" + t.header[a] +
                         "' appears twice in the header (columns " + std::to_string(a + 1) +
                         " and " + std::to_string(b + 1) + "); rename one");
      }
    }
  }
  return t;
}

CsvTable read_csv(const std::string& path) {
  // Cells are kept as text (about 3x the file in memory): 2 GiB of CSV is past what a table of
  // trials holds by far.
  return parse_csv(read_regular_file(path, "CSV", 2ull << 30), path);
}

}  // namespace hsicho::io
