// NumPy's files without NumPy: .npy (a small Python-literal header, then the raw array; format
// versions 1-3) and .npz (a zip archive of .npy members, stored or deflated, zip64 included,
// which numpy.savez writes for large arrays). zlib inflates and checks each member's CRC.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"

namespace hsicho::io {
namespace {

std::uint64_t little(std::string_view b, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int k = bytes - 1; k >= 0; --k)
    v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
  return v;
}

// The value of 'key' in the header's dict literal, as raw text up to its end.
std::string header_value(const std::string& header, const std::string& key,
                         const std::string& file) {
  const auto k = header.find("'" + key + "'");
  if (k == std::string::npos) {
    throw InputError(file + ": the .npy header has no '" + key +
                     "' (damaged, or not written by "
                     "numpy.save)");
  }
  auto at = header.find(':', k);
  if (at == std::string::npos) throw InputError(file + ": cannot read the .npy header");
  ++at;
  while (at < header.size() && header[at] == ' ')
    ++at;
  return header.substr(at);
}

struct Dtype {
  char order = '<', kind = 'f';
  int size = 8;
  std::string name;  // numpy's name: float64, int32, bool, ...
};

Dtype read_dtype(const std::string& header, const std::string& file) {
  const std::string v = header_value(header, "descr", file);
  if (!v.empty() && v[0] == '[') {
    throw InputError(file +
                     " holds a structured array (records with named fields); save each "
                     "column as its own array, e.g. np.column_stack([...])");
  }
  if (v.size() < 3 || (v[0] != '\'' && v[0] != '"'))
    throw InputError(file + ": cannot read the .npy data type");
  const auto close = v.find(v[0], 1);
  const std::string descr = v.substr(1, close - 1);
  Dtype d;
  if (descr.size() < 2) throw InputError(file + ": cannot read the .npy data type '" + descr + "'");
  d.order = descr[0];
  d.kind = descr[1];
  const long size = std::strtol(descr.c_str() + 2, nullptr, 10);
  d.size = size > 0 && size <= 4096 ? static_cast<int>(size) : 0;  // a wild size names nothing
  const std::string bits = std::to_string(d.size * 8);
  switch (d.kind) {
    case 'f':
      d.name = "float" + bits;
      break;
    case 'i':
      d.name = "int" + bits;
      break;
    case 'u':
      d.name = "uint" + bits;
      break;
    case 'b':
      d.name = "bool";
      break;
    case 'c':
      d.name = "complex" + bits;
      break;
    case 'U':
      d.name = "str (unicode text)";
      break;
    case 'S':
      d.name = "bytes (text)";
      break;
    case 'O':
      d.name = "object (Python objects)";
      break;
    case 'M':
      d.name = "datetime64";
      break;
    case 'm':
      d.name = "timedelta64";
      break;
    default:
      d.name = "'" + descr + "'";
  }
  const bool number = (d.kind == 'f' && (d.size == 4 || d.size == 8)) ||
                      ((d.kind == 'i' || d.kind == 'u') &&
                       (d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8));
  if (!number) {
    throw InputError(
        file + " holds " + d.name +
        " values; hsicho reads float32, float64 and integer arrays: convert with "
        "a.astype(np.float64)" +
        (d.kind == 'O' ? " (an object array often means rows of unequal length)" : ""));
  }
  return d;
}

// The array's values in the file's order, converted to double: one loop per stored type.
template <class T>
void read_values(const char* p, std::size_t count, bool swap, std::vector<double>& out) {
  for (std::size_t k = 0; k < count; ++k) {
    char buf[sizeof(T)];
    std::memcpy(buf, p + k * sizeof(T), sizeof(T));
    if (swap) std::reverse(buf, buf + sizeof(T));  // big-endian ('>') on this little-endian host
    T v;
    std::memcpy(&v, buf, sizeof(T));
    out[k] = static_cast<double>(v);
  }
}

void read_values(const char* p, std::size_t count, const Dtype& d, std::vector<double>& out) {
  const bool swap = d.order == '>';
  switch ((d.kind == 'f' ? 0 : d.kind == 'i' ? 10 : 20) + d.size) {
    case 4:
      return read_values<float>(p, count, swap, out);
    case 8:
      return read_values<double>(p, count, swap, out);
    case 11:
      return read_values<std::int8_t>(p, count, swap, out);
    case 12:
      return read_values<std::int16_t>(p, count, swap, out);
    case 14:
      return read_values<std::int32_t>(p, count, swap, out);
    case 18:
      return read_values<std::int64_t>(p, count, swap, out);
    case 21:
      return read_values<std::uint8_t>(p, count, swap, out);
    case 22:
      return read_values<std::uint16_t>(p, count, swap, out);
    case 24:
      return read_values<std::uint32_t>(p, count, swap, out);
    default:
      return read_values<std::uint64_t>(p, count, swap, out);
  }
}

}  // namespace

Array parse_npy(std::string_view b, const std::string& name) {
  const std::string file = "'" + name + "'";
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0)
    throw InputError(file + " is not a .npy file (it lacks the \\x93NUMPY signature)");
  const int major = static_cast<unsigned char>(b[6]);
  if (major < 1 || major > 3)
    throw InputError(file + ": .npy format version " + std::to_string(major) + " is not known");
  const std::size_t start = major == 1 ? 10 : 12;
  if (b.size() < start) throw InputError(file + " is truncated (inside its header)");
  const std::size_t header_len = little(b, 8, major == 1 ? 2 : 4);
  if (start + header_len > b.size()) throw InputError(file + " is truncated (inside its header)");
  const std::string header(b.substr(start, header_len));
  // What numpy itself reads: a dict of exactly descr, fortran_order and shape, fortran_order
  // True or False. A header numpy refuses is refused here too (the same file, one meaning).
  {
    std::vector<std::string> keys;
    for (std::size_t at = 0; (at = header.find_first_of("'\"", at)) != std::string::npos;) {
      const char quote = header[at];
      const auto end = header.find(quote, at + 1);
      if (end == std::string::npos) break;
      const auto next = header.find_first_not_of(' ', end + 1);
      if (next != std::string::npos && header[next] == ':')
        keys.push_back(header.substr(at + 1, end - at - 1));
      at = end + 1;
    }
    std::sort(keys.begin(), keys.end());
    if (header.find('{') == std::string::npos ||
        keys != std::vector<std::string>{"descr", "fortran_order", "shape"}) {
      throw InputError(file +
                       ": the .npy header must hold exactly 'descr', 'fortran_order' and "
                       "'shape' (numpy refuses it too); got " +
                       std::to_string(keys.size()) + " keys");
    }
  }
  const std::string order = header_value(header, "fortran_order", file);
  if (order.rfind("True", 0) != 0 && order.rfind("False", 0) != 0)
    throw InputError(file + ": the .npy header's fortran_order must be True or False");
  const Dtype d = read_dtype(header, file);
  const bool fortran = order.rfind("True", 0) == 0;
  const std::string shape_text = header_value(header, "shape", file);
  if (shape_text.empty() || shape_text[0] != '(')
    throw InputError(file + ": cannot read the .npy shape");
  Array a;
  a.type = d.name;
  a.what = file;
  std::size_t count = 1;
  for (std::size_t at = 1; at < shape_text.size() && shape_text[at] != ')';) {
    if (shape_text[at] == ' ' || shape_text[at] == ',') {
      ++at;
      continue;
    }
    char* end = nullptr;
    const unsigned long long v = std::strtoull(shape_text.c_str() + at, &end, 10);
    if (end == shape_text.c_str() + at) throw InputError(file + ": cannot read the .npy shape");
    if (v > 0 && count > std::numeric_limits<std::size_t>::max() / 16 / v)
      throw InputError(file + ": the .npy shape is too large to be real (damaged header)");
    a.shape.push_back(static_cast<std::size_t>(v));
    count *= static_cast<std::size_t>(v);
    at = static_cast<std::size_t>(end - shape_text.c_str());
    if (at < shape_text.size() && shape_text[at] == 'L') ++at;  // Python 2's long
  }
  if (a.shape.empty()) throw InputError(file + " holds a single value (a scalar), not an array");
  const std::size_t data = start + header_len, need = count * static_cast<std::size_t>(d.size);
  if (b.size() - data < need) {
    throw InputError(file + " is truncated: its header announces " + std::to_string(need) +
                     " bytes of data, the file holds " + std::to_string(b.size() - data));
  }
  if (b.size() - data > need) {
    throw InputError(file + " holds " + std::to_string(b.size() - data - need) +
                     " bytes more than its header announces (damaged, or several arrays in one "
                     "file: use .npz for that)");
  }
  a.values.resize(count);
  read_values(b.data() + data, count, d, a.values);
  if (!fortran || a.shape.size() == 1) return a;
  // Fortran order (np.save of a transposed array): the first index varies fastest on disk.
  const std::vector<double> disk = std::move(a.values);
  a.values.resize(count);
  std::vector<std::size_t> index(a.shape.size(), 0), stride(a.shape.size(), 1);
  for (std::size_t k = 1; k < a.shape.size(); ++k)
    stride[k] = stride[k - 1] * a.shape[k - 1];
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t offset = 0;
    for (std::size_t j = 0; j < index.size(); ++j)
      offset += index[j] * stride[j];
    a.values[k] = disk[offset];
    for (std::size_t j = index.size(); j-- > 0;) {  // the C-order successor of index
      if (++index[j] < a.shape[j]) break;
      index[j] = 0;
    }
  }
  return a;
}

std::vector<std::pair<std::string, std::string>> unzip(std::string_view b,
                                                       const std::string& name) {
  const std::string file = "'" + name + "'";
  auto damaged = [&](const std::string& why) {
    return InputError(file + " is not a readable .npz archive (" + why + ")");
  };
  std::set<std::string> names;
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  if (b.size() < 22) throw damaged("too short");
  std::size_t eocd = std::string::npos;
  for (std::size_t at = b.size() - 22;; --at) {
    if (little(b, at, 4) == 0x06054b50) {
      eocd = at;
      break;
    }
    if (at == 0 || b.size() - at > 65557) break;
  }
  if (eocd == std::string::npos) throw damaged("no zip directory: truncated, or not a zip file");
  std::uint64_t entries = little(b, eocd + 10, 2), cd = little(b, eocd + 16, 4);
  if ((entries == 0xFFFF || cd == 0xFFFFFFFF) && eocd >= 20 &&
      little(b, eocd - 20, 4) == 0x07064b50) {
    const std::uint64_t z64 = little(b, eocd - 12, 8);  // zip64 end-of-directory record
    if (z64 + 56 > b.size() || little(b, z64, 4) != 0x06064b50) throw damaged("bad zip64 record");
    entries = little(b, z64 + 32, 8);
    cd = little(b, z64 + 48, 8);
  }
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = cd;
  for (std::uint64_t e = 0; e < entries; ++e) {
    if (at + 46 > b.size() || little(b, at, 4) != 0x02014b50) throw damaged("bad directory entry");
    const auto method = little(b, at + 10, 2);
    const auto crc = static_cast<std::uint32_t>(little(b, at + 16, 4));
    std::uint64_t packed = little(b, at + 20, 4), size = little(b, at + 24, 4);
    const std::size_t name_len = little(b, at + 28, 2), extra_len = little(b, at + 30, 2),
                      comment_len = little(b, at + 32, 2);
    std::uint64_t local = little(b, at + 42, 4);
    if (at + 46 + name_len + extra_len > b.size()) throw damaged("bad directory entry");
    std::string member(b.substr(at + 46, name_len));
    // Zip64: the sizes and offset that do not fit 32 bits follow in extra field 0x0001.
    for (std::size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const auto id = little(b, x, 2), len = little(b, x + 2, 2);
      std::size_t f = x + 4;
      if (id == 1) {
        if (size == 0xFFFFFFFF) size = little(b, f, 8), f += 8;
        if (packed == 0xFFFFFFFF) packed = little(b, f, 8), f += 8;
        if (local == 0xFFFFFFFF) local = little(b, f, 8);
      }
      x += 4 + len;
    }
    at += 46 + name_len + extra_len + comment_len;
    if (local + 30 > b.size() || little(b, local, 4) != 0x04034b50) throw damaged("bad member");
    const std::size_t data = local + 30 + little(b, local + 26, 2) + little(b, local + 28, 2);
    if (data + packed > b.size()) throw damaged("member '" + member + "' is truncated");
    // Deflate expands at most about 1032 times; a larger claim is a damaged (or hostile) file,
    // not a reason to allocate it (found by fuzzing: 4 GB claimed by 100 bytes).
    if ((method == 0 && size != packed) ||
        static_cast<double>(size) > 1032.0 * static_cast<double>(packed) + 1024) {
      throw damaged("member '" + member + "' claims " + std::to_string(size) + " bytes from " +
                    std::to_string(packed) + " stored");
    }
    std::string bytes;
    if (method == 0) {
      bytes = std::string(b.substr(data, packed));
    } else if (method == 8) {
      bytes.resize(size);
      z_stream z{};
      if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw damaged("zlib");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b.data() + data));
      z.avail_in = static_cast<uInt>(packed);  // members of a few GiB inflate in pieces below
      z.next_out = reinterpret_cast<Bytef*>(bytes.data());
      z.avail_out = static_cast<uInt>(size);
      int rc = Z_OK;
      while (rc == Z_OK) {
        const std::size_t in_done = z.total_in, out_done = z.total_out;
        z.avail_in = static_cast<uInt>(std::min<std::uint64_t>(packed - in_done, 1u << 30));
        z.avail_out = static_cast<uInt>(std::min<std::uint64_t>(size - out_done, 1u << 30));
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && z.total_out == size) rc = Z_STREAM_END;
      }
      inflateEnd(&z);
      if (rc != Z_STREAM_END || z.total_out != size)
        throw damaged("member '" + member + "' does not inflate");
    } else {
      throw damaged("member '" + member + "' uses compression method " + std::to_string(method) +
                    "; numpy writes stored or deflated members");
    }
    std::uint32_t sum = 0;
    for (std::size_t off = 0; off < bytes.size(); off += 1u << 30) {
      const auto len = std::min<std::size_t>(bytes.size() - off, 1u << 30);
      sum = static_cast<std::uint32_t>(
          crc32(sum, reinterpret_cast<const Bytef*>(bytes.data() + off), static_cast<uInt>(len)));
    }
    if (sum != crc) throw damaged("member '" + member + "' fails its CRC check");
    if (member.size() > 4 && member.compare(member.size() - 4, 4, ".npy") == 0)
      member.resize(member.size() - 4);
    // numpy reads the last of two members of one name, a reader of the first the other: which
    // array is meant cannot be told.
    if (!names.insert(member).second)
      throw damaged("two members are named '" + member + "': which array is meant is unclear");
    out.emplace_back(member, std::move(bytes));
  }
  return out;
}

}  // namespace hsicho::io
