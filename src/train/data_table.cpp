// The user's own data: inputs x and targets y from their files, checked (shapes, row counts,
// finite values, labels), split into training, validation and test parts, and scaled by the
// training part's statistics. Every rank reads the files itself (docs/deck.md says what that
// costs).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "hsicho/error.hpp"
#include "hsicho/random.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {
namespace fs = std::filesystem;

namespace {

struct Part {
  io::Array x, y;
};

// x and y of one file (or of two .npy files), with the stamps of what was read.
Part read_part(const std::string& path, const DataSpec& s, std::vector<io::FileStamp>& stamps) {
  Part p;
  if (path.empty()) {  // x and y are .npy files
    auto x = io::read_arrays(s.x.at(0), {{}});
    auto y = io::read_arrays(s.y.at(0), {{}});
    for (auto* f : {&x, &y}) {
      if (f->format != io::FileFormat::Npy) {
        throw InputError("'" + f->stamp.path + "' is named like a .npy file but holds " +
                         io::format_name(f->format) + " data");
      }
    }
    p.x = std::move(x.arrays[0]);
    p.y = std::move(y.arrays[0]);
    stamps.push_back(x.stamp);
    stamps.push_back(y.stamp);
    return p;
  }
  // Classification labels may be class names (text): mapped to numbers by map_class_names.
  auto f = io::read_arrays(path, {s.x, s.y}, s.task == "classification" ? 1 : io::kNoTextRequest);
  if (f.format == io::FileFormat::Npy) {
    throw InputError("'" + path +
                     "' is a .npy file, which holds one array: give x and y as two .npy files "
                     "(x: inputs.npy, y: outputs.npy) and no path, or use .npz for both");
  }
  p.x = std::move(f.arrays[0]);
  p.y = std::move(f.arrays[1]);
  stamps.push_back(f.stamp);
  // Data read through external links: their files are checked on resume like this one.
  stamps.insert(stamps.end(), f.linked.begin(), f.linked.end());
  return p;
}

std::string shape_text(const io::Array& a) {
  std::string s;
  for (auto d : a.shape)
    s += (s.empty() ? "" : " x ") + std::to_string(d);
  return s;
}

// The first value that is not finite (CSV refuses them while parsing; binary files here).
void check_finite(const io::Array& a) {
  const std::size_t width = a.row_width();
  for (std::size_t k = 0; k < a.values.size(); ++k) {
    if (!std::isfinite(a.values[k])) {
      throw InputError(a.what + " row " + std::to_string(k / width) + " (counting from 0) holds " +
                       space::to_text(a.values[k]) +
                       "; hsicho does not train on NaN or infinite values: remove or fill those "
                       "rows");
    }
    // Training is in float32: a larger value becomes infinite there, and every loss NaN.
    if (std::fabs(a.values[k]) > static_cast<double>(std::numeric_limits<float>::max())) {
      throw InputError(a.what + " row " + std::to_string(k / width) + " (counting from 0) holds " +
                       space::to_text(a.values[k]) +
                       ", beyond float32 (about 3.4e38), the precision networks train in: "
                       "rescale that column (its units, or a log)");
    }
  }
}

// The per-row shape of x as the models see it: {features} or {channels, height, width}.
std::vector<int> input_shape(const io::Array& x) {
  auto as_int = [&](std::size_t v) {
    if (v == 0 || v > 100000000)
      throw InputError(x.what + " has shape " + shape_text(x) + ": a dimension is 0 or too large");
    return static_cast<int>(v);
  };
  switch (x.shape.size()) {
    case 1:
      return {1};
    case 2:
      return {as_int(x.shape[1])};
    case 3:
      return {1, as_int(x.shape[1]), as_int(x.shape[2])};  // N x H x W: one channel
    case 4:
      return {as_int(x.shape[1]), as_int(x.shape[2]), as_int(x.shape[3])};
    default:
      throw InputError(x.what + " has shape " + shape_text(x) +
                       "; x must be rows x features (for MLPs), rows x height x width or rows x "
                       "channels x height x width (images, for CNNs)");
  }
}

void check_part(const Part& p, const DataSpec& s) {
  if (p.x.rows() != p.y.rows()) {
    throw InputError("x and y disagree in rows: " + p.x.what + " has " +
                     std::to_string(p.x.rows()) + ", " + p.y.what + " has " +
                     std::to_string(p.y.rows()));
  }
  check_finite(p.x);
  check_finite(p.y);
  if (s.task == "classification") {
    if (p.y.shape.size() > 2 || (p.y.shape.size() == 2 && p.y.shape[1] != 1)) {
      throw InputError(p.y.what + " has shape " + shape_text(p.y) +
                       "; classification needs one integer label per row");
    }
    for (std::size_t k = 0; k < p.y.values.size(); ++k) {
      const double v = p.y.values[k];
      if (v < 0 || v != std::floor(v) || (s.classes > 0 && v >= s.classes) || v > 1e6) {
        throw InputError(p.y.what + " row " + std::to_string(k) + " (counting from 0): label " +
                         space::to_text(v) +
                         " is not a class; labels are whole numbers 0, 1, ..., classes - 1" +
                         (s.classes > 0 ? " (classes: " + std::to_string(s.classes) + ")" : ""));
      }
    }
  } else if (p.y.shape.size() > 2) {
    throw InputError(p.y.what + " has shape " + shape_text(p.y) +
                     "; regression targets are rows, or rows x outputs");
  }
}

// Labels written as class names become 0, 1, ..., K - 1 in the names' sorted (byte) order, the
// same for every file of the study whatever its rows, so that the numbers never depend on which
// rows a file holds or in which order. Returns the names (empty: the labels were numbers).
std::vector<std::string> map_class_names(std::vector<Part*> parts, const DataSpec& s) {
  const auto named =
      std::count_if(parts.begin(), parts.end(), [](const Part* p) { return !p->y.text.empty(); });
  if (named == 0) return {};
  for (const Part* p : parts) {
    if (p->y.text.empty()) {
      const auto other = std::find_if(parts.begin(), parts.end(),
                                      [](const Part* q) { return !q->y.text.empty(); });
      throw InputError(p->y.what + " holds numbers as labels where " + (*other)->y.what +
                       " holds class names: write the labels the same way in every file");
    }
  }
  std::vector<std::string> names;
  for (const Part* p : parts)
    names.insert(names.end(), p->y.text.begin(), p->y.text.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const std::size_t limit = 100000;
  if (names.size() > limit) {
    throw InputError(parts.front()->y.what + " holds " + std::to_string(names.size()) +
                     " different class names; more than " + std::to_string(limit) +
                     " classes is not a classification hsicho trains (is it the right column?)");
  }
  if (s.classes > 0 && names.size() > static_cast<std::size_t>(s.classes)) {
    throw InputError(parts.front()->y.what + " holds " + std::to_string(names.size()) +
                     " class names (" + names.front() + " ... " + names.back() +
                     ") where data.classes is " + std::to_string(s.classes) +
                     ": remove data.classes, or raise it");
  }
  for (Part* p : parts) {
    for (std::size_t k = 0; k < p->y.text.size(); ++k) {
      const auto at = std::lower_bound(names.begin(), names.end(), p->y.text[k]);
      p->y.values[k] = static_cast<double>(at - names.begin());
    }
  }
  return names;
}

Split make_split(const Part& p, const std::vector<std::size_t>& rows, bool classification) {
  Split s;
  s.rows = static_cast<int>(rows.size());
  const std::size_t xw = p.x.row_width(), yw = p.y.row_width();
  s.x.reserve(rows.size() * xw);
  for (auto r : rows) {
    for (std::size_t k = 0; k < xw; ++k)
      s.x.push_back(static_cast<float>(p.x.values[r * xw + k]));
    for (std::size_t k = 0; k < yw; ++k) {
      if (classification) {
        s.label.push_back(static_cast<std::int64_t>(p.y.values[r * yw + k]));
      } else {
        s.y.push_back(static_cast<float>(p.y.values[r * yw + k]));
      }
    }
  }
  return s;
}

std::vector<std::size_t> all_rows(const Part& p) {
  std::vector<std::size_t> r(p.x.rows());
  for (std::size_t k = 0; k < r.size(); ++k)
    r[k] = k;
  return r;
}

// How many rows `text` asks for out of `total`: a fraction below 1 or a whole number of rows.
std::size_t rows_for(const std::string& text, std::size_t total) {
  const double v = *space::scalar::to_number(text);
  return v < 1 ? static_cast<std::size_t>(std::llround(v * static_cast<double>(total)))
               : static_cast<std::size_t>(v);
}

}  // namespace

bool split_is_file(const std::string& text) {
  return !space::scalar::to_number(text).has_value();
}

DataSet table_dataset(const DataSpec& s) {
  DataSet d;
  d.classification = s.task == "classification";
  Part main = read_part(s.path, s, d.sources);

  // Separate validation and test files hold the same x and y; numbers split the main file.
  std::vector<Part> files;
  const bool val_file = split_is_file(s.split_validation), test_file = split_is_file(s.split_test);
  for (const auto* f : {&s.split_validation, &s.split_test}) {
    if (!split_is_file(*f)) continue;
    if (s.path.empty()) {
      throw InputError(
          "split: a validation or test file needs data.path; with .npy files, "
          "split by fractions (split: {validation: 0.15, test: 0.15})");
    }
    {
      std::error_code ec;
      if (std::filesystem::equivalent(*f, s.path, ec)) {
        throw InputError("split: the " +
                         std::string(f == &s.split_validation ? "validation" : "test") + " file '" +
                         *f +
                         "' is the training file itself: its error would "
                         "measure memorizing, not generalizing; give a file of other rows, or "
                         "a fraction (split: {validation: 0.15})");
      }
    }
    files.push_back(read_part(*f, s, d.sources));
    auto same_rows = [](const io::Array& a, const io::Array& b) {
      if (std::vector<std::size_t>(a.shape.begin() + 1, a.shape.end()) !=
          std::vector<std::size_t>(b.shape.begin() + 1, b.shape.end())) {
        throw InputError(a.what + " has shape " + shape_text(a) + " where " + b.what + " has " +
                         shape_text(b) + ": the rows must have the same shape");
      }
    };
    same_rows(files.back().x, main.x);
    same_rows(files.back().y, main.y);
  }
  std::vector<Part*> parts = {&main};
  for (auto& f : files)
    parts.push_back(&f);
  if (d.classification) d.class_names = map_class_names(parts, s);
  for (const Part* p : parts)
    check_part(*p, s);
  d.input_shape = input_shape(main.x);

  const std::size_t n = main.x.rows();
  const std::size_t n_val = val_file ? 0 : rows_for(s.split_validation, n);
  const std::size_t n_test = test_file ? 0 : rows_for(s.split_test, n);
  if ((!val_file && n_val == 0) || (!test_file && n_test == 0) || n_val + n_test + 2 > n) {
    throw InputError(main.x.what + " has " + std::to_string(n) +
                     " rows: too few to hold out validation rows (" + s.split_validation +
                     ") and test rows (" + s.split_test +
                     "), at least one each, and keep 2 or more to train on; use more rows, or "
                     "other split fractions or files");
  }
  // A seeded shuffle chooses the held-out rows; each part keeps the file's row order.
  std::vector<std::size_t> order = all_rows(main);
  Rng rng(s.split_seed, 21);
  rng.shuffle(order.data(), order.size());
  std::vector<std::size_t> val(order.begin(), order.begin() + static_cast<long>(n_val));
  std::vector<std::size_t> test(order.begin() + static_cast<long>(n_val),
                                order.begin() + static_cast<long>(n_val + n_test));
  std::vector<std::size_t> train(order.begin() + static_cast<long>(n_val + n_test), order.end());
  for (auto* v : {&val, &test, &train})
    std::sort(v->begin(), v->end());
  d.train = make_split(main, train, d.classification);
  std::size_t next_file = 0;
  d.validation = val_file
                     ? make_split(files[next_file], all_rows(files[next_file]), d.classification)
                     : make_split(main, val, d.classification);
  if (val_file) ++next_file;
  d.test = test_file ? make_split(files[next_file], all_rows(files[next_file]), d.classification)
                     : make_split(main, test, d.classification);

  if (d.classification) {
    std::int64_t largest = 0;
    for (const Split* p : {&d.train, &d.validation, &d.test}) {
      for (auto l : p->label)
        largest = std::max(largest, l);
    }
    d.outputs = s.classes > 0 ? s.classes : static_cast<int>(largest + 1);
    if (s.classes <= 0 && d.outputs > d.train.rows) {
      throw InputError(main.y.what + ": the largest label, " + std::to_string(largest) +
                       ", makes " + std::to_string(d.outputs) + " classes for " +
                       std::to_string(d.train.rows) +
                       " training rows: most classes would have no example. Labels are 0, 1, "
                       "..., K - 1: renumber them (codes such as 1001, 2002 included), or give "
                       "data.classes");
    }
    if (d.outputs < 2) {
      throw InputError(main.y.what +
                       " holds one class only (label 0): classification needs two "
                       "or more");
    }
  } else {
    d.outputs = static_cast<int>(main.y.row_width());
  }
  scale_inputs(d, s.scale);
  scale_outputs(d, s.scale);
  return d;
}

}  // namespace hsicho::train
