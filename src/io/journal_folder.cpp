#include "hsicho/io/journal_folder.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "hsicho/durable_file.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/field_json.hpp"
#include "hsicho/io/study_file.hpp"

namespace hsicho::io {
namespace fs = std::filesystem;

namespace {

constexpr int kPlanFormat = 1;

std::optional<std::string> read_text(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    throw InputError("'" + path.string() +
                     "' is not a file (a folder?): it belongs to hsicho's journal folder; move it "
                     "away (no run of this study may be running), then try again");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Written beside and renamed over: a reader sees the old file or the new one, whole.
void replace_file(const fs::path& path, const std::string& text) {
  const std::string tmp = path.string() + ".tmp";
  write_file_durably(tmp, text, "'" + tmp + "'");
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
    throw RuntimeError("cannot rename '" + tmp + "' to '" + path.string() + "': " + ec.message());
}

// A small JSON file of the folder, parsed by `parse`: nullopt when absent; InputError naming it,
// with `advice`, when it is not what hsicho writes.
template <class Parse>
auto read_json_file(const fs::path& path, const std::string& advice, Parse parse)
    -> std::optional<decltype(parse(Json{}))> {
  const auto text = read_text(path);
  if (!text) return std::nullopt;
  try {
    return parse(Json::parse(*text));
  } catch (const std::exception&) {
    throw InputError("'" + path.string() + "' is damaged" + advice);
  }
}

}  // namespace

std::string lock_json(const LockInfo& lock) {
  return to_json(lock, NonFinite::Null).dump();
}

std::optional<LockInfo> read_lock_file(const std::string& path) {
  const auto text = read_text(path);
  if (!text) return std::nullopt;
  // Cut short by a kill while it was written, a lock is nobody's; other bytes are damage.
  if (!text->empty() && text->front() != '{') {
    throw InputError("the lock '" + path +
                     "' is damaged (not the JSON hsicho writes): if no run of this study is "
                     "running, remove it and resume");
  }
  try {
    return from_json<LockInfo>(Json::parse(*text));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void write_lock_file(const std::string& path, const LockInfo& lock) {
  write_file_durably(path, lock_json(lock) + "\n", "'" + path + "'");
}

std::optional<Plan> read_plan(const std::string& journal_dir) {
  return read_json_file(fs::path(journal_dir) / "plan.json",
                        " (not the plan hsicho writes): restore it from a backup, or remove the "
                        "journal folder to start over",
                        [](const Json& j) {
                          if (j.at("format").get<int>() != kPlanFormat)
                            throw std::invalid_argument("format");
                          auto p = from_json<Plan>(j);
                          if (p.samples.empty()) throw std::invalid_argument("samples");
                          return p;
                        });
}

void write_plan(const std::string& journal_dir, const Plan& plan) {
  Json j = {{"format", kPlanFormat}};
  j.update(to_json(plan, NonFinite::Null));
  replace_file(fs::path(journal_dir) / "plan.json", j.dump(1) + "\n");
}

std::vector<FileStamp> read_source_stamps(const std::string& journal_dir) {
  return read_json_file(fs::path(journal_dir) / "data-sources.json", "; restore it or remove it",
                        [](const Json& j) {
                          std::vector<FileStamp> stamps;
                          for (const auto& item : j)
                            stamps.push_back(from_json<FileStamp>(item));
                          return stamps;
                        })
      .value_or(std::vector<FileStamp>{});
}

void write_source_stamps(const std::string& journal_dir, const std::vector<FileStamp>& stamps) {
  replace_file(fs::path(journal_dir) / "data-sources.json",
               to_json(stamps, NonFinite::Null).dump(1) + "\n");
}

std::vector<std::string> read_class_names(const std::string& journal_dir) {
  return read_json_file(fs::path(journal_dir) / "class-names.json", "; restore it or remove it",
                        [](const Json& j) { return j.get<std::vector<std::string>>(); })
      .value_or(std::vector<std::string>{});
}

void write_class_names(const std::string& journal_dir, const std::vector<std::string>& names) {
  replace_file(fs::path(journal_dir) / "class-names.json", Json(names).dump(1) + "\n");
}

std::optional<StageSizes> read_stage_sizes(const std::string& journal_dir) {
  return read_json_file(fs::path(journal_dir) / "stage-sizes.json",
                        " (the stage sizes the wall-time budget chose): restore it, or remove it "
                        "to size the later stages again from the times",
                        [](const Json& j) { return from_json<StageSizes>(j); });
}

void write_stage_sizes(const std::string& journal_dir, const StageSizes& sizes) {
  replace_file(fs::path(journal_dir) / "stage-sizes.json",
               to_json(sizes, NonFinite::Null).dump() + "\n");
}

}  // namespace hsicho::io
