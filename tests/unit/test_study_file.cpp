// The study file: every field of every group comes back, typed (integers as integers, NaN and
// infinities as written, every Record field and metric), and a file whose tables disagree is
// refused as damaged.
//
// The round trip lists no field by hand: every group is filled through its description
// (Describe<...>, hsicho/fields.hpp) with distinct values, written, read, and compared through
// its exact JSON. A new field of any group is covered without touching this file.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <type_traits>

#include "hsicho/error.hpp"
#include "hsicho/io/field_json.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/io/study_file.hpp"

using namespace hsicho;
namespace fs = std::filesystem;

namespace {

// Distinct values of every kind, from a counter: numbers beyond a double's 53 bits, negative
// and infinite ones, NaN, text with a newline and non-ASCII letters. `width`: the length of the
// lists (the study's p = d = seeds = 2 below), `rows` for square matrices; padded lists get a
// length of their own per row.
class Filler {
 public:
  template <class T>
  void fill(T& object, std::size_t rows = 0) {
    visit_fields(object, [&](const auto& f, auto& value) { set(f, value, rows); });
  }

 private:
  template <class F, class V>
  void set(const F& f, V& value, std::size_t rows) {
    const auto k = ++count_;
    if constexpr (std::is_same_v<V, double>) {
      value = k % 7 == 0 ? NAN : k % 11 == 0 ? -INFINITY : 0.25 + static_cast<double>(k) / 3;
    } else if constexpr (std::is_same_v<V, bool>) {
      value = k % 2 == 1;
    } else if constexpr (std::is_same_v<V, std::int64_t>) {
      value = (std::int64_t{1} << 62) + static_cast<std::int64_t>(k);  // beyond a double
    } else if constexpr (std::is_same_v<V, std::uint64_t>) {
      value = std::numeric_limits<std::uint64_t>::max() - k;
    } else if constexpr (std::is_integral_v<V>) {
      value = static_cast<V>(k);
    } else if constexpr (std::is_same_v<V, std::string>) {
      value = "v" + std::to_string(k) + " \xC3\xA9t\xC3\xA9\nline 2";
    } else if constexpr (std::is_same_v<V, Outcome>) {
      value = k % 3 == 0 ? Outcome::Ok : k % 3 == 1 ? Outcome::Diverged : Outcome::Failed;
    } else if constexpr (std::is_same_v<V, std::map<std::string, double>>) {
      value = {{"energy", -1.5 * static_cast<double>(k)}};
      if (k % 2) value["r2"] = 0.5;  // absent from some rows
    } else {
      std::size_t n = f.has(kSquare) ? rows * rows : kWidth;
      if (f.has(kPadded)) n = 1 + k % 4;  // rows of different lengths
      value.clear();
      for (std::size_t e = 0; e < n; ++e) {
        using E = typename V::value_type;
        if constexpr (std::is_same_v<E, std::string>) {
          value.push_back(e % 2 ? "" : "x" + std::to_string(k + e));
        } else if constexpr (std::is_same_v<E, double>) {
          // NaN only where it is a value (a padded list's NaN would end the row).
          value.push_back(!f.has(kPadded) && e == 1 ? NAN : static_cast<double>(k + e) / 8);
        } else {
          value.push_back(static_cast<E>(k + e));
        }
      }
    }
  }

  static constexpr std::size_t kWidth = 2;
  std::size_t count_ = 0;
};

template <class T>
std::vector<T> rows_of(Filler& fill, std::size_t n) {
  std::vector<T> rows(n);
  for (auto& r : rows)
    fill.fill(r);
  return rows;
}

// A study of 3 trainings over p = 2 hyperparameters, d = 2 of them varied, 2 stages, an
// analysis of 2 inputs, a final retraining of 3 configurations x 2 seeds: every group filled.
io::StudyData sample() {
  Filler fill;
  io::StudyData s;
  fill.fill(s.provenance);
  s.deck_text = "data: {name: runge}\n";
  s.sources = rows_of<io::FileStamp>(fill, 2);
  s.class_names = {"setosa", "versicolor", "virginica \xc3\xa9"};
  s.space = rows_of<io::SpaceEntry>(fill, 2);
  fill.fill(s.configs_info);
  s.configs = rows_of<io::ConfigRow>(fill, 3);
  // Design values live on [0, 1] (the reader refuses others): still distinct, mapped there.
  for (auto& c : s.configs) {
    for (auto* column : {&c.unit, &c.normalized}) {
      for (auto& v : *column)
        v = std::fabs(v) / (1 + std::fabs(v));
    }
  }
  fill.fill(s.results_info);
  s.records = rows_of<Record>(fill, 3);
  s.analysis.emplace();
  s.analysis->inputs = rows_of<hsic::InputResult>(fill, 2);
  fill.fill(s.analysis->info, 2);
  fill.fill(s.stages_info);
  s.stages = rows_of<io::StageRow>(fill, 2);
  s.decisions = rows_of<io::DecisionRow>(fill, 3);
  s.best.emplace();
  fill.fill(*s.best);
  s.pick.emplace();
  fill.fill(*s.pick);
  fill.fill(s.pick_info);
  s.analysis_front.emplace();
  s.analysis_front->inputs = rows_of<hsic::InputResult>(fill, 2);
  fill.fill(s.analysis_front->info, 2);
  s.attempts = rows_of<io::EarlierAttempt>(fill, 2);
  s.final.emplace();
  fill.fill(s.final->info);
  s.final->rows = rows_of<io::FinalRow>(fill, 3);
  return s;
}

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("hsicho-test-" + name + ".h5")).string();
}

template <class T>
std::string exact(const T& x) {
  return io::to_json(x, io::NonFinite::Text).dump();
}

}  // namespace

TEST_CASE("every field of every group of a study file comes back", "[study_file]") {
  const auto s = sample();
  const auto path = temp_file("roundtrip");
  io::write_study(path, s);
  const auto b = io::read_study(path);
  CHECK(b.format_version == io::kStudyFormatVersion);
  CHECK(exact(b.provenance) == exact(s.provenance));
  CHECK(b.deck_text == s.deck_text);
  CHECK(exact(b.sources) == exact(s.sources));
  CHECK(b.class_names == s.class_names);
  CHECK(exact(b.space) == exact(s.space));
  CHECK(exact(b.configs_info) == exact(s.configs_info));
  CHECK(exact(b.configs) == exact(s.configs));
  CHECK(exact(b.results_info) == exact(s.results_info));
  REQUIRE(b.records.size() == s.records.size());
  for (std::size_t i = 0; i < s.records.size(); ++i) {
    INFO("training " << i << ": " << exact(b.records[i]));
    CHECK(io::same_record(b.records[i], s.records[i]));
  }
  REQUIRE(b.analysis);
  CHECK(exact(b.analysis->info) == exact(s.analysis->info));
  CHECK(exact(b.analysis->inputs) == exact(s.analysis->inputs));
  CHECK(exact(b.stages_info) == exact(s.stages_info));
  CHECK(exact(b.stages) == exact(s.stages));
  CHECK(exact(b.decisions) == exact(s.decisions));
  REQUIRE(b.best);
  CHECK(exact(*b.best) == exact(*s.best));
  REQUIRE(b.pick);
  CHECK(exact(*b.pick) == exact(*s.pick));
  CHECK(exact(b.pick_info) == exact(s.pick_info));
  REQUIRE(b.analysis_front);
  CHECK(exact(b.analysis_front->info) == exact(s.analysis_front->info));
  CHECK(exact(b.analysis_front->inputs) == exact(s.analysis_front->inputs));
  CHECK(exact(b.attempts) == exact(s.attempts));
  REQUIRE(b.final);
  CHECK(exact(b.final->info) == exact(s.final->info));
  CHECK(exact(b.final->rows) == exact(s.final->rows));
  CHECK(b.final->seeds() == 2);
  // Spot checks of what the JSON comparison stands for: exact 64-bit integers, NaN, text.
  CHECK(b.provenance.ranks == s.provenance.ranks);
  CHECK(b.provenance.ranks > (std::int64_t{1} << 62));
  CHECK(b.sources[0].bytes == s.sources[0].bytes);
  CHECK(std::isnan(b.configs[0].unit[1]));
  CHECK(b.space[1].name == s.space[1].name);
  fs::remove(path);
}

TEST_CASE("optional groups stay absent, and an empty table is a table", "[study_file]") {
  auto s = sample();
  s.analysis.reset();
  s.best.reset();
  s.pick.reset();
  s.analysis_front.reset();
  s.attempts.clear();
  s.final.reset();
  s.decisions.clear();
  s.sources.clear();
  s.class_names.clear();
  s.configs_info.design_sizes.clear();
  const auto path = temp_file("optional");
  io::write_study(path, s);
  const auto b = io::read_study(path);
  CHECK_FALSE(b.analysis);
  CHECK_FALSE(b.best);
  CHECK_FALSE(b.pick);
  CHECK_FALSE(b.analysis_front);
  CHECK(b.attempts.empty());
  CHECK_FALSE(b.final);
  CHECK(b.decisions.empty());
  CHECK(b.sources.empty());
  CHECK(b.class_names.empty());
  CHECK(b.configs_info.design_sizes.empty());
  CHECK(b.n() == 3);
  fs::remove(path);
}

TEST_CASE("a study file whose tables disagree is refused as damaged", "[study_file]") {
  const auto path = temp_file("damaged");
  auto s = sample();
  s.configs.pop_back();  // 2 configurations for 3 results
  io::write_study(path, s);
  CHECK_THROWS_WITH(io::read_study(path), Catch::Contains("configs holds 2 values where 3") &&
                                              Catch::Contains("damaged"));
  s = sample();
  s.configs[1].values.push_back("3");  // a row longer than the space
  io::write_study(path, s);
  CHECK_THROWS_WITH(io::read_study(path),
                    Catch::Contains("configs/values") && Catch::Contains("damaged"));
  s = sample();
  s.analysis->info.interactions.pop_back();  // not a 2 x 2 matrix
  io::write_study(path, s);
  CHECK_THROWS_WITH(io::read_study(path),
                    Catch::Contains("interactions") && Catch::Contains("2 x 2 matrix"));
  s = sample();
  s.configs[2].normalized[1] = 1.5;  // a design point outside [0, 1]: an edited file
  io::write_study(path, s);
  CHECK_THROWS_WITH(io::read_study(path),
                    Catch::Contains("design value 1.5") && Catch::Contains("outside [0, 1]"));
  s = sample();
  s.stages[0].hsic.push_back(0.5);  // one index more than varied inputs
  io::write_study(path, s);
  CHECK_THROWS_AS(io::read_study(path), InputError);
  fs::remove(path);
}

TEST_CASE("study files are recognised by their signature or their name", "[study_file]") {
  const auto path = temp_file("signature");
  io::write_study(path, sample());
  const auto renamed = path + ".data";
  fs::rename(path, renamed);
  CHECK(io::is_study_file_name(renamed));  // the HDF5 signature, whatever the name
  fs::remove(renamed);
  CHECK(io::is_study_file_name("missing.H5"));
  CHECK(io::is_study_file_name("missing.hdf5"));
  CHECK_FALSE(io::is_study_file_name("missing.csv"));
}
