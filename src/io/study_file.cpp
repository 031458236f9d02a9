#include "hsicho/io/study_file.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <type_traits>
#include <utility>

#include "field_h5.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/h5.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/version.hpp"

namespace hsicho::io {

bool is_study_file_name(const std::string& path) {
  static const std::string signature = "\x89HDF\r\n\x1a\n";
  if (!not_regular(path).empty()) {
    // never opened (a FIFO would block): the name decides, and the reader refuses it
  } else if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
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

// A table group (rows) with its own fields (info; int: none), written as one group.
template <class Info, class Row>
void write_table(const h5::Handle& parent, const std::string& name, const Info* info,
                 const std::vector<Row>& rows) {
  auto g = h5::create_group(parent, name);
  if constexpr (!std::is_same_v<Info, int>) field_h5::write_group_fields(g, *info, rows.size());
  field_h5::write_rows(g, rows);
}

template <class Row>
void write_table(const h5::Handle& parent, const std::string& name, const std::vector<Row>& rows) {
  write_table<int, Row>(parent, name, nullptr, rows);
}

template <class Info, class Row>
void read_table(const h5::Handle& parent, const std::string& name, Info* info,
                std::vector<Row>& rows) {
  auto g = h5::open_group(parent, name);
  rows = field_h5::read_rows<Row>(g);
  if constexpr (!std::is_same_v<Info, int>) field_h5::read_group_fields(g, *info, rows.size());
}

template <class Row>
void read_table(const h5::Handle& parent, const std::string& name, std::vector<Row>& rows) {
  read_table<int, Row>(parent, name, nullptr, rows);
}

}  // namespace

StoredAnalysis store_analysis(const hsic::Analysis& an, const hsic::Options& o) {
  StoredAnalysis s;
  auto& i = s.info;
  i.alpha = an.alpha;
  i.threshold = an.threshold;
  i.m = static_cast<std::int64_t>(an.m);
  i.estimator = o.estimator == hsic::Estimator::V ? "v" : "u";
  i.bandwidth = o.bandwidth.str();
  i.pvalues = o.pvalues == hsic::PValueMethod::None ? "none"
              : o.pvalues == hsic::PValueMethod::Gamma
                  ? "gamma"
                  : "permutation:" + std::to_string(o.permutations);
  i.bootstrap = static_cast<std::int64_t>(an.bootstrap);
  i.top_k = static_cast<std::int64_t>(an.top_k);
  i.ranked_by = an.ranked_by == hsic::RankBy::Evidence ? "evidence" : "index";
  auto flat = [](const Eigen::MatrixXd& m) {
    std::vector<double> v;
    for (Eigen::Index a = 0; a < m.rows(); ++a) {
      for (Eigen::Index b = 0; b < m.cols(); ++b)
        v.push_back(m(a, b));
    }
    return v;
  };
  i.interactions = flat(an.interactions);
  i.interactions_anova = flat(an.interaction_anova);
  i.interactions_pvalue = flat(an.interaction_pvalue);
  s.inputs = an.inputs;
  return s;
}

hsic::Analysis analysis_of(const StoredAnalysis& s, std::size_t n) {
  hsic::Analysis an;
  an.n = n;
  an.m = static_cast<std::size_t>(s.info.m);
  an.alpha = s.info.alpha;
  an.threshold = s.info.threshold;
  an.bootstrap = static_cast<std::size_t>(s.info.bootstrap);
  an.top_k = static_cast<std::size_t>(s.info.top_k);
  an.ranked_by = s.info.ranked_by == "evidence" ? hsic::RankBy::Evidence : hsic::RankBy::Index;
  an.inputs = s.inputs;
  const auto d = static_cast<Eigen::Index>(s.inputs.size());
  auto matrix = [d](const std::vector<double>& v) {
    Eigen::MatrixXd m(d, d);
    for (Eigen::Index a = 0; a < d; ++a) {
      for (Eigen::Index b = 0; b < d; ++b)
        m(a, b) = v[static_cast<std::size_t>(a * d + b)];
    }
    return m;
  };
  if (!s.info.interactions.empty()) an.interactions = matrix(s.info.interactions);
  if (!s.info.interactions_anova.empty()) {
    an.interaction_anova = matrix(s.info.interactions_anova);
    an.interaction_pvalue = matrix(s.info.interactions_pvalue);
  }
  return an;
}

void write_study(const std::string& path, const StudyData& s) {
  // Built in memory, written beside the destination and renamed over it: a crash or a full disk
  // leaves the previous file or none, never a damaged one.
  const std::string tmp = path + ".tmp";
  {
    auto f = h5::create_memory_file(path);
    h5::write_attribute(f, "format", std::string("hsicho-study"));
    h5::write_attribute(f, "format_version", kStudyFormatVersion);
    field_h5::write_group_fields(f, s.provenance);
    h5::write_strings(f, "deck", {s.deck_text});
    if (!s.sources.empty()) write_table(f, "data_sources", s.sources);
    if (!s.class_names.empty()) h5::write_strings(f, "class_names", s.class_names);
    write_table(f, "space", s.space);
    write_table(f, "configs", &s.configs_info, s.configs);
    write_table(f, "results", &s.results_info, s.records);
    if (s.analysis) write_table(f, "analysis", &s.analysis->info, s.analysis->inputs);
    write_table(f, "stages", &s.stages_info, s.stages);
    if (!s.decisions.empty()) {
      auto st = h5::open_group(f, "stages");
      write_table(st, "decisions", s.decisions);
    }
    if (!s.attempts.empty()) write_table(f, "attempts", s.attempts);
    if (s.best) {
      auto b = h5::create_group(f, "best");
      field_h5::write_group_fields(b, *s.best);
    }
    if (s.pick) {
      auto p = h5::create_group(f, "pick");
      field_h5::write_group_fields(p, *s.pick);
      field_h5::write_group_fields(p, s.pick_info);
    }
    if (s.analysis_front)
      write_table(f, "analysis_front", &s.analysis_front->info, s.analysis_front->inputs);
    if (s.final) write_table(f, "final", &s.final->info, s.final->rows);
    h5::save_file(f, tmp);
  }  // closed here, before the rename
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw RuntimeError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

namespace {

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
  return study_inputs(read_study(path));
}

StudyInputs study_inputs(const StudyData& s) {
  StudyInputs in;
  in.deck_text = s.deck_text;
  in.names = s.configs_info.columns;
  in.d = in.names.size();
  // The stages' trainings; an optimized study's final retraining (the rows after the last stage)
  // repeats chosen configurations with more epochs: not a sample of the space.
  const auto stages = static_cast<std::int64_t>(s.stages.size());
  for (std::size_t i = 0; i < s.n(); ++i) {
    // design.add's configurations (stage 0) were chosen, not sampled: no part of the indices.
    if (s.configs[i].stage == 0 || (stages > 0 && s.configs[i].stage > stages)) continue;
    in.normalized.insert(in.normalized.end(), s.configs[i].normalized.begin(),
                         s.configs[i].normalized.end());
    in.val_error.push_back(s.records[i].goal_error());  // stopped early: not in the goal set
    ++in.n;
  }
  return in;
}

namespace {

StudyData read_study_unchecked(const std::string& path) {
  auto f = h5::open_file(path);
  if (!h5::has_attribute(f, "format") || h5::read_string_attribute(f, "format") != "hsicho-study") {
    throw InputError("'" + path + "' is an HDF5 file but not an hsicho study");
  }
  StudyData s;
  if (!h5::has_attribute(f, "format_version")) {
    throw InputError("'" + path +
                     "' has no format_version: not a study file this hsicho can read (it reads "
                     "versions " +
                     std::to_string(kOldestStudyFormatVersion) + " to " +
                     std::to_string(kStudyFormatVersion) + ")");
  }
  s.format_version = h5::read_int64_attribute(f, "format_version");
  if (s.format_version > kStudyFormatVersion || s.format_version < kOldestStudyFormatVersion) {
    throw InputError(
        "'" + path + "' is a study file of format version " + std::to_string(s.format_version) +
        "; this hsicho (" + std::string(kVersion) + ") reads versions " +
        std::to_string(kOldestStudyFormatVersion) + " to " + std::to_string(kStudyFormatVersion) +
        (s.format_version > kStudyFormatVersion ? ": read it with the newer hsicho that wrote it"
                                                : ""));
  }
  field_h5::read_group_fields(f, s.provenance);
  const auto deck = h5::read_strings(f, "deck");
  s.deck_text = deck.empty() ? "" : deck.front();
  if (h5::exists(f, "data_sources")) read_table(f, "data_sources", s.sources);
  if (h5::exists(f, "class_names")) s.class_names = h5::read_strings(f, "class_names");
  read_table(f, "space", s.space);
  read_table(f, "configs", &s.configs_info, s.configs);
  read_table(f, "results", &s.results_info, s.records);

  // Tables that must agree: a damaged or hand-made file is refused, not misread.
  const std::size_t n = s.records.size(), p = s.space.size(), d = s.configs_info.columns.size();
  auto expect = [&](const std::string& what, std::size_t got, std::size_t want) {
    if (got != want) {
      throw InputError("'" + path + "': " + what + " holds " + std::to_string(got) +
                       " values where " + std::to_string(want) + " were expected (" +
                       std::to_string(n) + " trainings, " + std::to_string(p) +
                       " hyperparameters, " + std::to_string(d) + " varied); the file is damaged");
    }
  };
  expect("configs", s.configs.size(), n);
  for (std::size_t i = 0; i < s.configs.size(); ++i) {
    if (s.configs[i].id < 0) s.configs[i].id = static_cast<std::int64_t>(i);  // version 1
  }
  for (const auto& c : s.configs) {
    expect("a row of configs/values", c.values.size(), p);
    expect("a row of configs/active", c.active.size(), p);
    expect("a row of configs/unit", c.unit.size(), d);
    expect("a row of configs/normalized", c.normalized.size(), d);
    // The design lives on [0, 1] (NaN: inactive); a value outside is a damaged or edited file,
    // whose indices would be computed on points the space cannot hold.
    for (const auto* column : {&c.unit, &c.normalized}) {
      for (const double v : *column) {
        if (!std::isnan(v) && !(v >= -1e-9 && v <= 1 + 1e-9)) {
          throw InputError("'" + path + "': configuration " + std::to_string(c.id) +
                           " has a design value " + std::to_string(v) +
                           " outside [0, 1] (configs/unit or configs/normalized); the file is "
                           "damaged or was edited");
        }
      }
    }
  }
  if (h5::exists(f, "analysis")) {
    s.analysis.emplace();
    read_table(f, "analysis", &s.analysis->info, s.analysis->inputs);
  }
  if (h5::exists(f, "stages")) {
    read_table(f, "stages", &s.stages_info, s.stages);
    for (const auto& st : s.stages) {
      expect("a row of stages/hsic", st.hsic.size(), d);
      expect("a row of stages/pvalue", st.pvalue.size(), d);
    }
    auto g = h5::open_group(f, "stages");
    if (h5::exists(g, "decisions")) read_table(g, "decisions", s.decisions);
  }
  if (h5::exists(f, "attempts")) read_table(f, "attempts", s.attempts);
  if (h5::exists(f, "best")) {
    s.best.emplace();
    field_h5::read_group_fields(h5::open_group(f, "best"), *s.best);
  }
  if (h5::exists(f, "pick")) {
    s.pick.emplace();
    const auto p = h5::open_group(f, "pick");
    field_h5::read_group_fields(p, *s.pick);
    field_h5::read_group_fields(p, s.pick_info);
  }
  if (h5::exists(f, "analysis_front")) {
    s.analysis_front.emplace();
    read_table(f, "analysis_front", &s.analysis_front->info, s.analysis_front->inputs);
  }
  if (h5::exists(f, "final")) {
    s.final.emplace();
    read_table(f, "final", &s.final->info, s.final->rows);
    for (const auto& r : s.final->rows) {
      expect("a row of final/val_error", r.val_error.size(), s.final->seeds());
      expect("a row of final/test_error", r.test_error.size(), s.final->seeds());
    }
  }
  return s;
}

}  // namespace

}  // namespace hsicho::io
