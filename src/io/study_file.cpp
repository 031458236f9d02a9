#include "hsicho/io/study_file.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>

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

    auto r = h5::create_group(f, "results");
    h5::write_attribute(r, "metric", s.metric);
    h5::write_strings(r, "status", s.status);
    h5::write_strings(r, "message", s.message);
    h5::write_strings(r, "device", s.device);
    h5::write_doubles(r, "val_error", s.val_error);
    h5::write_doubles(r, "test_error", s.test_error);
    h5::write_doubles(r, "val_rel_l2", s.val_rel_l2);
    h5::write_doubles(r, "test_rel_l2", s.test_rel_l2);
    h5::write_doubles(r, "seconds", s.seconds);
    h5::write_int64s(r, "parameters", s.parameters);
    h5::write_int64s(r, "epochs", s.epochs);
    h5::write_int64s(r, "best_epoch", s.best_epoch);
    h5::write_int64s(r, "rank", s.rank);
    h5::write_doubles(r, "curves", s.curves, s.curve_length ? s.curve_length : 1);

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
      if (!s.interactions.empty())
        h5::write_doubles(a, "interactions", s.interactions, s.input_names.size());
    }
    auto st = h5::create_group(f, "stages");
    h5::write_int64s(st, "first", s.stage_first);
    h5::write_int64s(st, "size", s.stage_size);
    h5::write_doubles(st, "alpha", s.stage_alpha);
    h5::write_strings(st, "log", s.stage_log);
    h5::write_doubles(st, "hsic", s.stage_hsic, s.free_names.size());
    h5::write_doubles(st, "pvalue", s.stage_pvalue, s.free_names.size());
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

StudyInputs read_study_inputs(const std::string& path) {
  auto f = h5::open_file(path);
  if (h5::read_string_attribute(f, "format") != "hsicho-study") {
    throw InputError("'" + path + "' is an HDF5 file but not an hsicho study");
  }
  StudyInputs in;
  auto c = h5::open_group(f, "configs");
  in.names = h5::read_strings(c, "columns");
  std::vector<std::size_t> dims;
  in.normalized = h5::read_doubles(c, "normalized", &dims);
  in.n = dims.empty() ? 0 : dims[0];
  in.d = dims.size() > 1 ? dims[1] : 1;
  in.val_error = h5::read_doubles(h5::open_group(f, "results"), "val_error");
  if (in.val_error.size() != in.n)
    throw InputError("'" + path + "': results and configurations differ in number");
  return in;
}

namespace {
std::vector<std::int64_t> ints_or_empty(const h5::Handle& g, const std::string& name) {
  return h5::exists(g, name) ? h5::read_int64s(g, name) : std::vector<std::int64_t>{};
}
std::vector<double> doubles_or_empty(const h5::Handle& g, const std::string& name) {
  return h5::exists(g, name) ? h5::read_doubles(g, name) : std::vector<double>{};
}
}  // namespace

StudyData read_study(const std::string& path) {
  auto f = h5::open_file(path);
  if (h5::read_string_attribute(f, "format") != "hsicho-study") {
    throw InputError("'" + path + "' is an HDF5 file but not an hsicho study");
  }
  StudyData s;
  s.name = h5::read_string_attribute(f, "name");
  s.deck_path = h5::read_string_attribute(f, "deck_path");
  s.started = h5::read_string_attribute(f, "started");
  s.finished = h5::read_string_attribute(f, "finished");
  s.version = h5::read_string_attribute(f, "program_version");
  auto sp = h5::open_group(f, "space");
  s.names = h5::read_strings(sp, "names");
  s.types = h5::read_strings(sp, "types");
  s.domains = h5::read_strings(sp, "domains");
  s.conditions = h5::read_strings(sp, "conditions");
  auto c = h5::open_group(f, "configs");
  s.values = h5::read_strings(c, "values");
  s.free_names = h5::read_strings(c, "columns");
  s.stage = h5::read_int64s(c, "stage");
  s.seeds = h5::read_int64s(c, "seed");
  auto r = h5::open_group(f, "results");
  s.metric = h5::read_string_attribute(r, "metric");
  s.status = h5::read_strings(r, "status");
  s.message = h5::read_strings(r, "message");
  s.val_error = h5::read_doubles(r, "val_error");
  s.test_error = h5::read_doubles(r, "test_error");
  s.seconds = h5::read_doubles(r, "seconds");
  s.parameters = h5::read_int64s(r, "parameters");
  s.epochs = h5::read_int64s(r, "epochs");
  s.n = s.val_error.size();
  if (h5::exists(f, "analysis")) {
    auto a = h5::open_group(f, "analysis");
    s.analysed = true;
    s.alpha = h5::read_double_attribute(a, "alpha");
    s.threshold = h5::read_double_attribute(a, "threshold");
    s.m = static_cast<std::int64_t>(h5::read_double_attribute(a, "m"));
    s.estimator = h5::read_string_attribute(a, "estimator");
    s.pvalues = h5::read_string_attribute(a, "pvalues");
    s.input_names = h5::read_strings(a, "names");
    s.hsic = h5::read_doubles(a, "hsic");
    s.stderr_ = h5::read_doubles(a, "stderr");
    s.r2 = h5::read_doubles(a, "r2");
    s.share = h5::read_doubles(a, "share");
    s.pvalue = h5::read_doubles(a, "pvalue");
    s.conditional = h5::read_int64s(a, "conditional");
    s.input_n = h5::read_int64s(a, "n");
    s.active_hsic = h5::read_doubles(a, "active_hsic");
    s.active_pvalue = h5::read_doubles(a, "active_pvalue");
    s.interactions = doubles_or_empty(a, "interactions");
  }
  if (h5::exists(f, "stages")) {
    auto st = h5::open_group(f, "stages");
    s.stage_size = ints_or_empty(st, "size");
    s.stage_log = h5::read_strings(st, "log");
  }
  if (h5::exists(f, "best")) {
    auto b = h5::open_group(f, "best");
    s.best_config = static_cast<std::int64_t>(h5::read_double_attribute(b, "config"));
    s.best_values = h5::read_string_attribute(b, "values");
    s.best_val = h5::read_double_attribute(b, "val_error");
    s.best_test = h5::read_double_attribute(b, "test_error");
    s.best_parameters = static_cast<std::int64_t>(h5::read_double_attribute(b, "parameters"));
    s.best_seconds = h5::read_double_attribute(b, "seconds");
  }
  if (h5::exists(f, "final")) {
    auto fi = h5::open_group(f, "final");
    s.optimized = true;
    s.strategy = h5::read_string_attribute(fi, "strategy");
  }
  return s;
}

}  // namespace hsicho::io
