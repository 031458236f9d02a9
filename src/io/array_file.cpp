#include "hsicho/io/array_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hsicho/error.hpp"
#include "hsicho/io/h5.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::io {
namespace {

std::uint32_t crc_of(const char* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t off = 0; off < n; off += 1u << 30) {
    const auto len = std::min<std::size_t>(n - off, 1u << 30);
    sum = static_cast<std::uint32_t>(
        crc32(sum, reinterpret_cast<const Bytef*>(p + off), static_cast<uInt>(len)));
  }
  return sum;
}

FileStamp stat_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    // Where it was looked for: the deck's folder first, then the working folder (train/spec.cpp).
    const std::string where =
        e == ENOENT && std::filesystem::path(path).is_relative()
            ? " (a relative path is looked for beside the deck, then in the working folder)"
            : "";
    throw InputError("cannot read '" + path + "': " + std::strerror(e) + where);
  }
  if (S_ISDIR(st.st_mode)) throw InputError("'" + path + "' is a folder, not a data file");
  FileStamp s;
  s.path = std::filesystem::absolute(path).lexically_normal().string();
  s.bytes = static_cast<std::uint64_t>(st.st_size);
  s.modified = static_cast<std::int64_t>(st.st_mtime);
  return s;
}

// The file's bytes mapped into memory: no copy and no zero-filled buffer (reading a 100 MB
// CSV into a string spent half its time in memset and the kernel's copy).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw InputError("cannot read '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < 0) {
      const int err = errno;
      ::close(fd);
      throw InputError("cannot read '" + path + "': " + std::strerror(err));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        throw InputError("cannot read '" + path + "': " + std::strerror(err));
      }
      ::madvise(p, size_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {data_ ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

FileFormat format_of(const std::string& head) {
  if (head.compare(0, 8, "\x89HDF\r\n\x1a\n") == 0) return FileFormat::Hdf5;
  if (head.compare(0, 6, "\x93NUMPY") == 0) return FileFormat::Npy;
  if (head.compare(0, 4, "PK\x03\x04") == 0 || head.compare(0, 4, "PK\x05\x06") == 0)
    return FileFormat::Npz;
  return FileFormat::Csv;
}

Array from_set(h5::NumericSet s, const std::string& what) {
  Array a;
  a.shape = std::move(s.dims);
  a.values = std::move(s.values);
  a.type = std::move(s.type);
  a.what = what;
  return a;
}

}  // namespace

std::size_t Array::row_width() const {
  std::size_t w = 1;
  for (std::size_t k = 1; k < shape.size(); ++k)
    w *= shape[k];
  return w;
}

const char* format_name(FileFormat f) {
  switch (f) {
    case FileFormat::Csv:
      return "CSV";
    case FileFormat::Hdf5:
      return "HDF5";
    case FileFormat::Npy:
      return "NumPy .npy";
    case FileFormat::Npz:
      return "NumPy .npz";
  }
  return "?";
}

FileStamp stamp_file(const std::string& path) {
  FileStamp s = stat_of(path);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    s.crc32 = crc_of(buf.data(), static_cast<std::size_t>(in.gcount()), s.crc32);
  }
  return s;
}

FileArrays read_arrays(const std::string& path,
                       const std::vector<std::vector<std::string>>& requests,
                       std::size_t text_request) {
  FileArrays out;
  require_regular_file(path, "data");
  out.stamp = stat_of(path);
  std::string head(8, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read '" + path + "': " + std::strerror(errno));
    in.read(head.data(), 8);
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  out.format = format_of(head);
  if (out.format == FileFormat::Hdf5) {
    // HDF5 reads what it needs through its own calls: the stamp reads the bytes once more.
    out.stamp = stamp_file(path);
    const auto file = h5::open_file(path);
    for (const auto& r : requests) {
      if (r.size() != 1) {
        throw InputError("'" + path +
                         "' is an HDF5 file: name one data set (such as /inputs), "
                         "not a list of " +
                         std::to_string(r.size()));
      }
      auto set = h5::read_numeric_set(file, r[0]);
      for (const auto& linked : set.linked_files) {
        if (std::none_of(out.linked.begin(), out.linked.end(),
                         [&](const FileStamp& f) { return f.path == linked; }))
          out.linked.push_back(stamp_file(linked));
      }
      out.arrays.push_back(from_set(std::move(set), "'" + path + "' data set '" + r[0] + "'"));
    }
    return out;
  }
  const MappedFile file(path);
  const std::string_view bytes = file.bytes();
  out.stamp.crc32 = crc_of(bytes.data(), bytes.size());
  switch (out.format) {
    case FileFormat::Csv:
      out.arrays = parse_csv(bytes, path, requests, text_request);
      break;
    case FileFormat::Npy:
      for (std::size_t k = 0; k < requests.size(); ++k)
        out.arrays.push_back(parse_npy(bytes, path));
      break;
    case FileFormat::Npz: {
      const auto members = unzip(bytes, path);
      std::vector<std::string> keys;
      for (const auto& m : members)
        keys.push_back(m.first);
      for (const auto& r : requests) {
        if (r.size() != 1) {
          throw InputError("'" + path + "' is an .npz archive: name one of its arrays (" +
                           join(keys) + "), not a list");
        }
        std::string key = r[0];
        if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0)
          key.resize(key.size() - 4);
        const auto it = std::find_if(members.begin(), members.end(),
                                     [&](const auto& m) { return m.first == key; });
        if (it == members.end()) {
          throw InputError("'" + path + "' has no array '" + key + "'" + did_you_mean(key, keys) +
                           "; its arrays: " + (keys.empty() ? std::string("none") : join(keys)));
        }
        out.arrays.push_back(parse_npy(it->second, path + ":" + key));
      }
      break;
    }
    case FileFormat::Hdf5:
      break;
  }
  return out;
}

}  // namespace hsicho::io
