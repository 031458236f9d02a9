// Data sets: generators against closed forms, image files written by the test (good, corrupt).
#include <zlib.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hsicho/error.hpp"
#include "hsicho/train/data.hpp"

using namespace hsicho;
using namespace hsicho::train;
namespace fs = std::filesystem;

namespace {

std::vector<std::uint8_t> idx_bytes(std::vector<int> dims, std::uint8_t magic3 = 0x08) {
  std::vector<std::uint8_t> b = {0, 0, magic3, static_cast<std::uint8_t>(dims.size())};
  std::size_t count = 1;
  for (int d : dims) {
    for (int s = 24; s >= 0; s -= 8)
      b.push_back(static_cast<std::uint8_t>((d >> s) & 0xFF));
    count *= static_cast<std::size_t>(d);
  }
  for (std::size_t k = 0; k < count; ++k)
    b.push_back(static_cast<std::uint8_t>(dims.size() == 1 ? k % 10 : (k * 7) % 256));
  return b;
}

void write(const fs::path& p, const std::vector<std::uint8_t>& b, bool gz) {
  if (gz) {
    gzFile f = gzopen(p.string().c_str(), "wb");
    gzwrite(f, b.data(), static_cast<unsigned>(b.size()));
    gzclose(f);
  } else {
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
}

fs::path temp_dir(const std::string& name) {
  const auto p =
      fs::temp_directory_path() / ("hsicho_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

}  // namespace

TEST_CASE("Runge data follow 1 / (1 + 25 |x|^2)", "[data]") {
  DataSpec s;
  s.name = "runge";
  s.dim = 2;
  s.train = 50, s.validation = 20, s.test = 30;
  s.standardize = false;
  const DataSet d = load_dataset(s, 3);
  REQUIRE(d.train.rows == 50);
  REQUIRE(d.test.rows == 30);
  CHECK(d.input_shape == std::vector<int>{2});
  for (int r = 0; r < d.test.rows; ++r) {
    const double x0 = d.test.x[2 * r], x1 = d.test.x[2 * r + 1];
    CHECK(std::fabs(x0) <= 1);
    CHECK(d.test.y[r] == Approx(1 / (1 + 25 * (x0 * x0 + x1 * x1))).epsilon(1e-6));
  }
  // The same seed gives the same data; noise touches the training targets only.
  s.noise = 0.1;
  const DataSet n = load_dataset(s, 3);
  CHECK(n.test.y == d.test.y);
  CHECK(n.train.y != d.train.y);
}

TEST_CASE("Bateman: matrix exponential equals the closed-form solution", "[data]") {
  const std::vector<double> l = {1.3, 0.7, 0.2, 0.05};
  Eigen::VectorXd n0(4);
  n0 << 1.0, 0.5, 0.25, 0.1;
  for (double t : {0.0, 0.3, 2.0, 10.0}) {
    const auto a = bateman_expm(l, n0, t), b = bateman_closed_form(l, n0, t);
    for (int k = 0; k < 4; ++k)
      CHECK(a[k] == Approx(b[k]).epsilon(1e-10).margin(1e-14));
  }
  // One species: N(t) = N0 exp(-l t).
  CHECK(bateman_closed_form({0.5}, Eigen::VectorXd::Constant(1, 2.0), 3.0)[0] ==
        Approx(2 * std::exp(-1.5)));
  // The data set's targets are N(t) for its (N(0), t) inputs.
  DataSpec s;
  s.name = "bateman";
  s.species = 3;
  s.decay = {1.0, 0.5, 0.25};
  s.train = s.validation = s.test = 10;
  s.standardize = false;
  const DataSet d = load_dataset(s, 1);
  CHECK(d.input_shape == std::vector<int>{4});
  CHECK(d.outputs == 3);
  for (int r = 0; r < 10; ++r) {
    Eigen::VectorXd x0(3);
    for (int k = 0; k < 3; ++k)
      x0[k] = d.test.x[4 * r + k];
    const auto n = bateman_closed_form(s.decay, x0, d.test.x[4 * r + 3]);
    for (int k = 0; k < 3; ++k)
      CHECK(d.test.y[3 * r + k] == Approx(n[k]).epsilon(1e-5).margin(1e-7));
  }
}

TEST_CASE("IDX image sets load raw or gzipped, and bad files are named", "[data]") {
  for (bool gz : {false, true}) {
    const auto dir = temp_dir(gz ? "idx_gz" : "idx");
    const std::string ext = gz ? ".gz" : "";
    write(dir / ("train-images-idx3-ubyte" + ext), idx_bytes({30, 4, 4}), gz);
    write(dir / ("train-labels-idx1-ubyte" + ext), idx_bytes({30}), gz);
    write(dir / ("t10k-images-idx3-ubyte" + ext), idx_bytes({12, 4, 4}), gz);
    write(dir / ("t10k-labels-idx1-ubyte" + ext), idx_bytes({12}), gz);
    DataSpec s;
    s.name = "mnist";
    s.path = dir.string();
    s.train = 0, s.validation = 10, s.test = 0;
    s.standardize = false;
    const DataSet d = load_dataset(s, 1);
    CHECK(d.input_shape == std::vector<int>{1, 4, 4});
    CHECK(d.train.rows == 20);
    CHECK(d.validation.rows == 10);
    CHECK(d.test.rows == 12);
    CHECK(d.train.x[5] == Approx(((5 * 7) % 256) / 255.0));
    CHECK(d.validation.label[0] == 20 % 10);  // the last 10 training images
    CHECK(d.test.label[11] == 1);

    write(dir / ("t10k-labels-idx1-ubyte" + ext), idx_bytes({12}, 0x09), gz);  // wrong magic
    CHECK_THROWS_WITH(load_dataset(s, 1),
                      Catch::Contains("wrong magic number") && Catch::Contains("t10k-labels"));
    auto cut = idx_bytes({12});
    cut.resize(cut.size() - 3);
    write(dir / ("t10k-labels-idx1-ubyte" + ext), cut, gz);  // truncated
    CHECK_THROWS_WITH(load_dataset(s, 1), Catch::Contains("truncated"));
    fs::remove(dir / ("t10k-labels-idx1-ubyte" + ext));
    CHECK_THROWS_WITH(load_dataset(s, 1), Catch::Contains("not found"));
    fs::remove_all(dir);
  }
}

TEST_CASE("CIFAR-10 binary batches load, and malformed ones are named", "[data]") {
  const auto dir = temp_dir("cifar");
  auto batch = [](int records, int label_offset) {
    std::vector<std::uint8_t> b;
    for (int r = 0; r < records; ++r) {
      b.push_back(static_cast<std::uint8_t>((r + label_offset) % 10));
      for (int k = 0; k < 3072; ++k)
        b.push_back(static_cast<std::uint8_t>((r + k) % 256));
    }
    return b;
  };
  for (int k = 1; k <= 5; ++k)
    write(dir / ("data_batch_" + std::to_string(k) + ".bin"), batch(4, k), false);
  write(dir / "test_batch.bin", batch(6, 0), false);
  DataSpec s;
  s.name = "cifar10";
  s.path = dir.string();
  s.train = 0, s.validation = 5, s.test = 0;
  s.standardize = false;
  const DataSet d = load_dataset(s, 1);
  CHECK(d.input_shape == std::vector<int>{3, 32, 32});
  CHECK(d.train.rows == 15);
  CHECK(d.test.rows == 6);
  CHECK(d.train.label[0] == 1);
  CHECK(d.train.x[3] == Approx(3 / 255.0));
  auto bad = batch(2, 0);
  bad.pop_back();
  write(dir / "test_batch.bin", bad, false);
  CHECK_THROWS_WITH(load_dataset(s, 1), Catch::Contains("not a whole number of 3073-byte records"));
  fs::remove(dir / "data_batch_3.bin");
  CHECK_THROWS_WITH(load_dataset(s, 1),
                    Catch::Contains("data_batch_3.bin") && Catch::Contains("get_data.sh"));
  fs::remove_all(dir);
}

TEST_CASE("standardized inputs have mean 0 and variance 1 on the training set", "[data]") {
  DataSpec s;
  s.name = "bateman";
  s.species = 2;
  s.decay = {1.0, 0.3};
  s.train = 400, s.validation = 10, s.test = 10;
  const DataSet d = load_dataset(s, 2);
  for (int f = 0; f < 3; ++f) {
    double m = 0, v = 0;
    for (int r = 0; r < d.train.rows; ++r)
      m += d.train.x[3 * r + f];
    m /= d.train.rows;
    for (int r = 0; r < d.train.rows; ++r)
      v += (d.train.x[3 * r + f] - m) * (d.train.x[3 * r + f] - m);
    CHECK(m == Approx(0).margin(1e-5));
    CHECK(v / d.train.rows == Approx(1).epsilon(1e-4));
  }
}
