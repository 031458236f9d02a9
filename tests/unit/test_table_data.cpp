// The user's own data (data.name: table): the same numbers from CSV, HDF5, .npy and .npz files,
// the CSV reader's corners, the split, and scaling by the training part's statistics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>

#include "hsicho/error.hpp"
#include "hsicho/io/array_file.hpp"
#include "hsicho/train/data.hpp"

using namespace hsicho;
using namespace hsicho::train;

namespace {

const std::string dir = HSICHO_TEST_DATA "/table/";

DataSpec oscillator(const std::string& format) {
  DataSpec s;
  s.name = "table";
  if (format == "csv") {
    s.path = dir + "oscillator.csv", s.x = {"t", "omega:zeta"}, s.y = {"x", "v"};
  } else if (format == "h5") {
    s.path = dir + "oscillator.h5", s.x = {"/inputs"}, s.y = {"outputs/xv"};
  } else if (format == "npy") {
    s.x = {dir + "oscillator_x.npy"}, s.y = {dir + "oscillator_y.npy"};
  } else {
    s.path = dir + "oscillator.npz", s.x = {"inputs"}, s.y = {"outputs.npy"};
  }
  s.split_validation = "0.2", s.split_test = "0.25", s.split_seed = 7;
  return s;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::vector<double> column_of(const std::vector<float>& v, std::size_t width, std::size_t c) {
  std::vector<double> out;
  for (std::size_t k = c; k < v.size(); k += width)
    out.push_back(v[k]);
  return out;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("the same table as CSV, HDF5, NPY (Fortran order) and NPZ loads bit for bit alike",
          "[data][table]") {
  const DataSet ref = table_dataset(oscillator("csv"));
  CHECK(ref.input_shape == std::vector<int>{3});
  CHECK(ref.outputs == 2);
  CHECK(ref.train.rows + ref.validation.rows + ref.test.rows == 80);
  CHECK(ref.validation.rows == 16);  // 0.2 x 80
  CHECK(ref.test.rows == 20);        // 0.25 x 80
  for (const std::string f : {"h5", "npy", "npz"}) {
    INFO(f);
    const DataSet d = table_dataset(oscillator(f));
    for (auto [a, b] :
         {std::make_pair(&ref.train, &d.train), std::make_pair(&ref.validation, &d.validation),
          std::make_pair(&ref.test, &d.test)}) {
      CHECK(same_bits(a->x, b->x));
      CHECK(same_bits(a->y, b->y));
    }
    CHECK(same_bits(ref.y_scale, d.y_scale));
    REQUIRE(d.sources.size() == (f == "npy" ? 2u : 1u));
    CHECK(d.sources[0].bytes == std::filesystem::file_size(d.sources[0].path));
  }
}

TEST_CASE("the split is a seeded partition of the rows, in file order within each part",
          "[data][table]") {
  DataSpec s = oscillator("csv");
  s.scale = "none";
  const DataSet d = table_dataset(s);
  // Column t of every part, against the file's rows: each row exactly once.
  const auto all = io::read_arrays(dir + "oscillator.csv", {{"t"}}).arrays[0].values;
  std::multiset<float> seen;
  for (const Split* p : {&d.train, &d.validation, &d.test}) {
    for (std::size_t k = 0; k < static_cast<std::size_t>(p->rows); ++k)
      seen.insert(p->x[3 * k]);
  }
  std::multiset<float> want;
  for (double v : all)
    want.insert(static_cast<float>(v));
  CHECK(seen == want);
  s.split_seed = 8;
  const DataSet other = table_dataset(s);
  CHECK_FALSE(same_bits(d.validation.x, other.validation.x));
  s.split_seed = 7;
  CHECK(same_bits(d.validation.x, table_dataset(s).validation.x));
}

TEST_CASE("scaling uses the training part only and records how to undo it on the targets",
          "[data][table]") {
  DataSpec raw_spec = oscillator("csv");
  raw_spec.scale = "none";
  const DataSet raw = table_dataset(raw_spec);
  CHECK(raw.y_scale.empty());
  SECTION("standard: mean 0 and deviation 1 on the training rows") {
    const DataSet d = table_dataset(oscillator("csv"));
    for (std::size_t c = 0; c < 3; ++c) {
      const auto v = column_of(d.train.x, 3, c);
      double var = 0;
      for (double x : v)
        var += x * x;
      CHECK(mean(v) == Approx(0).margin(1e-6));
      CHECK(var / static_cast<double>(v.size()) == Approx(1).epsilon(1e-5));
    }
    // Undoing the targets' scaling gives the file's values (to float rounding).
    REQUIRE(d.y_scale.size() == 2);
    for (std::size_t k = 0; k < raw.validation.y.size(); ++k) {
      const std::size_t c = k % 2;
      CHECK(d.validation.y[k] * d.y_scale[c] + d.y_offset[c] ==
            Approx(raw.validation.y[k]).margin(1e-6));
    }
  }
  SECTION("minmax: the training rows span [0, 1]") {
    DataSpec s = oscillator("csv");
    s.scale = "minmax";
    const DataSet d = table_dataset(s);
    for (std::size_t c = 0; c < 3; ++c) {
      const auto v = column_of(d.train.x, 3, c);
      CHECK(*std::min_element(v.begin(), v.end()) == Approx(0).margin(1e-6));
      CHECK(*std::max_element(v.begin(), v.end()) == Approx(1).epsilon(1e-6));
    }
  }
}

TEST_CASE("a validation file replaces the fraction", "[data][table]") {
  DataSpec s = oscillator("csv");
  s.split_validation = dir + "oscillator_validation.csv";
  const DataSet d = table_dataset(s);
  CHECK(d.validation.rows == 20);
  CHECK(d.test.rows == 20);
  CHECK(d.train.rows == 60);
  CHECK(d.sources.size() == 2);
}

TEST_CASE("classification tables and image arrays", "[data][table]") {
  SECTION("labels from a CSV column: two classes, the inputs as features") {
    DataSpec s;
    s.name = "table", s.path = dir + "circle.csv", s.x = {"a", "b"}, s.y = {"inside"};
    s.task = "classification";
    const DataSet d = table_dataset(s);
    CHECK(d.classification);
    CHECK(d.outputs == 2);
    CHECK(d.train.y.empty());
    CHECK(d.train.label.size() == static_cast<std::size_t>(d.train.rows));
    CHECK(d.y_scale.empty());  // labels are never scaled
  }
  SECTION("N x C x H x W images in HDF5 with uint8 labels") {
    DataSpec s;
    s.name = "table", s.path = dir + "bars.h5", s.x = {"/images"}, s.y = {"/labels"};
    s.task = "classification";
    const DataSet d = table_dataset(s);
    CHECK(d.input_shape == std::vector<int>{1, 8, 8});
    CHECK(d.outputs == 2);
    CHECK(d.train.x.size() == static_cast<std::size_t>(d.train.rows) * 64);
  }
}

namespace {

// A CSV of rows x = k, label = names[k % names.size()], in `reversed` row order or not.
std::string write_named(const std::string& name, const std::vector<std::string>& names, int rows,
                        bool reversed) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream out(path);
  out << "x,species\n";
  for (int r = 0; r < rows; ++r) {
    const int k = reversed ? rows - 1 - r : r;
    out << k << "," << names[static_cast<std::size_t>(k) % names.size()] << "\n";
  }
  return path;
}

}  // namespace

TEST_CASE("class labels written as names are numbered in sorted order, in every file alike",
          "[data][table][labels]") {
  const std::vector<std::string> names = {"virginica", "setosa", "versicolor"};
  const std::vector<std::string> sorted = {"setosa", "versicolor", "virginica"};  // by hand
  DataSpec s;
  s.name = "table", s.x = {"x"}, s.y = {"species"}, s.task = "classification", s.scale = "none";
  for (const bool reversed : {false, true}) {
    s.path = write_named("hsicho_named.csv", names, 60, reversed);
    const DataSet d = table_dataset(s);
    CHECK(d.class_names == sorted);
    CHECK(d.outputs == 3);
    for (const Split* part : {&d.train, &d.validation, &d.test}) {
      for (int r = 0; r < part->rows; ++r) {
        const int k = static_cast<int>(part->x[static_cast<std::size_t>(r)]);
        const auto& name = names[static_cast<std::size_t>(k) % names.size()];
        const auto want = std::find(sorted.begin(), sorted.end(), name) - sorted.begin();
        REQUIRE(part->label[static_cast<std::size_t>(r)] == want);
      }
    }
  }
  SECTION("a validation file with a name the training file lacks shifts nothing wrongly") {
    s.path = write_named("hsicho_named.csv", {"b", "c"}, 40, false);
    s.split_validation = write_named("hsicho_named_val.csv", {"a", "c"}, 10, false);
    const DataSet d = table_dataset(s);
    CHECK(d.class_names == std::vector<std::string>{"a", "b", "c"});
    CHECK(d.validation.label[0] == 0);  // x = 0: "a"
    CHECK(d.validation.label[1] == 2);  // x = 1: "c"
    for (int r = 0; r < d.train.rows; ++r)
      CHECK(d.train.label[static_cast<std::size_t>(r)] ==
            (static_cast<int>(d.train.x[static_cast<std::size_t>(r)]) % 2 == 0 ? 1 : 2));
  }
  SECTION("numbers in one file and names in another are refused") {
    s.path = write_named("hsicho_named.csv", {"0", "1"}, 40, false);
    s.split_validation = write_named("hsicho_named_val.csv", {"a", "c"}, 10, false);
    CHECK_THROWS_WITH(table_dataset(s), Catch::Contains("holds numbers as labels where") &&
                                            Catch::Contains("holds class names"));
  }
  SECTION("numbers written as text stay numbers; data.classes below the names is refused") {
    s.path = write_named("hsicho_named.csv", {"0", "1", "2"}, 30, false);
    const DataSet d = table_dataset(s);
    CHECK(d.class_names.empty());
    CHECK(d.outputs == 3);
    s.path = write_named("hsicho_named.csv", names, 30, false);
    s.classes = 2;
    CHECK_THROWS_WITH(table_dataset(s), Catch::Contains("3 class names (setosa ... virginica) "
                                                        "where data.classes is 2"));
  }
  SECTION("inputs stay numbers only") {
    s.x = {"species"}, s.y = {"x"};
    CHECK_THROWS_WITH(table_dataset(s), Catch::Contains("'versicolor' is not a number") &&
                                            Catch::Contains("task: classification"));
  }
}

TEST_CASE("the CSV reader's corners", "[data][table][csv]") {
  const std::vector<std::vector<std::string>> xy = {{"b", "a"}, {"c"}};
  auto values = [&](const std::string& text) {
    const auto arrays = io::parse_csv(text, "t.csv", xy);
    std::vector<double> out = arrays[0].values;
    out.insert(out.end(), arrays[1].values.begin(), arrays[1].values.end());
    return out;
  };
  const std::vector<double> want = {2, 1, 5, 4, 3, 6};  // b, a per row, then c
  CHECK(values("a,b,c\n1,2,3\n4,5,6\n") == want);
  CHECK(values("a,b,c\r\n1,2,3\r\n4,5,6\r\n") == want);  // Windows line ends
  CHECK(values("a,b,c\r1,2,3\r4,5,6") == want);          // old Mac line ends, no final one
  CHECK(values("\xEF\xBB\xBF"
               "a,b,c\n1,2,3\n\n4,5,6\n") == want);            // BOM, blank line
  CHECK(values("\"a\";\"b\";\"c\"\n1;2;3\n4;5;6\n") == want);  // quoted names, semicolons
  CHECK(values("a\tb\tc\n1\t+2\t3\n4\t5\t6e0\n") == want);     // tabs, + sign, exponent
  CHECK(values("a, b, c\n 1, 2 , 3\n4,5,6\n") == want);        // spaces around cells
  // Ranges run in header order; the unused column may hold anything.
  const auto r = io::parse_csv("id,a,b,c\nx7,1,2,3\n", "t.csv", {{"a:c"}});
  CHECK(r[0].values == std::vector<double>{1, 2, 3});
  CHECK(r[0].shape == std::vector<std::size_t>{1, 3});
  CHECK_THROWS_WITH(io::parse_csv("a,b,c\n1,2,3\n", "t.csv", {{"a"}, {"a"}}),
                    Catch::Contains("selected twice"));
  CHECK_THROWS_WITH(io::parse_csv("a,b,a\n1,2,3\n", "t.csv", {{"a"}}),
                    Catch::Contains("appears twice in the header"));
  CHECK_THROWS_WITH(io::parse_csv("a,b\n1,inf\n", "t.csv", {{"b"}}),
                    Catch::Contains("line 2, column 'b': 'inf' is not a finite number"));
  CHECK_THROWS_WITH(io::parse_csv("a,b\n1,1e999\n", "t.csv", {{"b"}}),
                    Catch::Contains("beyond the range of doubles"));
  CHECK_THROWS_WITH(io::parse_csv("a,b\n1,2x\n", "t.csv", {{"b"}}),
                    Catch::Contains("'2x' is not a number"));
}

TEST_CASE("NumPy files: every integer and float type, both byte orders", "[data][table][npy]") {
  // A hand-made version-1 header for shape (2, 2).
  auto npy = [](const std::string& descr, const std::string& data, bool fortran = false) {
    std::string h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                    ", 'shape': (2, 2), }";
    while ((10 + h.size() + 1) % 64)
      h += ' ';
    h += '\n';
    std::string b = "\x93NUMPY";
    b += '\x01', b += '\x00';
    b += static_cast<char>(h.size() & 0xFF), b += static_cast<char>(h.size() >> 8);
    return b + h + data;
  };
  CHECK(io::parse_npy(npy("|u1", std::string("\x01\x02\x03\xFF", 4)), "a").values ==
        std::vector<double>{1, 2, 3, 255});
  CHECK(io::parse_npy(npy("|i1", std::string("\x01\x02\x03\xFF", 4)), "a").values ==
        std::vector<double>{1, 2, 3, -1});
  CHECK(io::parse_npy(npy(">i2", std::string("\x00\x01\x00\x02\x00\x03\xFF\xFE", 8)), "a").values ==
        std::vector<double>{1, 2, 3, -2});
  CHECK(io::parse_npy(npy("<i2", std::string("\x01\x00\x02\x00\x03\x00\xFE\xFF", 8), true), "a")
            .values == std::vector<double>{1, 3, 2, -2});  // Fortran order: columns first
  float f[4] = {0.5f, -1.25f, 3.0f, 1e-3f};
  CHECK(io::parse_npy(npy("<f4", std::string(reinterpret_cast<char*>(f), 16)), "a").values ==
        std::vector<double>{0.5, -1.25, 3.0, static_cast<double>(1e-3f)});
  CHECK_THROWS_WITH(io::parse_npy(npy("<f2", std::string(8, '\0')), "a"),
                    Catch::Contains("holds float16 values"));
  CHECK_THROWS_WITH(io::parse_npy(npy("<U3", std::string(48, '\0')), "a"),
                    Catch::Contains("holds str (unicode text) values"));
}
