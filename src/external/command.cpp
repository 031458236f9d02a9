#include "hsicho/external/command.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "command_parts.hpp"
#include "hsicho/backoff.hpp"
#include "hsicho/error.hpp"
#include "hsicho/external/work_folder.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/suggest.hpp"

extern char** environ;

namespace hsicho::external {
namespace fs = std::filesystem;
using Json = io::Json;  // keys in the order written: params.json lists the space in deck order

namespace {

const std::vector<std::string> kPlaceholders = {"params", "result", "id",
                                                "stage",  "seed",   "workdir"};

// The first {word} that is not a placeholder, or "".
std::string unknown_placeholder(const std::string& text) {
  for (std::size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at + 1)) {
    const auto close = text.find('}', at);
    if (close == std::string::npos) return "";
    const std::string name = text.substr(at + 1, close - at - 1);
    // Only {word} looks like a placeholder: other braces (code, JSON) are the command's own.
    const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_';
    });
    if (word && std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end())
      return "{" + name + "}";
  }
  return "";
}

bool executable_file(const std::string& path) {
  std::error_code ec;
  return ::access(path.c_str(), X_OK) == 0 && !fs::is_directory(path, ec);  // folders are "x"
}

// An interpreter's script that is not there (a typo in its name): every training would fail
// with "can't open file". The script is the interpreter's first argument that is not an option;
// none is looked for after an option that takes the code itself (python -c, -m; perl -e; ...).
std::string missing_script(const std::vector<std::string>& argv, const fs::path& deck_dir) {
  static const std::regex interpreter(
      "(python[0-9.]*|pypy[0-9.]*|bash|sh|dash|zsh|ksh|Rscript|julia|perl|ruby|node|lua[0-9.]*)");
  if (!std::regex_match(fs::path(argv[0]).filename().string(), interpreter)) return "";
  for (std::size_t k = 1; k < argv.size(); ++k) {
    const std::string& a = argv[k];
    if (a == "-c" || a == "-m" || a == "-e" || a == "-E" || a == "--eval" || a == "-" || a == "--")
      return "";
    if (a == "-W" || a == "-X") {  // Python's options that take a value
      ++k;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    if (a.find('{') != std::string::npos) return "";  // a placeholder: known when it runs
    std::error_code ec;
    if (fs::exists(a, ec)) return "";  // found (made absolute above when relative)
    std::vector<std::string> near;
    for (const auto& dir : {deck_dir.empty() ? fs::path(".") : deck_dir, fs::path(".")}) {
      for (const auto& e : fs::directory_iterator(dir, ec))
        near.push_back(e.path().filename().string());
    }
    return "the script '" + a + "' of " + fs::path(argv[0]).filename().string() +
           " is neither beside the deck (" + (deck_dir.empty() ? "." : deck_dir.string()) +
           ") nor in the working folder" + did_you_mean(fs::path(a).filename().string(), near) +
           ": every training would fail to start";
  }
  return "";
}

bool program_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return executable_file(program);
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (executable_file((dir.empty() ? "." : dir) + "/" + program)) return true;
  }
  return false;
}

// The progress file a command appends to (a line per epoch), read as it grows.
class ProgressReader {
 public:
  ProgressReader(std::string path, const Progress& progress)
      : path_(std::move(path)), tracker_(progress), watching_(bool(progress.at_epoch)) {}
  void read() {
    if (!watching_ || tracker_.pruned()) return;
    if (!io::not_regular(path_).empty()) return;  // a FIFO would block: not progress
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(read_at_));
    std::string more((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    read_at_ += more.size();
    pending_ += more;
    for (auto eol = pending_.find('\n'); eol != std::string::npos && !tracker_.pruned();
         eol = pending_.find('\n')) {
      tracker_.add_line(pending_.substr(0, eol));
      pending_.erase(0, eol + 1);
    }
  }
  bool pruned() const { return tracker_.pruned(); }
  const std::vector<double>& reported() const { return tracker_.reported(); }
  int last_epoch() const { return tracker_.last_epoch(); }

 private:
  std::string path_;
  parts::ProgressTracker tracker_;
  bool watching_;
  std::size_t read_at_ = 0;
  std::string pending_;
};

}  // namespace

std::optional<double> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double unit = 1;
  std::string digits = text;
  const char last = text.back();
  if (last == 's' || last == 'm' || last == 'h' || last == 'd') {
    unit = last == 's' ? 1 : last == 'm' ? 60 : last == 'h' ? 3600 : 86400;
    digits.pop_back();
  }
  const auto v = space::scalar::to_number(digits);
  if (!v || *v < 0 || !std::isfinite(*v)) return std::nullopt;
  return *v * unit;
}

CommandSettings read_command(const space::Deck& deck) {
  const space::Block& t = deck.training;
  CommandSettings c;
  const space::Setting* cmd = t.find("command");
  if (!cmd) throw InputError(t.mark, "training.command is missing");
  c.argv = cmd->is_list ? cmd->list : std::vector<std::string>{cmd->text};
  space::key_text(space::key_spec("training", "command"), cmd->text);
  if (c.argv.empty() || c.argv[0].empty())
    throw InputError(cmd->mark, "training.command is empty: give the program and its arguments");
  if (const auto* s = t.find("shell")) {
    try {
      c.shell = space::key_boolean(space::key_spec("training", "shell"), s->text);
    } catch (const space::KeyValueError& e) {
      throw InputError(s->mark, std::string("training.shell: ") + e.what());
    }
  }
  if (c.shell && c.argv.size() != 1) {
    throw InputError(cmd->mark,
                     "with shell: true, training.command is one line for /bin/sh, not a list");
  }
  // The command runs in its work folder: an argument naming an existing file or folder (beside
  // the deck, else in the working folder) is passed as an absolute path.
  if (!c.shell) {
    const fs::path deck_dir = fs::path(deck.path).parent_path();
    std::error_code ec;
    for (auto& a : c.argv) {
      if (a.empty() || a.find('{') != std::string::npos || fs::path(a).is_absolute() ||
          (&a == &c.argv[0] && a.find('/') == std::string::npos))
        continue;  // a placeholder, an absolute path, or a program looked up in PATH
      if (!deck_dir.empty() && fs::exists(deck_dir / a, ec)) {
        a = fs::absolute(deck_dir / a).lexically_normal().string();
      } else if (fs::exists(a, ec)) {
        a = fs::absolute(a).lexically_normal().string();
      }
    }
  }
  for (const auto& a : c.argv) {
    if (const auto u = unknown_placeholder(a); !u.empty()) {
      throw InputError(cmd->mark, "training.command: " + u +
                                      " is not a placeholder; the placeholders are {params}, "
                                      "{result}, {id}, {stage}, {seed} and {workdir}");
    }
  }
  std::error_code dir_ec;
  if (!c.shell && c.argv[0].find('/') != std::string::npos && fs::is_directory(c.argv[0], dir_ec)) {
    throw InputError(cmd->mark, "training.command: '" + c.argv[0] +
                                    "' is a folder, not a program: name the program in it");
  }
  if (!c.shell && !program_exists(c.argv[0])) {
    throw InputError(cmd->mark, "training.command: program '" + c.argv[0] + "' " +
                                    (c.argv[0].find('/') != std::string::npos
                                         ? "does not exist or is not executable"
                                         : "is not found in PATH"));
  }
  if (const auto* w = t.find("workdir")) {
    c.workdir = space::key_text(space::key_spec("training", "workdir"), w->text);
    c.work_base.clear();
    c.default_workdir = false;
    if (const auto u = unknown_placeholder(c.workdir); !u.empty() || c.workdir.empty()) {
      throw InputError(w->mark,
                       "training.workdir: " +
                           (u.empty() ? std::string("is empty") : u + " is not a placeholder") +
                           "; e.g. runs/{id}, one folder per configuration");
    }
    if (const auto why = workdir_problem(c.workdir); !why.empty()) throw InputError(w->mark, why);
  }
  if (const auto* d = t.find("timeout")) {
    const auto v = parse_duration(space::key_text(space::key_spec("training", "timeout"), d->text));
    if (!v) {
      throw InputError(d->mark, "training.timeout: '" + d->text +
                                    "' is not a duration; write e.g. 90 (seconds), 45s, 30m, 2h");
    }
    if (*v <= 0) {
      throw InputError(d->mark, "training.timeout: '" + d->text +
                                    "' is no time at all; give a duration such as 30m, or leave "
                                    "the key out for no limit");
    }
    c.timeout = *v;
  }
  if (const auto* e = t.find("env"); e && (e->is_list || e->quoted || !e->text.empty())) {
    throw InputError(e->mark,
                     "training.env is a map of NAME: value, e.g. env: {OMP_NUM_THREADS: \"4\"}");
  }
  for (const auto& s : t.settings) {
    if (s.key.rfind("env.", 0) != 0) continue;
    space::key_text(space::key_spec("training", "env"), s.text);
    const std::string name = s.key.substr(4);
    const bool name_ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                         std::all_of(name.begin(), name.end(), [](unsigned char ch) {
                           return std::isalnum(ch) || ch == '_';
                         });
    if (!name_ok) {
      throw InputError(s.key_mark, "training.env: '" + name +
                                       "' is not an environment variable name (letters, digits "
                                       "and '_', not starting with a digit)");
    }
    if (s.text.find('\0') != std::string::npos)
      throw InputError(s.mark, "training.env." + name + ": a value cannot hold a NUL character");
    c.env.emplace_back(name, s.text);
  }
  if (const auto* s = t.find("persistent")) {
    try {
      c.persistent = space::key_boolean(space::key_spec("training", "persistent"), s->text);
    } catch (const space::KeyValueError& e) {
      throw InputError(s->mark, std::string("training.persistent: ") + e.what());
    }
  }
  if (const auto* s = t.find("checkpoint")) {
    try {
      c.checkpoint = space::key_boolean(space::key_spec("training", "checkpoint"), s->text);
    } catch (const space::KeyValueError& e) {
      throw InputError(s->mark, std::string("training.checkpoint: ") + e.what());
    }
  }
  if (const auto* s = t.find("max_trainings_per_worker")) {
    try {
      c.max_trainings = static_cast<std::size_t>(
          space::key_whole(space::key_spec("training", "max_trainings_per_worker"), s->text));
    } catch (const space::KeyValueError& e) {
      throw InputError(s->mark, std::string("training.max_trainings_per_worker ") + e.what());
    }
    if (!c.persistent) {
      throw InputError(s->key_mark,
                       "training.max_trainings_per_worker applies to a persistent worker: add "
                       "persistent: true, or leave the key out");
    }
  }
  if (c.persistent) {
    // One process for many configurations: a configuration's values reach it through the
    // channel (hsicho.serve), not its command line or environment.
    for (const auto& a : c.argv) {
      if (a.find('{') != std::string::npos && unknown_placeholder(a).empty() &&
          a != parts::substitute(a, {{"params", ""},
                                     {"result", ""},
                                     {"id", ""},
                                     {"stage", ""},
                                     {"seed", ""},
                                     {"workdir", ""}}))
        throw InputError(cmd->mark,
                         "training.command: with persistent: true the command is started once "
                         "for many configurations, so '" +
                             a +
                             "' has no value; each configuration reaches it through hsicho.serve "
                             "(docs/driver.md)");
    }
    for (const auto& [name, value] : c.env) {
      if (value != parts::substitute(value, {{"params", ""},
                                             {"result", ""},
                                             {"id", ""},
                                             {"stage", ""},
                                             {"seed", ""},
                                             {"workdir", ""}}))
        throw InputError(t.find("env." + name)->mark,
                         "training.env." + name +
                             ": with persistent: true the command is started once for many "
                             "configurations: a placeholder has no value there");
    }
  }
  // Last: every key's own error comes first (a deck under construction names its script late).
  if (!c.shell) {
    if (const auto why = missing_script(c.argv, fs::path(deck.path).parent_path()); !why.empty())
      throw InputError(cmd->mark, "training.command: " + why);
  }
  return c;
}

std::string gpu_for_rank(int local_rank) {
  std::vector<std::string> gpus;
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    std::stringstream s(visible);
    for (std::string g; std::getline(s, g, ',');) {
      if (!g.empty()) gpus.push_back(g);
    }
  } else {
    std::error_code ec;
    std::size_t count = 0;
    for (auto it = fs::directory_iterator("/proc/driver/nvidia/gpus", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec))
      ++count;
    for (std::size_t k = 0; k < count; ++k)
      gpus.push_back(std::to_string(k));
  }
  if (gpus.empty()) return "";
  return gpus[static_cast<std::size_t>(local_rank) % gpus.size()];
}

Record read_result(const std::string& text) {
  Json j;
  try {
    j = Json::parse(parts::quote_non_finite(text));
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("not valid JSON (") + e.what() + ")");
  }
  return parts::read_result_json(j);
}

std::optional<Record> run(const CommandSettings& settings, const Job& job,
                          const std::function<bool()>& stop, const Progress& progress) {
  Record r;
  r.seed = job.seed;
  const std::string gpu = gpu_for_rank(job.local_rank);
  r.device = gpu.empty() ? "cpu" : "cuda:" + gpu;
  parts::JobFolder f;
  if (const auto why = parts::prepare_folder(settings, job, gpu, f); !why.empty())
    return parts::failed(r, "work folder", why);

  std::vector<std::string> args;
  if (settings.shell) {
    args = {"/bin/sh", "-c", parts::substitute(settings.argv[0], f.values, true)};
  } else {
    for (const auto& a : settings.argv)
      args.push_back(parts::substitute(a, f.values));
  }
  const auto start = std::chrono::steady_clock::now();
  std::string why;
  const pid_t pid = parts::spawn(args, parts::environment(settings, &f, gpu), f.dir, f.out, f.err,
                                 false, -1, why);
  if (pid < 0) return parts::failed(r, "start", why);

  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  int status = 0;
  Backoff backoff(100000);  // polls from 0.1 ms up to 20 ms: a quick command ends quickly
  bool timed_out = false, stopped = false, killed = false;
  double term_sent = -1;
  ProgressReader reader(f.progress, progress);
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR)
      return parts::failed(r, "start", std::string("waitpid: ") + std::strerror(errno));
    reader.read();
    const double t = elapsed();
    const bool asked = stop();
    if (term_sent < 0 &&
        ((settings.timeout > 0 && t > settings.timeout) || asked || reader.pruned())) {
      stopped = asked;
      timed_out = !asked && !reader.pruned();
      if (reader.pruned()) std::ofstream(f.stop) << "stop\n";  // the polite way, beside SIGTERM
      ::kill(-pid, SIGTERM);
      term_sent = t;
    } else if (term_sent >= 0 && !killed &&
               t - term_sent > (reader.pruned() ? progress.grace : settings.kill_grace)) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    backoff.wait();
  }
  ::kill(-pid, SIGKILL);  // what the command left running in its group
  r.seconds = elapsed();
  if (stopped) return std::nullopt;
  if (reader.pruned()) return parts::stopped_early(r, reader.reported(), reader.last_epoch());
  if (!timed_out && parts::ended_with_the_run(status, stop)) return std::nullopt;
  if (timed_out) {
    return parts::failed(
        r, "timeout",
        "timed out after " + parts::seconds_text(settings.timeout) +
            (killed ? " (killed with SIGKILL after SIGTERM)" : " (stopped with SIGTERM)"));
  }
  // A failure on a full disk is the run's (it stops; the configuration trains again on resume).
  const auto failure = [&](const std::string& cause, const std::string& why) {
    return parts::failed_unless_disk_full(r, cause, why, f.dir.string(), job.id);
  };
  if (WIFSIGNALED(status)) {
    const int s = WTERMSIG(status);
    const std::string tail = parts::last_lines(f.err);
    return failure("signal", "killed by signal " + std::to_string(s) + " (" + strsignal(s) + ")" +
                                 (tail.empty() ? "" : ": " + tail));
  }
  if (WEXITSTATUS(status) != 0) {
    const std::string tail = parts::last_lines(f.err);
    return failure("exit code", "exit code " + std::to_string(WEXITSTATUS(status)) +
                                    (tail.empty() ? " (stderr.txt is empty)" : ": " + tail));
  }
  std::error_code exists_ec;
  if (!fs::exists(fs::symlink_status(f.result, exists_ec)))
    return failure("result file",
                   "the command exited 0 but wrote no result.json (expected: " + f.result + ")");
  std::string text;
  try {
    // Bounded: never a FIFO (it would block the rank for ever), a device or a folder, and at most
    // 16 MiB (a result is a few hundred bytes; metrics and curves stay far below).
    text = io::read_regular_file(f.result, "result", 16u << 20);
  } catch (const InputError& e) {
    return parts::failed(r, "result file", e.what());
  }
  try {
    return parts::completed(r, read_result(text));
  } catch (const std::exception& e) {
    return parts::failed(r, "result file", "result.json: " + std::string(e.what()));
  }
}

}  // namespace hsicho::external
