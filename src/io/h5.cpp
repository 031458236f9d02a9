#include "hsicho/io/h5.hpp"

#include <unistd.h>

#include <hdf5.h>

#include <cstring>

#include <fmt/format.h>

#include "hsicho/durable_file.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io::h5 {
namespace {

// HDF5 prints its own error stack unless told not to: hsicho reports errors itself.
struct Quiet {
  Quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const Quiet quiet;

hid check(hid id, const std::string& call, const std::string& what) {
  if (id < 0) throw RuntimeError("HDF5 " + call + " failed for " + what);
  return id;
}

Handle vlen_string_type() {
  const hid t = check(H5Tcopy(H5T_C_S1), "H5Tcopy", "string type");
  check(H5Tset_size(t, H5T_VARIABLE), "H5Tset_size", "string type");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset", "string type");
  return Handle(t, "string type");
}

Handle space_of(std::size_t count, std::size_t cols) {
  hsize_t dims[2] = {cols ? count / cols : count, cols};
  return Handle(
      check(H5Screate_simple(cols ? 2 : 1, dims, nullptr), "H5Screate_simple", "data space"),
      "space");
}

void write_numbers(const Handle& parent, const std::string& name, hid mem_type, hid file_type,
                   const void* data, std::size_t count, std::size_t cols) {
  const std::string what = parent.what() + "/" + name;
  Handle space = space_of(count, cols);
  Handle set(check(H5Dcreate2(parent.id(), name.c_str(), file_type, space.id(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT),
                   "H5Dcreate2", what),
             what);
  if (count > 0)
    check(H5Dwrite(set.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", what);
}

Handle open_set(const Handle& parent, const std::string& name) {
  const std::string what = parent.what() + "/" + name;
  if (!exists(parent, name))
    throw InputError("'" + parent.what() + "' has no data set '" + name + "'");
  {
    const hid object = H5Oopen(parent.id(), name.c_str(), H5P_DEFAULT);  // any kind of object
    const bool is_set = object >= 0 && H5Iget_type(object) == H5I_DATASET;
    if (object >= 0) H5Oclose(object);
    if (!is_set) throw InputError("'" + what + "' is not a data set");
  }
  return Handle(check(H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT), "H5Dopen2", what), what);
}

std::size_t element_count(const Handle& set, std::vector<std::size_t>* dims) {
  Handle space(check(H5Dget_space(set.id()), "H5Dget_space", set.what()), set.what());
  const int rank = static_cast<int>(
      check(H5Sget_simple_extent_ndims(space.id()), "H5Sget_simple_extent_ndims", set.what()));
  // hsicho writes vectors and matrices: anything of higher rank is not one of its data sets.
  if (rank > 2) {
    throw InputError("'" + set.what() + "' has " + std::to_string(rank) +
                     " dimensions where hsicho writes 1 or 2");
  }
  hsize_t d[2] = {0, 0};
  check(H5Sget_simple_extent_dims(space.id(), d, nullptr), "H5Sget_simple_extent_dims", set.what());
  double n = 1;
  if (dims) dims->clear();
  for (int k = 0; k < rank; ++k) {
    n *= static_cast<double>(d[k]);
    if (dims) dims->push_back(d[k]);
  }
  // hsicho writes its data sets uncompressed: each value takes at least a byte of the file. A
  // larger count is a damaged header, not a reason to allocate it (found by fuzzing).
  hsize_t file_size = 0;
  const hid_t file = H5Iget_file_id(set.id());
  if (file >= 0) {
    H5Fget_filesize(file, &file_size);
    H5Fclose(file);
  }
  if (n > static_cast<double>(file_size)) {
    throw InputError("'" + set.what() + "' claims " + fmt::format("{:.3g}", n) +
                     " values, more than a file of " + std::to_string(file_size) +
                     " bytes can hold");
  }
  return static_cast<std::size_t>(n);
}

// What a data set holds must be what hsicho wrote there: text (variable-length strings) or
// numbers (integers or floating point). Anything else is a foreign or damaged file.
void expect_type(const Handle& set, bool text) {
  Handle type(check(H5Dget_type(set.id()), "H5Dget_type", set.what()), set.what());
  const H5T_class_t c = H5Tget_class(type.id());
  if (text) {
    if (c != H5T_STRING)
      throw InputError("'" + set.what() + "' holds no text where hsicho writes strings");
    if (H5Tis_variable_str(type.id()) <= 0)
      throw InputError("'" + set.what() +
                       "' holds fixed-length strings where hsicho writes variable-length ones");
  } else if (c != H5T_INTEGER && c != H5T_FLOAT) {
    throw InputError("'" + set.what() + "' holds no numbers (" +
                     (c == H5T_COMPOUND ? std::string("a compound type")
                      : c == H5T_STRING ? std::string("text")
                                        : std::string("another type")) +
                     ") where hsicho writes numbers");
  }
}

}  // namespace

Handle::~Handle() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      // Closed here, while its file is open: left to the library's exit, a virtual data set's
      // creation list whose source file is missing crashed HDF5 1.10 (exit 139 after the
      // refusal was printed).
      H5Pclose(id_);
      break;
    default:
      break;
  }
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    Handle old(id_, what_);
    id_ = o.id_;
    what_ = std::move(o.what_);
    o.id_ = -1;
  }
  return *this;
}

Handle create_file(const std::string& path) {
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "H5Fcreate",
                      "'" + path + "'"),
                path);
}

Handle create_memory_file(const std::string& name) {
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate", "file access list"), "fapl");
  check(H5Pset_fapl_core(fapl.id(), 1 << 20, 0), "H5Pset_fapl_core", "'" + name + "'");
  return Handle(check(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "H5Fcreate",
                      "'" + name + "'"),
                name);
}

void save_file(Handle& file, const std::string& path) {
  check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL), "H5Fflush", file.what());
  const ssize_t size = H5Fget_file_image(file.id(), nullptr, 0);
  if (size < 0) throw RuntimeError("HDF5 H5Fget_file_image failed for " + file.what());
  std::string image(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file.id(), &image[0], image.size()) != size)
    throw RuntimeError("HDF5 H5Fget_file_image failed for " + file.what());
  write_file_durably(path, image, "'" + path + "'");
}

Handle open_file(const std::string& path) {
  require_regular_file(path, "HDF5");  // HDF5 would block on a FIFO, read a device for ever
  if (::access(path.c_str(), F_OK) != 0)
    throw InputError("'" + path + "' does not exist: " + std::strerror(errno));
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError("'" + path + "' is not a readable HDF5 file");
  const hid id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    // An HDF5 signature that does not open: a truncated or damaged file (the user's to replace).
    throw InputError("'" + path +
                     "' starts as an HDF5 file but cannot be opened: truncated or "
                     "damaged");
  }
  return Handle(id, path);
}

Handle create_group(const Handle& parent, const std::string& name) {
  const std::string what = parent.what() + "/" + name;
  return Handle(check(H5Gcreate2(parent.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "H5Gcreate2", what),
                what);
}

Handle open_group(const Handle& parent, const std::string& name) {
  if (!exists(parent, name))
    throw InputError("'" + parent.what() + "' has no group '" + name + "'");
  const std::string what = parent.what() + "/" + name;
  return Handle(check(H5Gopen2(parent.id(), name.c_str(), H5P_DEFAULT), "H5Gopen2", what), what);
}

bool exists(const Handle& parent, const std::string& name) {
  return H5Lexists(parent.id(), name.c_str(), H5P_DEFAULT) > 0;
}

void write_attribute(const Handle& obj, const std::string& name, const std::string& value) {
  Handle type = vlen_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate", "scalar"), "scalar");
  Handle attr(
      check(H5Acreate2(obj.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
            "H5Acreate2", obj.what() + "@" + name),
      name);
  const char* p = value.c_str();
  check(H5Awrite(attr.id(), type.id(), &p), "H5Awrite", obj.what() + "@" + name);
}

void write_attribute(const Handle& obj, const std::string& name, double value) {
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate", "scalar"), "scalar");
  Handle attr(check(H5Acreate2(obj.id(), name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT,
                               H5P_DEFAULT),
                    "H5Acreate2", obj.what() + "@" + name),
              name);
  check(H5Awrite(attr.id(), H5T_NATIVE_DOUBLE, &value), "H5Awrite", obj.what() + "@" + name);
}

void write_attribute(const Handle& obj, const std::string& name, std::int64_t value) {
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate", "scalar"), "scalar");
  Handle attr(
      check(H5Acreate2(obj.id(), name.c_str(), H5T_STD_I64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
            "H5Acreate2", obj.what() + "@" + name),
      name);
  check(H5Awrite(attr.id(), H5T_NATIVE_INT64, &value), "H5Awrite", obj.what() + "@" + name);
}

namespace {
// An attribute holds one value of the expected class, or the file is not what it claims: a read
// of an attribute with several values into one would write past the value (found by fuzzing).
Handle open_single_attribute(const Handle& obj, const std::string& name, bool text) {
  if (H5Aexists(obj.id(), name.c_str()) <= 0)
    throw InputError("'" + obj.what() + "' has no attribute '" + name + "'");
  const std::string what = obj.what() + "@" + name;
  Handle attr(check(H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT), "H5Aopen", what), name);
  Handle space(check(H5Aget_space(attr.id()), "H5Aget_space", what), what);
  if (H5Sget_simple_extent_npoints(space.id()) != 1)
    throw InputError("'" + what + "' holds several values where hsicho writes one");
  Handle type(check(H5Aget_type(attr.id()), "H5Aget_type", what), what);
  const H5T_class_t c = H5Tget_class(type.id());
  if (text ? c != H5T_STRING : (c != H5T_INTEGER && c != H5T_FLOAT)) {
    throw InputError("'" + what + "' holds " + (text ? "no text" : "no number") +
                     " where hsicho writes " + (text ? "text" : "a number"));
  }
  return attr;
}
}  // namespace

bool has_attribute(const Handle& obj, const std::string& name) {
  return H5Aexists(obj.id(), name.c_str()) > 0;
}

std::string read_string_attribute(const Handle& obj, const std::string& name) {
  Handle attr = open_single_attribute(obj, name, true);
  Handle type = vlen_string_type();
  char* p = nullptr;
  check(H5Aread(attr.id(), type.id(), &p), "H5Aread", obj.what() + "@" + name);
  std::string s = p ? p : "";
  H5free_memory(p);
  return s;
}

namespace {
// One numeric attribute, converted by HDF5 to `type` (an int64 stays exact, not via a double).
void read_numeric_attribute(const Handle& obj, const std::string& name, hid_t type, void* out) {
  Handle attr = open_single_attribute(obj, name, false);
  check(H5Aread(attr.id(), type, out), "H5Aread", obj.what() + "@" + name);
}
}  // namespace

double read_double_attribute(const Handle& obj, const std::string& name) {
  double v = 0;
  read_numeric_attribute(obj, name, H5T_NATIVE_DOUBLE, &v);
  return v;
}

namespace {
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> member_names(const Handle& group) {
  std::vector<std::string> names;
  check(H5Literate(group.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
        "H5Literate", group.what());
  return names;
}

std::int64_t read_int64_attribute(const Handle& obj, const std::string& name) {
  std::int64_t v = 0;
  read_numeric_attribute(obj, name, H5T_NATIVE_INT64, &v);
  return v;
}

void write_strings(const Handle& parent, const std::string& name, const std::vector<std::string>& v,
                   std::size_t cols) {
  Handle type = vlen_string_type();
  std::vector<const char*> ptr;
  for (const auto& s : v)
    ptr.push_back(s.c_str());
  write_numbers(parent, name, type.id(), type.id(), ptr.data(), v.size(), cols);
}

void write_doubles(const Handle& parent, const std::string& name, const std::vector<double>& v,
                   std::size_t cols) {
  write_numbers(parent, name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, v.data(), v.size(), cols);
}

void write_int64s(const Handle& parent, const std::string& name, const std::vector<std::int64_t>& v,
                  std::size_t cols) {
  write_numbers(parent, name, H5T_NATIVE_INT64, H5T_STD_I64LE, v.data(), v.size(), cols);
}

std::vector<std::string> read_strings(const Handle& parent, const std::string& name,
                                      std::vector<std::size_t>* dims) {
  Handle set = open_set(parent, name);
  expect_type(set, true);
  const std::size_t n = element_count(set, dims);
  Handle type = vlen_string_type();
  std::vector<char*> ptr(n, nullptr);
  if (n)
    check(H5Dread(set.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr.data()), "H5Dread",
          set.what());
  std::vector<std::string> out;
  for (char* p : ptr) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

std::vector<double> read_doubles(const Handle& parent, const std::string& name,
                                 std::vector<std::size_t>* dims) {
  Handle set = open_set(parent, name);
  expect_type(set, false);
  std::vector<double> v(element_count(set, dims));
  if (!v.empty())
    check(H5Dread(set.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "H5Dread",
          set.what());
  return v;
}

std::vector<std::int64_t> read_int64s(const Handle& parent, const std::string& name,
                                      std::vector<std::size_t>* dims) {
  Handle set = open_set(parent, name);
  expect_type(set, false);
  std::vector<std::int64_t> v(element_count(set, dims));
  if (!v.empty())
    check(H5Dread(set.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "H5Dread",
          set.what());
  return v;
}

}  // namespace hsicho::io::h5

namespace hsicho::io::h5 {
namespace {

// HDF5's name for what a type holds, as a user knows it from h5py or NumPy.
std::string type_name(hid type) {
  const H5T_class_t c = H5Tget_class(type);
  const std::size_t bits = H5Tget_size(type) * 8;
  switch (c) {
    case H5T_FLOAT:
      return "float" + std::to_string(bits);
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_STRING:
      return "text (strings)";
    case H5T_COMPOUND:
      return "a compound type (records with named fields)";
    case H5T_ENUM:
      return "an enumeration";
    case H5T_BITFIELD:
      return "a bit field";
    case H5T_OPAQUE:
      return "opaque bytes";
    case H5T_REFERENCE:
      return "references";
    case H5T_ARRAY:
      return "an array type";
    case H5T_VLEN:
      return "variable-length sequences";
    default:
      return "an unknown type";
  }
}

// H5Lvisit and H5L_info_t mean the same in HDF5 1.10 and 1.12+ (through its API macros).
herr_t collect_set(hid_t group, const char* name, const H5L_info_t*, void* out) {
  const hid_t object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) return 0;  // a dangling or external link
  if (H5Iget_type(object) == H5I_DATASET)
    static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  H5Oclose(object);
  return 0;
}

}  // namespace

std::vector<std::string> data_set_paths(const Handle& file) {
  std::vector<std::string> out;
  H5Lvisit(file.id(), H5_INDEX_NAME, H5_ITER_INC, collect_set, &out);
  return out;
}

namespace {

// Where an external link points: the file (relative names from the linking file's folder) and
// the object in it.
std::pair<std::string, std::string> external_target(const Handle& file, const std::string& link,
                                                    const std::string& what) {
  H5L_info_t info{};
  check(H5Lget_info(file.id(), link.c_str(), &info, H5P_DEFAULT), "H5Lget_info", what);
  std::vector<char> value(info.u.val_size + 1, '\0');
  check(H5Lget_val(file.id(), link.c_str(), value.data(), value.size(), H5P_DEFAULT), "H5Lget_val",
        what);
  const char* target_file = nullptr;
  const char* target_object = nullptr;
  check(H5Lunpack_elink_val(value.data(), value.size(), nullptr, &target_file, &target_object),
        "H5Lunpack_elink_val", what);
  std::string name = target_file ? target_file : "";
  if (!name.empty() && name.front() != '/') {
    const auto slash = file.what().rfind('/');
    if (slash != std::string::npos) name = file.what().substr(0, slash + 1) + name;
  }
  return {name, target_object ? target_object : "/"};
}

NumericSet read_numeric_set_at(const Handle& file, const std::string& path, int links);

}  // namespace

NumericSet read_numeric_set(const Handle& file, const std::string& path) {
  return read_numeric_set_at(file, path, 0);
}

namespace {

NumericSet read_numeric_set_at(const Handle& file, const std::string& path, int links) {
  const std::string what = "'" + file.what() + "' data set '" + path + "'";
  // H5Lexists needs every group on the way to exist: walk the path.
  std::string sofar;
  bool found = true;
  for (std::size_t at = 0; at < path.size() && found;) {
    const auto slash = path.find('/', at);
    const std::string part =
        path.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    if (!part.empty()) {
      sofar += "/" + part;
      found = H5Lexists(file.id(), sofar.c_str(), H5P_DEFAULT) > 0;
      // An external link: the rest of the path is read in the file it names, opened here (its
      // path known, so that the resume's data check covers it; a FIFO or device refused).
      H5L_info_t link{};
      if (found && H5Lget_info(file.id(), sofar.c_str(), &link, H5P_DEFAULT) >= 0 &&
          link.type == H5L_TYPE_EXTERNAL) {
        constexpr int kMaxLinks = 8;
        if (links >= kMaxLinks) {
          throw InputError(what + ": more than " + std::to_string(kMaxLinks) +
                           " external links in a row (a loop?)");
        }
        const auto [target_file, target_object] = external_target(file, sofar, what);
        const std::string rest = slash == std::string::npos ? "" : path.substr(slash);
        Handle target;
        try {
          target = open_file(target_file);
        } catch (const InputError& e) {
          throw InputError(what + ": '" + sofar + "' is an external link to '" + target_file +
                           "', which does not read: " + e.what());
        }
        NumericSet out = read_numeric_set_at(target, target_object + rest, links + 1);
        out.linked_files.insert(out.linked_files.begin(), target_file);
        return out;
      }
    }
    at = slash == std::string::npos ? path.size() : slash + 1;
  }
  if (!found || sofar.empty()) {
    const auto sets = data_set_paths(file);
    throw InputError(what + " does not exist; the file's data sets: " +
                     (sets.empty() ? std::string("none") : join(sets)));
  }
  const hid object = H5Oopen(file.id(), sofar.c_str(), H5P_DEFAULT);
  const bool is_set = object >= 0 && H5Iget_type(object) == H5I_DATASET;
  if (object >= 0) H5Oclose(object);
  if (!is_set)
    throw InputError(
        what + " is a group, not a data set; the file's data sets: " + join(data_set_paths(file)));
  Handle set(check(H5Dopen2(file.id(), sofar.c_str(), H5P_DEFAULT), "H5Dopen2", what), what);
  {
    // Raw data in other files (external storage, virtual data sets): not read, for the same
    // reason as external links.
    Handle plist(check(H5Dget_create_plist(set.id()), "H5Dget_create_plist", what), what);
    if (H5Pget_external_count(plist.id()) > 0 || H5Pget_layout(plist.id()) == H5D_VIRTUAL) {
      throw InputError(what +
                       " keeps its values in other files (external storage or a virtual data "
                       "set); hsicho reads data held in the file itself: copy the data in");
    }
  }
  Handle type(check(H5Dget_type(set.id()), "H5Dget_type", what), what);
  NumericSet out;
  out.type = type_name(type.id());
  const H5T_class_t c = H5Tget_class(type.id());
  if (c != H5T_FLOAT && c != H5T_INTEGER) {
    throw InputError(what + " holds " + out.type +
                     "; hsicho reads float32, float64 and integer data sets");
  }
  if (out.type == "float16")
    throw InputError(what + " holds float16; store it as float32 or float64");
  Handle space(check(H5Dget_space(set.id()), "H5Dget_space", what), what);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank <= 0) throw InputError(what + " is a single value (a scalar), not an array of rows");
  if (rank > 8)
    throw InputError(what + " has " + std::to_string(rank) + " dimensions; at most 4 are read");
  hsize_t d[8];
  check(H5Sget_simple_extent_dims(space.id(), d, nullptr), "H5Sget_simple_extent_dims", what);
  std::size_t n = 1;
  double count = 1;
  for (int k = 0; k < rank; ++k) {
    out.dims.push_back(static_cast<std::size_t>(d[k]));
    n *= static_cast<std::size_t>(d[k]);
    count *= static_cast<double>(d[k]);
  }
  // Checked before allocating: a few kB of file can declare a data set of billions of values
  // (chunks never written read as the fill value).
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  const double memory = pages > 0 && page > 0 ? static_cast<double>(pages) * page : 1e12;
  if (count > 4e9 || 8 * count > memory / 2) {
    throw InputError(what + " holds " + fmt::format("{:.3g}", count) + " values (" +
                     fmt::format("{:.3g}", 8 * count / 1e9) +
                     " GB as doubles): more than hsicho reads into memory at once (half of this "
                     "machine's memory, at most 4e9 values)");
  }
  if (count > 0 && H5Dget_storage_size(set.id()) == 0) {
    throw InputError(what + " declares " + fmt::format("{:.3g}", count) +
                     " values but stores none (its chunks were never written): no data to "
                     "train on");
  }
  out.values.resize(n);
  if (n > 0 &&
      H5Dread(set.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0) {
    throw InputError(what +
                     " cannot be read (a damaged file, or a compression filter this "
                     "HDF5 lacks)");
  }
  return out;
}

}  // namespace

}  // namespace hsicho::io::h5
