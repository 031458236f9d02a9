// Arrays of numbers from the user's data files: CSV tables (columns by name), HDF5 data sets,
// NumPy .npy files and .npz archives. The format is told by the file's first bytes, not its
// name. Every problem is an InputError that names the file, the column, row or data set, and
// what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hsicho/fields.hpp"

namespace hsicho::io {

// Rows first, row-major, values as doubles (every integer type up to 2^53 and both float types
// convert exactly).
struct Array {
  std::vector<std::size_t> shape;
  std::vector<double> values;
  std::string type;  // as the file stores it: float32, float64, int64, ... ("text" for CSV)
  std::string what;  // "'sim.h5' data set '/inputs'", "'sim.csv' columns [t, k]"
  // A CSV column asked for as text (class labels) that holds a cell which is not a number: every
  // cell as written, one per row (values are then zeros, for the caller to fill). Else empty.
  std::vector<std::string> text;

  std::size_t rows() const { return shape.empty() ? 0 : shape[0]; }
  std::size_t row_width() const;  // the product of shape[1..]
};

// Where data came from, so that a resumed study can tell it changed.
struct FileStamp {
  std::string path;
  std::uint64_t bytes = 0;
  std::int64_t modified = 0;  // seconds since the epoch
  std::uint32_t crc32 = 0;    // of every byte of the file
};

enum class FileFormat { Csv, Hdf5, Npy, Npz };
const char* format_name(FileFormat f);

// Reads what is asked of one file: for CSV each request is a list of column names or inclusive
// ranges `first:last` (in header order), for HDF5 a data set path, for NPZ an array name, for
// NPY nothing (the file holds one array). The stamp describes the bytes read.
struct FileArrays {
  FileFormat format = FileFormat::Csv;
  std::vector<Array> arrays;  // one per request
  FileStamp stamp;
  std::vector<FileStamp> linked;  // HDF5: the files its external links led to, each once
};
// `text_request`: the request whose CSV cells may be words (class labels), see Array::text.
constexpr std::size_t kNoTextRequest = static_cast<std::size_t>(-1);
FileArrays read_arrays(const std::string& path,
                       const std::vector<std::vector<std::string>>& requests,
                       std::size_t text_request = kNoTextRequest);

// The whole file's stamp (size, modification time, CRC-32).
FileStamp stamp_file(const std::string& path);

// The parsers on bytes already in memory (for tests and the fuzzers); `name` is for messages.
Array parse_npy(std::string_view bytes, const std::string& name);
std::vector<Array> parse_csv(std::string_view bytes, const std::string& name,
                             const std::vector<std::vector<std::string>>& requests,
                             std::size_t text_request = kNoTextRequest);
// The members of a .npz archive (a zip file): name without ".npy" and its bytes.
std::vector<std::pair<std::string, std::string>> unzip(std::string_view bytes,
                                                       const std::string& name);

}  // namespace hsicho::io

namespace hsicho {

// The study file's data_sources/ table and the journal folder's data-sources.json.
template <>
struct Describe<io::FileStamp> {
  template <class V>
  static void fields(V&& v) {
    using F = io::FileStamp;
    v(field("path", &F::path));
    v(field("bytes", &F::bytes));
    v(field("modified", &F::modified));
    v(field("crc32", &F::crc32));
  }
};

}  // namespace hsicho
