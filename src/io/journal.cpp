#include "hsicho/io/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "hsicho/durable_file.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/record_io.hpp"

namespace hsicho::io {
namespace fs = std::filesystem;

namespace {

// Format 2: records as JSON lines (format 1 wrote positional fields).
const char* kMagic = "hsicho-journal 2";
const char* kOldMagic = "hsicho-journal 1";

std::string crc_of(const std::string& s) {
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  return fmt::format("{:08x}", static_cast<unsigned long>(crc));
}

std::string header_line(const std::string& fingerprint) {
  return std::string(kMagic) + " " + fingerprint;
}

}  // namespace

std::map<std::size_t, const JournalRecord*> latest_records(const JournalContents& journals) {
  std::map<std::size_t, const JournalRecord*> out;
  for (const auto& r : journals.records) {
    auto [it, added] = out.emplace(r.config, &r);
    if (!added && r.result.attempt > it->second->result.attempt) it->second = &r;
  }
  return out;
}

double journal_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string format_record(const JournalRecord& rec) {
  Json j = {{"config", rec.config}};
  if (!rec.values.empty()) {
    Json values = Json::object();
    for (const auto& [name, value] : rec.values)
      values[name] = value ? value_to_json(*value) : Json(nullptr);
    j["values"] = std::move(values);
  }
  if (rec.retrains) j["retrains"] = *rec.retrains;
  j.update(record_to_json(rec.result, NonFinite::Text));  // exact: inf and nan as text
  if (rec.finished > 0) j["journal_time"] = rec.finished;
  // One line: dump() escapes tabs and newlines inside strings.
  const std::string body = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  return body + '\t' + crc_of(body);
}

bool parse_record(const std::string& line, JournalRecord& rec) {
  const auto tab = line.find_last_of('\t');
  if (tab == std::string::npos) return false;
  const std::string body = line.substr(0, tab);
  if (crc_of(body) != line.substr(tab + 1)) return false;
  try {
    const Json j = Json::parse(body);
    if (!j.is_object() || !j.contains("config") || !j["config"].is_number_unsigned()) return false;
    rec.config = j["config"].get<std::size_t>();
    rec.values.clear();
    if (j.contains("values")) {
      if (!j["values"].is_object()) return false;
      for (const auto& [name, value] : j["values"].items()) {
        rec.values.emplace_back(
            name, value.is_null() ? std::nullopt : std::optional(value_from_json(value)));
      }
    }
    rec.retrains.reset();
    if (j.contains("retrains")) {
      if (!j["retrains"].is_number_unsigned()) return false;
      rec.retrains = j["retrains"].get<std::size_t>();
    }
    rec.result = record_from_json(j);
    rec.finished = j.value("journal_time", 0.0);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

namespace {

// A journal whose header is not this study's: another study's, or an older hsicho's.
[[noreturn]] void foreign_header(const std::string& path, const std::string& line) {
  if (line.rfind(kOldMagic, 0) == 0) {
    throw InputError("journal '" + path +
                     "' was written by an older hsicho (journal format 1): finish that run with "
                     "the version that started it, or remove the journal folder to start over");
  }
  throw InputError("journal '" + path +
                   "' belongs to another study (the deck's space, data, model, training, design "
                   "or seed changed since it was written); remove the journal folder to start "
                   "over");
}

// A journal that is not one: a folder or a device where a rank's file belongs, or a file whose
// first line is not a journal header, whole or cut short by a kill (replaced by other bytes,
// overwritten). Its trainings cannot be read; resuming as if there were none would train them
// again without a word.
void check_journal_file(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) {
    throw InputError("journal '" + path +
                     "' is not a file (a folder?): move it away, then resume (the trainings it "
                     "should hold are trained again)");
  }
}

[[noreturn]] void damaged(const std::string& path) {
  throw InputError("journal '" + path +
                   "' is damaged: it does not begin with hsicho's journal header (replaced or "
                   "overwritten?), so its trainings cannot be read. Restore it from a copy, or "
                   "move it away and resume (its trainings are trained again)");
}

// The first line of a journal, complete or cut short by a kill while it was written.
void check_first_line(const std::string& path, const std::string& line, bool complete) {
  const std::string magic = "hsicho-journal ";
  const bool header_start = complete ? line.rfind(magic, 0) == 0
                                     : magic.compare(0, std::min(line.size(), magic.size()), line,
                                                     0, std::min(line.size(), magic.size())) == 0;
  if (!header_start) damaged(path);
}

}  // namespace

JournalWriter::JournalWriter(const std::string& dir, int rank, const std::string& fingerprint) {
  const std::string name = fmt::format("rank-{:05d}.jnl", rank);
  path_ = (fs::path(dir) / name).string();
  // An existing file keeps its header and every valid record; a torn last line (a killed run, a
  // full disk) or a corrupted one is left out, so that appending starts on a clean line.
  std::string keep, text;
  check_journal_file(path_);
  if (fs::exists(path_)) {
    std::ifstream in(path_, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!text.empty()) {
      const auto eol = text.find('\n');
      check_first_line(path_, text.substr(0, eol), eol != std::string::npos);
    }
    std::size_t start = 0;
    bool first = true;
    for (auto end = text.find('\n'); end != std::string::npos;
         start = end + 1, end = text.find('\n', start)) {
      const std::string line = text.substr(start, end - start);
      JournalRecord r;
      if (first) {
        if (line != header_line(fingerprint)) foreign_header(path_, line);
        first = false;
      } else if (!parse_record(line, r)) {
        continue;
      }
      keep += line + '\n';
    }
  }
  if (keep.empty()) keep = header_line(fingerprint) + '\n';
  if (keep != text) {
    // Rewritten beside and renamed over: a crash now leaves the old file or the new one, whole.
    const std::string tmp = path_ + ".tmp";
    write_file_durably(tmp, keep, "journal '" + tmp + "'");
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      throw RuntimeError("cannot replace journal '" + path_ + "': " + std::strerror(errno));
    }
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND);
  if (fd_ < 0) throw RuntimeError("cannot open journal '" + path_ + "': " + std::strerror(errno));
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const JournalRecord& record) {
  const std::string line = format_record(record) + '\n';
  write_durably(fd_, line.data(), line.size(), "journal '" + path_ + "'");
  // Written to a file that was removed (its folder deleted by hand, a scratch purge), a record
  // would be lost at exit: said now, at the first training after, not at the end of the run.
  struct stat by_path {
  }, by_fd{};
  if (::stat(path_.c_str(), &by_path) != 0 || ::fstat(fd_, &by_fd) != 0 ||
      by_path.st_ino != by_fd.st_ino || by_path.st_dev != by_fd.st_dev) {
    throw RuntimeError("the journal '" + path_ +
                       "' was removed or replaced while this run wrote it (its folder deleted?): "
                       "the trainings finished since it went are not kept; the run stops here");
  }
}

JournalContents read_journals(const std::string& dir, const std::string& fingerprint) {
  JournalContents c;
  if (!fs::exists(dir)) return c;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.rfind("rank-", 0) == 0 && e.path().extension() == ".jnl")
      c.files.push_back(e.path().string());
  }
  std::sort(c.files.begin(), c.files.end());
  for (const auto& file : c.files) {
    check_journal_file(file);
    std::ifstream in(file, std::ios::binary);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      const bool complete = !in.eof();
      if (first) {
        check_first_line(file, line, complete);
        if (!complete) break;  // a torn header (killed, or a full disk): nothing was recorded
        if (!fingerprint.empty() && line != header_line(fingerprint)) foreign_header(file, line);
        first = false;
        continue;
      }
      JournalRecord r;
      if (complete && parse_record(line, r)) {
        c.records.push_back(r);
      } else {
        ++c.dropped;
      }
    }
  }
  return c;
}

}  // namespace hsicho::io
