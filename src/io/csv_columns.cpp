// Columns of a CSV table as numbers, through the one CSV reader (io/csv.hpp): only the selected
// cells are parsed (std::from_chars: exact, locale free, hundreds of MB/s).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io {
namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names)
    q.push_back("'" + n + "'");
  return join(q);
}

}  // namespace

std::vector<Array> parse_csv(std::string_view bytes, const std::string& name,
                             const std::vector<std::vector<std::string>>& requests,
                             std::size_t text_request) {
  const std::string file = "'" + name + "'";
  std::vector<std::string> header;
  std::size_t width = 0;
  // Which column feeds which request, at which position.
  struct Target {
    std::size_t request, position;
  };
  std::vector<std::vector<Target>> targets;
  std::vector<std::vector<std::size_t>> columns(requests.size());
  std::vector<Array> out(requests.size());

  // The header: each request's columns, by name or first:last range.
  auto choose_columns = [&]() {
    width = header.size();
    targets.assign(width, {});
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
    for (std::size_t r = 0; r < requests.size(); ++r) {
      std::vector<std::string> names;
      for (auto c : columns[r])
        names.push_back(header[c]);
      out[r].what = file + " column" + (names.size() == 1 ? " " : "s ") + quoted_list(names);
      out[r].type = "text";
      out[r].values.reserve(bytes.size() / (2 * width + 1) * columns[r].size());
    }
  };

  // The text request's cells as written; whether one is a word, and the first problem a column
  // of numbers would have (raised only if no cell is a word).
  std::vector<std::string> cells;
  bool words = false;
  std::string number_problem;

  std::size_t rows = 0;
  scan_csv(bytes, name, [&](const std::vector<std::string_view>& fields, int line) {
    if (header.empty() && width == 0) {
      header.assign(fields.begin(), fields.end());
      choose_columns();
      return;
    }
    for (std::size_t c = 0; c < width; ++c) {
      if (targets[c].empty()) continue;
      const std::string_view cell = fields[c];
      std::string_view digits = cell;
      if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
      double v = 0;
      const auto res = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      const auto where = [&] {
        return file + " line " + std::to_string(line) + ", column '" + header[c] + "': ";
      };
      if (cell.empty()) throw InputError(where() + "empty cell; every used cell needs a number");
      const bool as_text = text_request < requests.size() && targets[c].size() == 1 &&
                           targets[c][0].request == text_request;
      if (as_text) {
        cells.emplace_back(cell);
        const bool number =
            res.ec == std::errc() && res.ptr == digits.data() + digits.size() && !digits.empty();
        if (!number && res.ec != std::errc::result_out_of_range) words = true;
        if (number_problem.empty() && (!number || !std::isfinite(v))) {
          number_problem = where() + "'" + std::string(cell) + "' is not a finite number";
        }
        continue;  // stored after the last row: numbers, or text when a cell is a word
      }
      if (res.ec == std::errc::result_out_of_range) {
        throw InputError(where() + "'" + std::string(cell) + "' is beyond the range of doubles");
      }
      if (res.ec != std::errc() || res.ptr != digits.data() + digits.size() || digits.empty()) {
        const bool word = std::isalpha(static_cast<unsigned char>(cell.front())) != 0;
        throw InputError(where() + "'" + std::string(cell) + "' is not a number" +
                         (cell.find(',') != std::string_view::npos
                              ? " (decimal commas are not read: write 1.5, not 1,5)"
                          : word ? " (inputs are numbers; class names are read as labels in "
                                   "the y column of data.task: classification, numbered in "
                                   "sorted order)"
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
  });
  if (rows == 0) throw InputError(file + " has a header but no rows of data");
  for (std::size_t r = 0; r < requests.size(); ++r)
    out[r].shape = {rows, columns[r].size()};
  if (text_request < requests.size() && !cells.empty()) {
    auto& a = out[text_request];
    if (a.shape[1] != 1) {
      throw InputError(a.what + ": class labels are one column, not " + std::to_string(a.shape[1]));
    }
    a.values.assign(rows, 0.0);
    if (words) {
      a.text = std::move(cells);
    } else {
      if (!number_problem.empty()) throw InputError(number_problem);
      for (std::size_t k = 0; k < rows; ++k) {
        std::string_view digits = cells[k];
        if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
        std::from_chars(digits.data(), digits.data() + digits.size(), a.values[k]);
      }
    }
  }
  return out;
}

}  // namespace hsicho::io
