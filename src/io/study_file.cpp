#include "hsicho/io/study_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <type_traits>
#include <utility>

#include "hsicho/error.hpp"
#include "hsicho/io/h5.hpp"

namespace hsicho::io {

bool is_study_file_name(const std::string& path) {
  static const std::string signature = "\x89HDF\r\n\x1a\n";
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char head[8] = {};
    const std::size_t got = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    if (got == sizeof head && std::string(head, sizeof head) == signature) return true;
  }
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".h5" || ext == ".hdf5" || ext == ".he5";
}

namespace {

template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// The type of a Record member, from its member pointer.
template <class Member>
using member_t = std::decay_t<decltype(std::declval<Record>().*std::declval<Member>())>;

// One field of every record, as the column type C the file stores.
template <class C, class Member>
std::vector<C> column(const std::vector<Record>& records, Member member) {
  std::vector<C> col;
  col.reserve(records.size());
  for (const auto& rec : records)
    col.push_back(static_cast<C>(rec.*member));
  return col;
}

// results/: one dataset per field of the Record (hsicho/record.hpp), one row per training;
// curves as a matrix padded with NaN; metrics as results/metrics/NAME (NaN where absent).
void write_records(const h5::Handle& group, const std::vector<Record>& records) {
  visit_record_members([&](const char* name, auto member) {
    using T = member_t<decltype(member)>;
    if constexpr (std::is_same_v<T, std::string>) {
      h5::write_strings(group, name, column<std::string>(records, member));
    } else if constexpr (std::is_same_v<T, double>) {
      h5::write_doubles(group, name, column<double>(records, member));
    } else if constexpr (is_integer_v<T>) {
      h5::write_int64s(group, name, column<std::int64_t>(records, member));
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      std::size_t longest = 1;
      for (const auto& rec : records)
        longest = std::max(longest, (rec.*member).size());
      std::vector<double> m;
      for (const auto& rec : records) {
        for (std::size_t e = 0; e < longest; ++e)
          m.push_back(e < (rec.*member).size() ? (rec.*member)[e] : NAN);
      }
      h5::write_doubles(group, name, m, longest);
    } else {
      std::set<std::string> keys;
      for (const auto& rec : records) {
        for (const auto& [k, v] : rec.*member)
          keys.insert(k);
      }
      auto g = h5::create_group(group, name);
      for (const auto& k : keys) {
        std::vector<double> col;
        for (const auto& rec : records) {
          const auto it = (rec.*member).find(k);
          col.push_back(it == (rec.*member).end() ? NAN : it->second);
        }
        h5::write_doubles(g, k, col);
      }
    }
  });
}

// Every field of n records back from results/. A field absent from the file (one written by an
// older hsicho) keeps its default; one of the wrong length is a damaged file.
std::vector<Record> read_records(const h5::Handle& group, std::size_t n, const std::string& path) {
  std::vector<Record> records(n);
  auto check_length = [&](const char* name, std::size_t got) {
    if (got != n) {
      throw InputError("'" + path + "': results/" + name + " holds " + std::to_string(got) +
                       " values for " + std::to_string(n) + " trainings; the file is damaged");
    }
  };
  auto fill = [&](const char* name, const auto& col, auto member) {
    check_length(name, col.size());
    using T = member_t<decltype(member)>;
    for (std::size_t i = 0; i < n; ++i)
      records[i].*member = static_cast<T>(col[i]);
  };
  visit_record_members([&](const char* name, auto member) {
    using T = member_t<decltype(member)>;
    if (!h5::exists(group, name)) return;
    if constexpr (std::is_same_v<T, std::string>) {
      fill(name, h5::read_strings(group, name), member);
    } else if constexpr (std::is_same_v<T, double>) {
      fill(name, h5::read_doubles(group, name), member);
    } else if constexpr (is_integer_v<T>) {
      fill(name, h5::read_int64s(group, name), member);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      std::vector<std::size_t> dims;
      const auto m = h5::read_doubles(group, name, &dims);
      check_length(name, dims.empty() ? 0 : dims[0]);
      const std::size_t cols = dims.size() > 1 ? dims[1] : 1;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t e = 0; e < cols && !std::isnan(m[i * cols + e]); ++e)
          (records[i].*member).push_back(m[i * cols + e]);
      }
    } else {
      const auto g = h5::open_group(group, name);
      for (const auto& k : h5::member_names(g)) {
        const auto col = h5::read_doubles(g, k);
        check_length(name, col.size());
        for (std::size_t i = 0; i < n; ++i) {
          if (!std::isnan(col[i])) (records[i].*member)[k] = col[i];
        }
      }
    }
  });
  return records;
}

}  // namespace

void write_study(const std::string& path, const StudyData& s) {
  // Built in memory, written beside the destination and renamed over it: a crash or a full disk
  // leaves the previous file or none, never a damaged one.
  const std::string tmp = path + ".tmp";
  {
    auto f = h5::create_memory_file(path);
    h5::write_attribute(f, "format", std::string("hsicho-study"));
    h5::write_attribute(f, "format_version", std::int64_t{1});
    h5::write_attribute(f, "program_version", s.version);
    h5::write_attribute(f, "git_commit", s.commit);
    h5::write_attribute(f, "name", s.name);
    h5::write_attribute(f, "deck_path", s.deck_path);
    h5::write_attribute(f, "started", s.started);
    h5::write_attribute(f, "finished", s.finished);
    h5::write_attribute(f, "ranks", s.ranks);
    h5::write_attribute(f, "hosts", s.hosts);
    h5::write_attribute(f, "seed", s.seed);
    h5::write_attribute(f, "complete", std::int64_t{s.complete ? 1 : 0});
    h5::write_strings(f, "deck", {s.deck_text});
    if (!s.sources.empty()) {
      auto g = h5::create_group(f, "data_sources");
      std::vector<std::string> paths;
      std::vector<std::int64_t> bytes, modified, crc;
      for (const auto& x : s.sources) {
        paths.push_back(x.path);
        bytes.push_back(static_cast<std::int64_t>(x.bytes));
        modified.push_back(x.modified);
        crc.push_back(x.crc32);
      }
      h5::write_strings(g, "path", paths);
      h5::write_int64s(g, "bytes", bytes);
      h5::write_int64s(g, "modified", modified);
      h5::write_int64s(g, "crc32", crc);
    }

    auto sp = h5::create_group(f, "space");
    h5::write_strings(sp, "names", s.names);
    h5::write_strings(sp, "types", s.types);
    h5::write_strings(sp, "domains", s.domains);
    h5::write_strings(sp, "conditions", s.conditions);
    h5::write_doubles(sp, "low", s.low);
    h5::write_doubles(sp, "high", s.high);
    h5::write_int64s(sp, "log_scale", s.log_scale);
    h5::write_int64s(sp, "free", s.free);

    const std::size_t p = s.names.size(), d = s.free_names.size();
    auto c = h5::create_group(f, "configs");
    h5::write_strings(c, "values", s.values, p);
    h5::write_int64s(c, "active", s.active, p);
    h5::write_strings(c, "columns", s.free_names);
    h5::write_doubles(c, "unit", s.unit, d);
    h5::write_doubles(c, "normalized", s.normalized, d);
    h5::write_int64s(c, "seed", s.seeds);
    h5::write_int64s(c, "stage", s.stage);
    if (!s.design_sizes.empty()) h5::write_int64s(c, "design_sizes", s.design_sizes);

    auto r = h5::create_group(f, "results");
    h5::write_attribute(r, "metric", s.metric);
    write_records(r, s.records);

    if (s.analysed) {
      auto a = h5::create_group(f, "analysis");
      h5::write_attribute(a, "alpha", s.alpha);
      h5::write_attribute(a, "threshold", s.threshold);
      h5::write_attribute(a, "m", s.m);
      h5::write_attribute(a, "estimator", s.estimator);
      h5::write_attribute(a, "bandwidth", s.bandwidth);
      h5::write_attribute(a, "pvalues", s.pvalues);
      h5::write_strings(a, "names", s.input_names);
      h5::write_doubles(a, "hsic", s.hsic);
      h5::write_doubles(a, "stderr", s.stderr_);
      h5::write_doubles(a, "r2", s.r2);
      h5::write_doubles(a, "share", s.share);
      h5::write_doubles(a, "pvalue", s.pvalue);
      h5::write_doubles(a, "bandwidth", s.input_bandwidth);
      h5::write_doubles(a, "threshold", s.input_threshold);
      h5::write_int64s(a, "n", s.input_n);
      h5::write_int64s(a, "m", s.input_m);
      h5::write_int64s(a, "conditional", s.conditional);
      h5::write_doubles(a, "active_hsic", s.active_hsic);
      h5::write_doubles(a, "active_pvalue", s.active_pvalue);
      if (!s.null95.empty()) h5::write_doubles(a, "null95", s.null95);
      if (s.bootstrap > 0) {
        h5::write_attribute(a, "bootstrap", s.bootstrap);
        h5::write_attribute(a, "top_k", s.top_k);
        h5::write_doubles(a, "ci_low", s.ci_low);
        h5::write_doubles(a, "ci_high", s.ci_high);
        h5::write_doubles(a, "top_share", s.top_share);
      }
      if (!s.interactions.empty())
        h5::write_doubles(a, "interactions", s.interactions, s.input_names.size());
      if (!s.interactions_anova.empty()) {
        h5::write_doubles(a, "interactions_anova", s.interactions_anova, s.input_names.size());
        h5::write_doubles(a, "interactions_pvalue", s.interactions_pvalue, s.input_names.size());
      }
    }
    auto st = h5::create_group(f, "stages");
    h5::write_int64s(st, "first", s.stage_first);
    h5::write_int64s(st, "size", s.stage_size);
    h5::write_doubles(st, "alpha", s.stage_alpha);
    h5::write_strings(st, "log", s.stage_log);
    h5::write_doubles(st, "hsic", s.stage_hsic, s.free_names.size());
    h5::write_doubles(st, "pvalue", s.stage_pvalue, s.free_names.size());
    if (!s.decision_stage.empty()) {
      auto dg = h5::create_group(st, "decisions");
      h5::write_int64s(dg, "stage", s.decision_stage);
      h5::write_strings(dg, "input", s.decision_input);
      h5::write_strings(dg, "action", s.decision_action);
      h5::write_strings(dg, "value", s.decision_value);
      h5::write_doubles(dg, "pvalue", s.decision_pvalue);
      h5::write_doubles(dg, "top_share", s.decision_top_share);
      h5::write_doubles(dg, "ratio", s.decision_ratio);
      h5::write_int64s(dg, "drift", s.decision_drift);
    }
    if (s.best_config >= 0) {
      auto b = h5::create_group(f, "best");
      h5::write_attribute(b, "config", s.best_config);
      h5::write_attribute(b, "values", s.best_values);
      h5::write_attribute(b, "val_error", s.best_val);
      h5::write_attribute(b, "test_error", s.best_test);
      h5::write_attribute(b, "parameters", s.best_parameters);
      h5::write_attribute(b, "seconds", s.best_seconds);
    }
    if (s.optimized) {
      auto fi = h5::create_group(f, "final");
      h5::write_attribute(fi, "strategy", s.strategy);
      h5::write_int64s(fi, "config", s.final_config);
      h5::write_doubles(fi, "val_error", s.final_val, s.final_seeds);
      h5::write_doubles(fi, "test_error", s.final_test, s.final_seeds);
    }
    h5::save_file(f, tmp);
  }  // closed here, before the rename
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw RuntimeError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

namespace {

std::vector<std::int64_t> ints_or_empty(const h5::Handle& g, const std::string& name) {
  return h5::exists(g, name) ? h5::read_int64s(g, name) : std::vector<std::int64_t>{};
}
std::vector<double> doubles_or_empty(const h5::Handle& g, const std::string& name) {
  return h5::exists(g, name) ? h5::read_doubles(g, name) : std::vector<double>{};
}

// Any HDF5 failure while reading a study file (a type it cannot convert, a damaged structure)
// is the file's fault, not the program's: an input error that says so.
template <class Read>
auto checked_read(const std::string& path, Read read) {
  try {
    return read();
  } catch (const RuntimeError& e) {
    throw InputError("'" + path + "': not a study file of this version, or damaged: " + e.what());
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind("'" + path + "'", 0) == 0) throw;  // already names the file
    throw InputError("'" + path + "': not a study file of this version, or damaged: " + what);
  }
}

StudyData read_study_unchecked(const std::string& path);

}  // namespace

StudyData read_study(const std::string& path) {
  return checked_read(path, [&] { return read_study_unchecked(path); });
}

StudyInputs read_study_inputs(const std::string& path) {
  // Through the whole checked reader: a file damaged anywhere is refused, not half used.
  const StudyData s = read_study(path);
  StudyInputs in;
  in.deck_text = s.deck_text;
  in.names = s.free_names;
  in.d = s.free_names.size();
  // The stages' trainings; an optimized study's final retraining (the rows after the last stage)
  // repeats chosen configurations with more epochs: not a sample of the space.
  const auto stages = static_cast<std::int64_t>(s.stage_size.size());
  for (std::size_t i = 0; i < s.n; ++i) {
    if (stages > 0 && s.stage[i] > stages) continue;
    in.normalized.insert(in.normalized.end(),
                         s.normalized.begin() + static_cast<std::ptrdiff_t>(i * in.d),
                         s.normalized.begin() + static_cast<std::ptrdiff_t>((i + 1) * in.d));
    in.val_error.push_back(s.records[i].val_error);
    ++in.n;
  }
  return in;
}

namespace {

StudyData read_study_unchecked(const std::string& path) {
  auto f = h5::open_file(path);
  if (h5::read_string_attribute(f, "format") != "hsicho-study") {
    throw InputError("'" + path + "' is an HDF5 file but not an hsicho study");
  }
  // Every field write_study writes comes back (tests/unit/test_study_file.cpp checks it).
  StudyData s;
  s.version = h5::read_string_attribute(f, "program_version");
  s.commit = h5::read_string_attribute(f, "git_commit");
  s.name = h5::read_string_attribute(f, "name");
  s.deck_path = h5::read_string_attribute(f, "deck_path");
  s.started = h5::read_string_attribute(f, "started");
  s.finished = h5::read_string_attribute(f, "finished");
  s.ranks = h5::read_int64_attribute(f, "ranks");
  s.hosts = h5::read_string_attribute(f, "hosts");
  s.seed = h5::read_int64_attribute(f, "seed");
  s.complete = h5::read_int64_attribute(f, "complete") != 0;
  const auto deck = h5::read_strings(f, "deck");
  s.deck_text = deck.empty() ? "" : deck.front();
  if (h5::exists(f, "data_sources")) {
    auto g = h5::open_group(f, "data_sources");
    const auto paths = h5::read_strings(g, "path");
    const auto bytes = h5::read_int64s(g, "bytes"), modified = h5::read_int64s(g, "modified"),
               crc = h5::read_int64s(g, "crc32");
    if (bytes.size() != paths.size() || modified.size() != paths.size() ||
        crc.size() != paths.size())
      throw InputError("'" + path + "': the data sets of /data_sources disagree in length");
    for (std::size_t k = 0; k < paths.size(); ++k) {
      s.sources.push_back({paths[k], static_cast<std::uint64_t>(bytes[k]), modified[k],
                           static_cast<std::uint32_t>(crc[k])});
    }
  }

  auto sp = h5::open_group(f, "space");
  s.names = h5::read_strings(sp, "names");
  s.types = h5::read_strings(sp, "types");
  s.domains = h5::read_strings(sp, "domains");
  s.conditions = h5::read_strings(sp, "conditions");
  s.low = h5::read_doubles(sp, "low");
  s.high = h5::read_doubles(sp, "high");
  s.log_scale = h5::read_int64s(sp, "log_scale");
  s.free = h5::read_int64s(sp, "free");

  auto c = h5::open_group(f, "configs");
  s.values = h5::read_strings(c, "values");
  s.active = h5::read_int64s(c, "active");
  s.free_names = h5::read_strings(c, "columns");
  s.unit = h5::read_doubles(c, "unit");
  s.normalized = h5::read_doubles(c, "normalized");
  s.seeds = h5::read_int64s(c, "seed");
  s.stage = h5::read_int64s(c, "stage");
  if (h5::exists(c, "design_sizes")) s.design_sizes = h5::read_int64s(c, "design_sizes");

  auto r = h5::open_group(f, "results");
  s.metric = h5::read_string_attribute(r, "metric");
  s.n = h5::read_doubles(r, "val_error").size();
  s.records = read_records(r, s.n, path);

  // Datasets that must agree in length: a damaged or hand-made file is refused, not misread.
  auto expect = [&](const std::string& what, std::size_t got, std::size_t want) {
    if (got != want) {
      throw InputError("'" + path + "': " + what + " holds " + std::to_string(got) +
                       " values where " + std::to_string(want) + " were expected (" +
                       std::to_string(s.n) + " trainings, " + std::to_string(s.names.size()) +
                       " hyperparameters); the file is damaged");
    }
  };
  const std::size_t p = s.names.size(), d = s.free_names.size();
  for (const auto& [what, got] :
       std::vector<std::pair<std::string, std::size_t>>{{"space/types", s.types.size()},
                                                        {"space/domains", s.domains.size()},
                                                        {"space/conditions", s.conditions.size()},
                                                        {"space/low", s.low.size()},
                                                        {"space/high", s.high.size()},
                                                        {"space/log_scale", s.log_scale.size()},
                                                        {"space/free", s.free.size()}})
    expect(what, got, p);
  expect("configs/values", s.values.size(), s.n * p);
  expect("configs/active", s.active.size(), s.n * p);
  expect("configs/unit", s.unit.size(), s.n * d);
  expect("configs/normalized", s.normalized.size(), s.n * d);
  expect("configs/stage", s.stage.size(), s.n);
  expect("configs/seed", s.seeds.size(), s.n);

  if (h5::exists(f, "analysis")) {
    auto a = h5::open_group(f, "analysis");
    s.analysed = true;
    s.alpha = h5::read_double_attribute(a, "alpha");
    s.threshold = h5::read_double_attribute(a, "threshold");
    s.m = h5::read_int64_attribute(a, "m");
    s.estimator = h5::read_string_attribute(a, "estimator");
    s.bandwidth = h5::read_string_attribute(a, "bandwidth");
    s.pvalues = h5::read_string_attribute(a, "pvalues");
    s.input_names = h5::read_strings(a, "names");
    s.hsic = h5::read_doubles(a, "hsic");
    s.stderr_ = h5::read_doubles(a, "stderr");
    s.r2 = h5::read_doubles(a, "r2");
    s.share = h5::read_doubles(a, "share");
    s.pvalue = h5::read_doubles(a, "pvalue");
    s.input_bandwidth = h5::read_doubles(a, "bandwidth");
    s.input_threshold = h5::read_doubles(a, "threshold");
    s.input_n = h5::read_int64s(a, "n");
    s.input_m = h5::read_int64s(a, "m");
    s.conditional = h5::read_int64s(a, "conditional");
    s.active_hsic = h5::read_doubles(a, "active_hsic");
    s.active_pvalue = h5::read_doubles(a, "active_pvalue");
    s.null95 = doubles_or_empty(a, "null95");
    if (!s.null95.empty()) expect("analysis/null95", s.null95.size(), s.input_names.size());
    if (h5::exists(a, "ci_low")) {
      s.bootstrap = h5::read_int64_attribute(a, "bootstrap");
      s.top_k = h5::read_int64_attribute(a, "top_k");
      s.ci_low = h5::read_doubles(a, "ci_low");
      s.ci_high = h5::read_doubles(a, "ci_high");
      s.top_share = h5::read_doubles(a, "top_share");
      expect("analysis/ci_low", s.ci_low.size(), s.input_names.size());
      expect("analysis/ci_high", s.ci_high.size(), s.input_names.size());
      expect("analysis/top_share", s.top_share.size(), s.input_names.size());
    }
    s.interactions = doubles_or_empty(a, "interactions");
    s.interactions_anova = doubles_or_empty(a, "interactions_anova");
    s.interactions_pvalue = doubles_or_empty(a, "interactions_pvalue");
    const std::size_t k = s.input_names.size();
    for (const auto& [what, got] : std::vector<std::pair<std::string, std::size_t>>{
             {"analysis/hsic", s.hsic.size()},
             {"analysis/stderr", s.stderr_.size()},
             {"analysis/r2", s.r2.size()},
             {"analysis/share", s.share.size()},
             {"analysis/pvalue", s.pvalue.size()},
             {"analysis/bandwidth", s.input_bandwidth.size()},
             {"analysis/threshold", s.input_threshold.size()},
             {"analysis/n", s.input_n.size()},
             {"analysis/m", s.input_m.size()},
             {"analysis/conditional", s.conditional.size()},
             {"analysis/active_hsic", s.active_hsic.size()},
             {"analysis/active_pvalue", s.active_pvalue.size()}})
      expect(what, got, k);
    if (!s.interactions.empty()) expect("analysis/interactions", s.interactions.size(), k * k);
    if (!s.interactions_anova.empty()) {
      expect("analysis/interactions_anova", s.interactions_anova.size(), k * k);
      expect("analysis/interactions_pvalue", s.interactions_pvalue.size(), k * k);
    }
  }
  if (h5::exists(f, "stages")) {
    auto st = h5::open_group(f, "stages");
    s.stage_first = ints_or_empty(st, "first");
    s.stage_size = ints_or_empty(st, "size");
    s.stage_alpha = doubles_or_empty(st, "alpha");
    s.stage_log = h5::read_strings(st, "log");
    s.stage_hsic = doubles_or_empty(st, "hsic");
    s.stage_pvalue = doubles_or_empty(st, "pvalue");
    const std::size_t stages = s.stage_size.size();
    expect("stages/first", s.stage_first.size(), stages);
    expect("stages/alpha", s.stage_alpha.size(), stages);
    expect("stages/hsic", s.stage_hsic.size(), stages * d);
    expect("stages/pvalue", s.stage_pvalue.size(), stages * d);
    if (h5::exists(st, "decisions")) {
      auto dg = h5::open_group(st, "decisions");
      s.decision_stage = h5::read_int64s(dg, "stage");
      s.decision_input = h5::read_strings(dg, "input");
      s.decision_action = h5::read_strings(dg, "action");
      s.decision_value = h5::read_strings(dg, "value");
      s.decision_pvalue = h5::read_doubles(dg, "pvalue");
      s.decision_top_share = h5::read_doubles(dg, "top_share");
      s.decision_ratio = h5::read_doubles(dg, "ratio");
      s.decision_drift = h5::read_int64s(dg, "drift");
      const std::size_t rows = s.decision_stage.size();
      for (auto [what, got] : {std::pair{"stages/decisions/input", s.decision_input.size()},
                               {"stages/decisions/action", s.decision_action.size()},
                               {"stages/decisions/value", s.decision_value.size()},
                               {"stages/decisions/pvalue", s.decision_pvalue.size()},
                               {"stages/decisions/top_share", s.decision_top_share.size()},
                               {"stages/decisions/ratio", s.decision_ratio.size()},
                               {"stages/decisions/drift", s.decision_drift.size()}})
        expect(what, got, rows);
    }
  }
  if (h5::exists(f, "best")) {
    auto b = h5::open_group(f, "best");
    s.best_config = h5::read_int64_attribute(b, "config");
    s.best_values = h5::read_string_attribute(b, "values");
    s.best_val = h5::read_double_attribute(b, "val_error");
    s.best_test = h5::read_double_attribute(b, "test_error");
    s.best_parameters = h5::read_int64_attribute(b, "parameters");
    s.best_seconds = h5::read_double_attribute(b, "seconds");
  }
  if (h5::exists(f, "final")) {
    auto fi = h5::open_group(f, "final");
    s.optimized = true;
    s.strategy = h5::read_string_attribute(fi, "strategy");
    s.final_config = h5::read_int64s(fi, "config");
    std::vector<std::size_t> dims;
    s.final_val = h5::read_doubles(fi, "val_error", &dims);
    s.final_seeds = dims.size() > 1 ? dims[1] : (s.final_config.empty() ? 0 : 1);
    s.final_test = h5::read_doubles(fi, "test_error");
    expect("final/val_error", s.final_val.size(), s.final_config.size() * s.final_seeds);
    expect("final/test_error", s.final_test.size(), s.final_config.size() * s.final_seeds);
  }
  return s;
}

}  // namespace

}  // namespace hsicho::io
