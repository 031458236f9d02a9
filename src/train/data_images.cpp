// Image data sets from their official files: MNIST / Fashion-MNIST (IDX, raw or gzipped) and
// CIFAR-10 (binary batches). Every malformed file is an InputError naming it.
#include <zlib.h>

#include <cmath>
#include <filesystem>

#include "hsicho/error.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {
namespace fs = std::filesystem;

namespace {

// Reads a whole file; gzread passes uncompressed files through unchanged.
std::vector<std::uint8_t> slurp(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError("cannot open '" + path + "'");
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[1 << 16];
  int got;
  while ((got = gzread(f, buf, sizeof buf)) > 0)
    bytes.insert(bytes.end(), buf, buf + got);
  int err = 0;
  const char* msg = gzerror(f, &err);
  const std::string text = msg ? msg : "";
  gzclose(f);
  if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
    throw InputError("'" + path + "' is corrupt: " + text);
  }
  return bytes;
}

std::string find_file(const std::string& folder, const std::string& name) {
  for (const std::string& candidate : {name, name + ".gz"}) {
    const auto p = fs::path(folder) / candidate;
    if (fs::exists(p)) return p.string();
  }
  throw InputError("data file '" + name + "' (or " + name + ".gz) not found in '" + folder +
                   "'; scripts/get_data.sh prepares the image sets, data.path sets the folder");
}

}  // namespace

Idx read_idx(const std::string& path, int expected_dims) {
  const auto b = slurp(path);
  if (b.size() < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08 || b[3] != expected_dims) {
    throw InputError("'" + path + "' is not an IDX file of unsigned bytes with " +
                     std::to_string(expected_dims) + " dimensions (wrong magic number)");
  }
  Idx idx;
  std::size_t count = 1, at = 4;
  if (b.size() < 4 + 4 * static_cast<std::size_t>(expected_dims))
    throw InputError("'" + path + "' is truncated (header)");
  for (int k = 0; k < expected_dims; ++k, at += 4) {
    const int dim = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    idx.dims.push_back(dim);
    count *= static_cast<std::size_t>(dim);
  }
  if (b.size() - at != count) {
    throw InputError("'" + path + "' is truncated or too long: " + std::to_string(b.size() - at) +
                     " data bytes for " + std::to_string(count) + " expected");
  }
  idx.data.assign(b.begin() + static_cast<std::ptrdiff_t>(at), b.end());
  return idx;
}

namespace {

// First `rows` records of images/labels (0: all) starting at `first`.
Split image_split(const std::vector<std::uint8_t>& pixels, const std::vector<std::int64_t>& labels,
                  std::size_t pixels_per, std::size_t first, std::size_t rows) {
  Split s;
  s.rows = static_cast<int>(rows);
  s.x.resize(rows * pixels_per);
  for (std::size_t k = 0; k < rows * pixels_per; ++k)
    s.x[k] = pixels[first * pixels_per + k] / 255.0f;
  s.label.assign(labels.begin() + static_cast<std::ptrdiff_t>(first),
                 labels.begin() + static_cast<std::ptrdiff_t>(first + rows));
  return s;
}

void split_sizes(const DataSpec& spec, std::size_t available_train, std::size_t available_test,
                 std::size_t& train, std::size_t& val, std::size_t& test) {
  val = static_cast<std::size_t>(spec.validation);
  if (val >= available_train) {
    throw InputError("data.validation = " + std::to_string(val) + " leaves no training images (" +
                     std::to_string(available_train) + " in the files)");
  }
  train = spec.train > 0 ? static_cast<std::size_t>(spec.train) : available_train - val;
  if (train + val > available_train) {
    throw InputError("data.train + data.validation = " + std::to_string(train + val) +
                     " but the files hold " + std::to_string(available_train) + " training images");
  }
  test = spec.test > 0 ? std::min<std::size_t>(static_cast<std::size_t>(spec.test), available_test)
                       : available_test;
}

DataSet mnist_like(const DataSpec& spec) {
  const Idx ti = read_idx(find_file(spec.path, "train-images-idx3-ubyte"), 3);
  const Idx tl = read_idx(find_file(spec.path, "train-labels-idx1-ubyte"), 1);
  const Idx vi = read_idx(find_file(spec.path, "t10k-images-idx3-ubyte"), 3);
  const Idx vl = read_idx(find_file(spec.path, "t10k-labels-idx1-ubyte"), 1);
  if (ti.dims[0] != tl.dims[0] || vi.dims[0] != vl.dims[0] || ti.dims[1] != vi.dims[1] ||
      ti.dims[2] != vi.dims[2]) {
    throw InputError("the IDX files in '" + spec.path +
                     "' disagree on their counts or image sizes");
  }
  auto labels = [](const Idx& l) {
    std::vector<std::int64_t> v(l.data.begin(), l.data.end());
    for (auto x : v) {
      if (x > 9) throw InputError("a label is " + std::to_string(x) + ", not a digit 0-9");
    }
    return v;
  };
  const auto train_labels = labels(tl), test_labels = labels(vl);
  DataSet d;
  d.classification = true;
  d.outputs = 10;
  d.input_shape = {1, ti.dims[1], ti.dims[2]};
  const std::size_t per =
      static_cast<std::size_t>(ti.dims[1]) * static_cast<std::size_t>(ti.dims[2]);
  std::size_t train, val, test;
  split_sizes(spec, static_cast<std::size_t>(ti.dims[0]), static_cast<std::size_t>(vi.dims[0]),
              train, val, test);
  // The validation set: the last images of the training files (a fixed split).
  d.train = image_split(ti.data, train_labels, per, 0, train);
  d.validation =
      image_split(ti.data, train_labels, per, static_cast<std::size_t>(ti.dims[0]) - val, val);
  d.test = image_split(vi.data, test_labels, per, 0, test);
  return d;
}

DataSet cifar10(const DataSpec& spec) {
  constexpr std::size_t record = 1 + 3 * 32 * 32, per = 3 * 32 * 32;
  auto read_batches = [&](const std::vector<std::string>& names, std::vector<std::uint8_t>& pixels,
                          std::vector<std::int64_t>& labels) {
    for (const auto& name : names) {
      const auto path = (fs::path(spec.path) / name).string();
      if (!fs::exists(path)) {
        throw InputError("CIFAR-10 file '" + name + "' not found in '" + spec.path +
                         "'; scripts/get_data.sh cifar10 says where to get the binary version");
      }
      const auto b = slurp(path);
      if (b.empty() || b.size() % record != 0) {
        throw InputError("'" + path +
                         "' is not a CIFAR-10 binary batch: " + std::to_string(b.size()) +
                         " bytes is not a whole number of 3073-byte records");
      }
      for (std::size_t r = 0; r < b.size() / record; ++r) {
        if (b[r * record] > 9)
          throw InputError("'" + path + "': label " + std::to_string(b[r * record]) +
                           " is not 0-9");
        labels.push_back(b[r * record]);
        pixels.insert(pixels.end(), b.begin() + static_cast<std::ptrdiff_t>(r * record + 1),
                      b.begin() + static_cast<std::ptrdiff_t>((r + 1) * record));
      }
    }
  };
  std::vector<std::uint8_t> tp, vp;
  std::vector<std::int64_t> tl, vl;
  read_batches({"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin"},
               tp, tl);
  read_batches({"test_batch.bin"}, vp, vl);
  DataSet d;
  d.classification = true;
  d.outputs = 10;
  d.input_shape = {3, 32, 32};
  std::size_t train, val, test;
  split_sizes(spec, tl.size(), vl.size(), train, val, test);
  d.train = image_split(tp, tl, per, 0, train);
  d.validation = image_split(tp, tl, per, tl.size() - val, val);
  d.test = image_split(vp, vl, per, 0, test);
  return d;
}

}  // namespace

DataSet generated_dataset(const DataSpec& s, std::uint64_t seed);

DataSet load_dataset(const DataSpec& spec, std::uint64_t seed) {
  if (spec.name == "table") return table_dataset(spec);
  DataSet d = spec.name == "runge" || spec.name == "bateman" ? generated_dataset(spec, seed)
              : spec.name == "cifar10"                       ? cifar10(spec)
                                                             : mnist_like(spec);
  if (spec.standardize) scale_inputs(d, "standard");  // targets keep their units
  return d;
}

}  // namespace hsicho::train
