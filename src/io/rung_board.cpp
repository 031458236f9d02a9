#include "hsicho/io/rung_board.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/io/journal.hpp"
#include "hsicho/io/json.hpp"

namespace hsicho::io {
namespace fs = std::filesystem;

RungLogWriter::RungLogWriter(const std::string& dir, int rank)
    : path_((fs::path(dir) / fmt::format("rungs-{:05d}.log", rank)).string()) {
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) throw RuntimeError("cannot open '" + path_ + "': " + std::strerror(errno));
}

RungLogWriter::~RungLogWriter() {
  if (file_) std::fclose(file_);
}

void RungLogWriter::append(const RungReport& r) {
  // Exact digits: an ordered decision on another rank must see the same number.
  const Json j = {
      {"config", r.config}, {"attempt", r.attempt}, {"epoch", r.epoch}, {"error", r.error}};
  const std::string line = j.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw RuntimeError("cannot write '" + path_ + "': " + std::strerror(errno));
}

void RungBoard::take_report(const RungReport& r) {
  auto& k = known_[r.config];
  if (r.attempt < k.attempt) return;
  if (r.attempt > k.attempt) {
    k = Known{};
    k.attempt = r.attempt;
  }
  k.reports.emplace(r.epoch, r.error);
}

void RungBoard::take_record(std::size_t config, const Record& r) {
  auto& k = known_[config];
  if (r.attempt < k.attempt) return;
  if (r.attempt > k.attempt) {
    k = Known{};
    k.attempt = r.attempt;
  }
  if (!k.finished) k.finished = r;  // the first record of an attempt, as `run` takes it
}

void RungBoard::refresh() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const auto name = e.path().filename().string();
    const bool journal = name.rfind("rank-", 0) == 0 && e.path().extension() == ".jnl";
    const bool rungs = name.rfind("rungs-", 0) == 0 && e.path().extension() == ".log";
    if (!journal && !rungs) continue;
    const std::string path = e.path().string();
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offsets_[path]));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    offsets_[path] += text.size();
    text = partial_[path] + text;
    const auto last = text.rfind('\n');
    partial_[path] = last == std::string::npos ? text : text.substr(last + 1);
    if (last == std::string::npos) continue;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos && end <= last;
         start = end + 1, end = text.find('\n', start)) {
      const std::string line = text.substr(start, end - start);
      if (journal) {
        JournalRecord rec;
        if (parse_record(line, rec)) take_record(rec.config, rec.result);  // (the header: not)
        continue;
      }
      try {
        const auto j = Json::parse(line);
        take_report({j.at("config").get<std::size_t>(), j.at("attempt").get<int>(),
                     j.at("epoch").get<int>(), j.at("error").get<double>()});
      } catch (const std::exception&) {
        // a damaged line: that rung is read again from the training's record once it ends
      }
    }
  }
}

std::optional<double> RungBoard::error_at(std::size_t config, int epoch) const {
  const auto it = known_.find(config);
  if (it == known_.end()) return std::nullopt;
  const Known& k = it->second;
  if (const auto r = k.reports.find(epoch); r != k.reports.end()) return r->second;
  if (!k.finished) return std::nullopt;
  const Record& rec = *k.finished;
  if (static_cast<std::size_t>(epoch) <= rec.curves.size()) {
    // The best error up to that epoch, as the rung reports it.
    return *std::min_element(rec.curves.begin(), rec.curves.begin() + epoch);
  }
  if (rec.ok()) return rec.val_error;  // its own patience ended it before: converged
  return INFINITY;
}

}  // namespace hsicho::io
