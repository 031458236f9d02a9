#include "hsicho/io/journal.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "hsicho/durable_file.hpp"
#include "hsicho/error.hpp"

namespace hsicho::io {
namespace fs = std::filesystem;

namespace {

const char* kMagic = "hsicho-journal 1";

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back exactly
  return std::string(buf, res.ptr);
}

double parse_num(const std::string& s) {
  if (s == "nan") return std::nan("");
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  std::size_t used = 0;
  const double v = std::stod(s, &used);
  if (used != s.size()) throw std::invalid_argument(s);
  return v;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string crc_of(const std::string& s) {
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  return fmt::format("{:08x}", static_cast<unsigned long>(crc));
}

std::string header_line(const std::string& fingerprint) {
  return std::string(kMagic) + " " + fingerprint;
}

}  // namespace

std::string format_record(const JournalRecord& rec) {
  const auto& r = rec.result;
  std::ostringstream s;
  s << "R\t" << rec.config << '\t' << rec.rank << '\t' << r.status << '\t' << num(r.val_error)
    << '\t' << num(r.test_error) << '\t' << num(r.val_rel_l2) << '\t' << num(r.test_rel_l2) << '\t'
    << r.epochs << '\t' << r.best_epoch << '\t' << num(r.seconds) << '\t' << r.parameters << '\t'
    << r.seed << '\t' << r.device << '\t';
  for (std::size_t k = 0; k < r.curve.size(); ++k)
    s << (k ? "," : "") << num(r.curve[k]);
  s << '\t' << escape(r.message);
  const std::string body = s.str();
  return body + '\t' + crc_of(body);
}

bool parse_record(const std::string& line, JournalRecord& rec) {
  const auto tab = line.find_last_of('\t');
  if (tab == std::string::npos) return false;
  const std::string body = line.substr(0, tab);
  if (crc_of(body) != line.substr(tab + 1)) return false;
  std::vector<std::string> f;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == '\t') {
      f.push_back(body.substr(start, i - start));
      start = i + 1;
    }
  }
  if (f.size() != 16 || f[0] != "R") return false;
  try {
    rec.config = std::stoull(f[1]);
    rec.rank = std::stoi(f[2]);
    auto& r = rec.result;
    r.status = f[3];
    r.val_error = parse_num(f[4]);
    r.test_error = parse_num(f[5]);
    r.val_rel_l2 = parse_num(f[6]);
    r.test_rel_l2 = parse_num(f[7]);
    r.epochs = std::stoi(f[8]);
    r.best_epoch = std::stoi(f[9]);
    r.seconds = parse_num(f[10]);
    r.parameters = std::stoll(f[11]);
    r.seed = std::stoull(f[12]);
    r.device = f[13];
    r.curve.clear();
    std::stringstream c(f[14]);
    std::string item;
    while (std::getline(c, item, ','))
      r.curve.push_back(parse_num(item));
    r.message = unescape(f[15]);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

JournalWriter::JournalWriter(const std::string& dir, int rank, const std::string& fingerprint) {
  const std::string name = fmt::format("rank-{:05d}.jnl", rank);
  path_ = (fs::path(dir) / name).string();
  // An existing file keeps its header and every valid record; a torn last line (a killed run, a
  // full disk) or a corrupted one is left out, so that appending starts on a clean line.
  std::string keep, text;
  if (fs::exists(path_)) {
    std::ifstream in(path_, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::size_t start = 0;
    bool first = true;
    for (auto end = text.find('\n'); end != std::string::npos;
         start = end + 1, end = text.find('\n', start)) {
      const std::string line = text.substr(start, end - start);
      JournalRecord r;
      if (first) {
        if (line != header_line(fingerprint)) {
          throw InputError(
              "journal '" + path_ +
              "' belongs to another study (the deck's space, data, "
              "model, training, design or seed changed); remove the journal folder to start over");
        }
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
    std::ifstream in(file, std::ios::binary);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      const bool complete = !in.eof();
      if (first) {
        if (!complete) break;  // a torn header (killed, or a full disk): nothing was recorded
        if (line != header_line(fingerprint)) {
          throw InputError(
              "journal '" + file +
              "' belongs to another study (the deck's space, data, model, "
              "training, design or seed changed since it was written); remove the journal "
              "folder to start over");
        }
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
