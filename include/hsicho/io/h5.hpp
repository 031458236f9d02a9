// A thin layer over the HDF5 C API, the one place hsicho calls it: every call's error code becomes
// a RuntimeError naming the call and the object, and handles close themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hsicho::io::h5 {

using hid = std::int64_t;

// An open HDF5 object (file, group, data set, ...), closed when it goes out of scope.
class Handle {
 public:
  Handle() = default;
  Handle(hid id, std::string what) : id_(id), what_(std::move(what)) {}
  ~Handle();
  Handle(Handle&& o) noexcept : id_(o.id_), what_(std::move(o.what_)) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid id() const { return id_; }
  const std::string& what() const { return what_; }

 private:
  hid id_ = -1;
  std::string what_;
};

Handle create_file(const std::string& path);  // truncates
// A file built in memory (HDF5's core driver), written to disk whole by save_file: HDF5 never
// meets a full disk or a failing file system halfway through its metadata.
Handle create_memory_file(const std::string& name);
// Writes a memory file's image to `path` (plain write + fsync, every error a RuntimeError that
// names the path and the system's reason, e.g. "No space left on device"), then closes it.
void save_file(Handle& file, const std::string& path);
Handle open_file(const std::string& path);  // read only; InputError if not an HDF5 file
Handle create_group(const Handle& parent, const std::string& name);
Handle open_group(const Handle& parent, const std::string& name);
bool exists(const Handle& parent, const std::string& name);
std::vector<std::string> member_names(const Handle& group);  // in name order

void write_attribute(const Handle& obj, const std::string& name, const std::string& value);
void write_attribute(const Handle& obj, const std::string& name, double value);
void write_attribute(const Handle& obj, const std::string& name, std::int64_t value);
bool has_attribute(const Handle& obj, const std::string& name);
std::string read_string_attribute(const Handle& obj, const std::string& name);
double read_double_attribute(const Handle& obj, const std::string& name);
std::int64_t read_int64_attribute(const Handle& obj, const std::string& name);  // exact

// Data sets, 1-D (rows only) or 2-D (rows x cols, row-major data).
void write_strings(const Handle& parent, const std::string& name, const std::vector<std::string>& v,
                   std::size_t cols = 0);
void write_doubles(const Handle& parent, const std::string& name, const std::vector<double>& v,
                   std::size_t cols = 0);
void write_int64s(const Handle& parent, const std::string& name, const std::vector<std::int64_t>& v,
                  std::size_t cols = 0);

// `dims`, when given: the data set's extent (1 or 2 numbers).
std::vector<std::string> read_strings(const Handle& parent, const std::string& name,
                                      std::vector<std::size_t>* dims = nullptr);
std::vector<double> read_doubles(const Handle& parent, const std::string& name,
                                 std::vector<std::size_t>* dims = nullptr);
std::vector<std::int64_t> read_int64s(const Handle& parent, const std::string& name,
                                      std::vector<std::size_t>* dims = nullptr);

}  // namespace hsicho::io::h5

namespace hsicho::io::h5 {

// A user's numeric data set of any rank, converted to doubles, with the type the file stores
// (float32, int16, ...). A path that does not name a data set, text, compound and other types:
// InputError naming the file, the path and what it holds.
struct NumericSet {
  std::vector<std::size_t> dims;
  std::vector<double> values;
  std::string type;
  // The files external links on the way led to (resolved paths, in the order followed): the
  // data came from them, so a resume's data check must cover them too.
  std::vector<std::string> linked_files;
};
// External links are followed (a relative target from the linking file's folder, at most 8 in a
// row); raw data kept elsewhere (external storage, virtual data sets) is refused.
NumericSet read_numeric_set(const Handle& file, const std::string& path);
// Every data set of a file, by path ("/inputs", "/group/outputs"), for messages.
std::vector<std::string> data_set_paths(const Handle& file);

}  // namespace hsicho::io::h5
