// Columns of a CSV table as numbers. The whole file is in memory; each line is cut at the
// delimiter with memchr and only the selected cells are parsed (std::from_chars: exact, locale
// free, hundreds of MB/s), so that a wide table with a few used columns reads at memory speed.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

// The fields of one line: plain fields end at the delimiter; a field in double quotes may hold
// the delimiter ("" is a quote inside it).
void split_line(std::string_view line, char delim, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t at = 0;
  for (;;) {
    std::size_t start = at;
    while (start < line.size() && line[start] == ' ')
      ++start;
    if (start < line.size() && line[start] == '"') {
      std::size_t close = start + 1;
      for (;;) {
        close = line.find('"', close);
        if (close == std::string_view::npos || close + 1 >= line.size() || line[close + 1] != '"')
          break;
        close += 2;
      }
      const std::size_t end =
          close == std::string_view::npos ? std::string_view::npos : line.find(delim, close);
      out.push_back(line.substr(at, end == std::string_view::npos ? end : end - at));
      if (end == std::string_view::npos) return;
      at = end + 1;
      continue;
    }
    const void* hit = std::memchr(line.data() + at, delim, line.size() - at);
    if (!hit) {
      out.push_back(line.substr(at));
      return;
    }
    const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(hit) - line.data());
    out.push_back(line.substr(at, end - at));
    at = end + 1;
  }
}

char detect_delimiter(std::string_view header) {
  const char candidates[] = {',', ';', '\t'};
  char best = ',';
  long most = 0;
  for (char c : candidates) {
    const long n = std::count(header.begin(), header.end(), c);
    if (n > most) most = n, best = c;
  }
  return best;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names)
    q.push_back("'" + n + "'");
  return join(q);
}

}  // namespace

std::vector<Array> parse_csv(std::string_view bytes, const std::string& name,
                             const std::vector<std::vector<std::string>>& requests) {
  std::string_view text(bytes);
  const std::string file = "'" + name + "'";
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
  // Lines end in \n or \r\n; a file without \n uses \r alone (old Mac editors).
  const char eol = text.find('\n') != std::string_view::npos ? '\n' : '\r';
  std::size_t at = 0, line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (at >= text.size()) return false;
    const void* hit = std::memchr(text.data() + at, eol, text.size() - at);
    const std::size_t end =
        hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - text.data()) : text.size();
    line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = end + 1;
    ++line_no;
    return true;
  };
  std::string_view header_line;
  while (next_line(header_line) && trim(header_line).empty()) {
  }
  if (trim(header_line).empty())
    throw InputError(file + " is empty: a CSV table needs a header line of column names");
  const char delim = detect_delimiter(header_line);
  std::vector<std::string_view> fields;
  split_line(header_line, delim, fields);
  std::vector<std::string> header;
  for (auto f : fields)
    header.emplace_back(unquote(trim(f)));
  const std::size_t width = header.size();

  // Which column feeds which request, at which position.
  struct Target {
    std::size_t request, position;
  };
  std::vector<std::vector<Target>> targets(width);
  std::vector<std::vector<std::size_t>> columns(requests.size());
  std::vector<std::string> missing;
  auto find_name = [&](const std::string& n) -> long {
    long found = -1;
    for (std::size_t c = 0; c < width; ++c) {
      if (header[c] != n) continue;
      if (found >= 0) {
        throw InputError(file + ": column '" + n + "' appears twice in the header (columns " +
                         std::to_string(found + 1) + " and " + std::to_string(c + 1) +
                         "); rename one");
      }
      found = static_cast<long>(c);
    }
    return found;
  };
  for (std::size_t r = 0; r < requests.size(); ++r) {
    for (const auto& item : requests[r]) {
      if (const long c = find_name(item); c >= 0) {
        columns[r].push_back(static_cast<std::size_t>(c));
        continue;
      }
      const auto colon = item.find(':');
      if (colon != std::string::npos) {
        const std::string first = item.substr(0, colon), last = item.substr(colon + 1);
        const long a = find_name(first), b = find_name(last);
        if (a >= 0 && b >= a) {
          for (long c = a; c <= b; ++c)
            columns[r].push_back(static_cast<std::size_t>(c));
          continue;
        }
        if (a >= 0 && b >= 0) {
          throw InputError(file + ": range '" + item + "' runs backwards ('" + last +
                           "' comes before '" + first + "' in the header)");
        }
        if (a < 0) missing.push_back(first);
        if (b < 0) missing.push_back(last);
        continue;
      }
      missing.push_back(item);
    }
  }
  if (!missing.empty()) {
    throw InputError(file + " has no column " + quoted_list(missing) +
                     did_you_mean(missing.front(), header) + "; its columns: " + join(header) +
                     " (the first line is the header; ranges are written first:last)");
  }
  for (std::size_t r = 0; r < requests.size(); ++r) {
    for (std::size_t p = 0; p < columns[r].size(); ++p) {
      const auto c = columns[r][p];
      if (!targets[c].empty()) {
        throw InputError(file + ": column '" + header[c] +
                         "' is selected twice (as an input and an output, or twice in one list)");
      }
      targets[c].push_back({r, p});
    }
  }

  std::vector<Array> out(requests.size());
  for (std::size_t r = 0; r < requests.size(); ++r) {
    std::vector<std::string> names;
    for (auto c : columns[r])
      names.push_back(header[c]);
    out[r].what = file + " column" + (names.size() == 1 ? " " : "s ") + quoted_list(names);
    out[r].type = "text";
    out[r].values.reserve(bytes.size() / (2 * width + 1) * columns[r].size());
  }
  std::size_t rows = 0;
  std::string_view line;
  while (next_line(line)) {
    if (trim(line).empty()) continue;
    split_line(line, delim, fields);
    if (fields.size() != width) {
      throw InputError(file + " line " + std::to_string(line_no) + " has " +
                       std::to_string(fields.size()) + " fields where the header has " +
                       std::to_string(width) +
                       (fields.size() > width && delim == ';'
                            ? " (decimal commas are not read: write 1.5, not 1,5)"
                            : ""));
    }
    for (std::size_t c = 0; c < width; ++c) {
      if (targets[c].empty()) continue;
      const std::string_view cell = unquote(trim(fields[c]));
      std::string_view digits = cell;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      double v = 0;
      const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      const auto where = [&] {
        return file + " line " + std::to_string(line_no) + ", column '" + header[c] + "': ";
      };
      if (cell.empty()) throw InputError(where() + "empty cell; every used cell needs a number");
      if (res.ec == std::errc::result_out_of_range) {
        throw InputError(where() + "'" + std::string(cell) + "' is beyond the range of doubles");
      }
      if (res.ec != std::errc() || res.ptr != digits.data() + digits.size() || digits.empty()) {
        throw InputError(where() + "'" + std::string(cell) + "' is not a number" +
                         (cell.find(',') != std::string_view::npos
                              ? " (decimal commas are not read: write 1.5, not 1,5)"
                              : ""));
      }
      if (!std::isfinite(v)) {
        throw InputError(where() + "'" + std::string(cell) +
                         "' is not a finite number; hsicho does not train on NaN or infinite "
                         "values: remove or fill those rows");
      }
      for (const auto& t : targets[c]) {
        auto& values = out[t.request].values;
        // Cells arrive in column order; a request's own order may differ.
        const std::size_t k = columns[t.request].size();
        if (values.size() < (rows + 1) * k) values.resize((rows + 1) * k);
        values[rows * k + t.position] = v;
      }
    }
    ++rows;
  }
  if (rows == 0) throw InputError(file + " has a header but no rows of data");
  for (std::size_t r = 0; r < requests.size(); ++r)
    out[r].shape = {rows, columns[r].size()};
  return out;
}

}  // namespace hsicho::io
