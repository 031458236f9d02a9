#include "command_parts.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "hsicho/error.hpp"
#include "hsicho/external/work_folder.hpp"
#include "hsicho/io/regular_file.hpp"

extern char** environ;

namespace hsicho::external::parts {
namespace fs = std::filesystem;
using Json = io::Json;  // keys in the order written: params.json lists the space in deck order

namespace {

// A metric becomes a data set of the study file and a CSV column: "." and ".." are not HDF5
// names, so a name starts with a letter, a digit or '_'; 64 characters at most.
bool metric_name_ok(const std::string& name) {
  const auto first = static_cast<unsigned char>(name.empty() ? '.' : name[0]);
  return name.size() <= 64 && (std::isalnum(first) || first == '_') &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '_' || c == '-' || c == '.';
         });
}

}  // namespace

std::string substitute(const std::string& text, const Placeholders& values, bool quote) {
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    bool done = false;
    if (text[at] == '{') {
      for (const auto& [name, value] : values) {
        if (text.compare(at, name.size() + 2, "{" + name + "}") == 0) {
          if (quote) {
            std::string q = "'";
            for (char c : value)
              q += c == '\'' ? std::string("'\\''") : std::string(1, c);
            out += q + "'";
          } else {
            out += value;
          }
          at += name.size() + 2;
          done = true;
          break;
        }
      }
    }
    if (!done) out += text[at++];
  }
  return out;
}

std::string last_lines(const std::string& path, std::size_t lines) {
  if (!io::not_regular(path).empty()) return "";  // replaced by the command with a FIFO, say
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  const std::streamoff from = std::max<std::streamoff>(0, size - 4096);
  in.seekg(from);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> kept;
  std::stringstream s(tail);
  for (std::string line; std::getline(s, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) kept.push_back(line);
  }
  if (kept.size() > lines) kept.erase(kept.begin(), kept.end() - static_cast<long>(lines));
  std::string out;
  for (const auto& l : kept)
    out += (out.empty() ? "" : " | ") + l;
  if (out.size() > 600) out = "..." + out.substr(out.size() - 600);
  return out;
}

std::string quote_non_finite(const std::string& text) {
  std::string out;
  bool in_string = false, escape = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (in_string) {
      out += c;
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (const char* word : {"-Infinity", "Infinity", "NaN"}) {
      const std::size_t len = std::strlen(word);
      if (text.compare(at, len, word) == 0) {
        out += std::string("\"") + word + "\"";
        at += len - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

double number(const Json& j, const std::string& key) {
  if (j.is_number()) return j.get<double>();
  if (j.is_null()) return std::nan("");
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "nan") return std::nan("");
    if (s == "infinity" || s == "inf") return INFINITY;
    if (s == "-infinity" || s == "-inf") return -INFINITY;
  }
  throw std::runtime_error("'" + key + "' is not a number: " + j.dump());
}

namespace {
// Successive halving: whether the folder holds the run that paused at the previous rung (this job
// continues from its checkpoint), not one of this job killed before it ended (told the same
// continue_from).
bool earlier_pause(const JobFolder& f, const Job& job) {
  if (job.continue_from.empty()) return false;
  try {
    const auto p = Json::parse(io::read_regular_file(f.params, "params", 1u << 20));
    return p.value("continue_from", std::string()) != job.continue_from;
  } catch (const std::exception&) {
    return false;  // unreadable: not what hsicho wrote for a pause
  }
}
}  // namespace

std::string prepare_folder(const CommandSettings& settings, const Job& job, const std::string& gpu,
                           JobFolder& f) {
  f.id = job.id_text.empty() ? std::to_string(job.id) : job.id_text;
  f.values = {
      {"id", f.id}, {"stage", std::to_string(job.stage)}, {"seed", std::to_string(job.seed)}};
  f.dir = fs::absolute(fs::path(settings.work_base) / substitute(settings.workdir, f.values))
              .lexically_normal();
  // The template was checked (no '..'); this keeps any value from leading elsewhere.
  if (!inside(f.dir, work_root(settings)))
    return "the work folder '" + f.dir.string() + "' is not inside '" +
           work_root(settings).string() + "'";
  f.params = (f.dir / "params.json").string();
  f.result = (f.dir / "result.json").string();
  f.progress = (f.dir / "progress.jsonl").string();
  f.stop = (f.dir / "stop").string();
  f.out = (f.dir / "stdout.txt").string();
  f.err = (f.dir / "stderr.txt").string();
  f.values.emplace_back("workdir", f.dir.string());
  f.values.emplace_back("params", f.params);
  f.values.emplace_back("result", f.result);

  // An earlier run of this configuration (in a study, only a killed job leaves one): set aside,
  // not mixed in.
  std::error_code ec;
  if (fs::exists(f.dir, ec)) {
    const std::string label = earlier_pause(f, job) ? "paused" : job.aside;
    for (int n = 1;; ++n) {
      const fs::path aside = f.dir.string() + "." + label + "-" + std::to_string(n);
      if (!fs::exists(aside, ec)) {
        fs::rename(f.dir, aside, ec);
        break;
      }
    }
  }
  // hsicho's own writes failing (a full disk, a folder it may not write in) are faults of the
  // run, not results of the configuration: the run stops, --resume trains it again.
  fs::create_directories(f.dir, ec);
  if (ec)
    throw RuntimeError("cannot create the work folder '" + f.dir.string() + "': " + ec.message());
  Json& p = f.params_json;
  p = Json::object();
  p["id"] = job.id;
  p["stage"] = job.stage;
  p["seed"] = job.seed;
  p["params"] = Json::object();
  for (const auto& [name, value] : job.params)
    p["params"][name] = io::value_to_json(value);
  if (job.epochs_factor != 1) p["epochs_factor"] = job.epochs_factor;
  p["device"] = gpu.empty() ? "cpu" : "cuda:0";  // the one GPU the command sees
  p["gpu"] = gpu.empty() ? Json(nullptr) : Json(gpu);
  p["workdir"] = f.dir.string();
  p["result"] = f.result;
  p["progress"] = f.progress;
  p["stop_file"] = f.stop;
  // The checkpoint contract (successive halving): where to pause, save and continue from.
  if (job.pause_after > 0) {
    p["pause_after"] = job.pause_after;
    p["checkpoint"] = job.checkpoint;
    f.job_env.emplace_back("HSICHO_PAUSE_AFTER", std::to_string(job.pause_after));
    f.job_env.emplace_back("HSICHO_CHECKPOINT", job.checkpoint);
  }
  if (!job.continue_from.empty()) {
    p["continue_from"] = job.continue_from;
    f.job_env.emplace_back("HSICHO_CONTINUE_FROM", job.continue_from);
  }
  std::ofstream out(f.params);
  out << p.dump(2) << '\n';
  out.close();  // a full disk shows at the flush, not at <<
  if (!out) throw RuntimeError("cannot write '" + f.params + "' (disk full?)");
  return "";
}

std::vector<std::string> environment(const CommandSettings& settings, const JobFolder* folder,
                                     const std::string& gpu) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    if (v.rfind("OMPI_", 0) == 0 || v.rfind("PMIX_", 0) == 0 || v.rfind("PMI_", 0) == 0) continue;
    if (v.rfind("CUDA_VISIBLE_DEVICES=", 0) == 0) continue;
    // The checkpoint contract's variables are a job's own, never inherited.
    if (v.rfind("HSICHO_PAUSE_AFTER=", 0) == 0 || v.rfind("HSICHO_CHECKPOINT=", 0) == 0 ||
        v.rfind("HSICHO_CONTINUE_FROM=", 0) == 0)
      continue;
    env.push_back(v);
  }
  auto set_env = [&](const std::string& name, const std::string& value) {
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& v) { return v.rfind(name + "=", 0) == 0; }),
              env.end());
    env.push_back(name + "=" + value);
  };
  set_env("CUDA_VISIBLE_DEVICES", gpu);
  if (folder) {
    set_env("HSICHO_PARAMS", folder->params);
    set_env("HSICHO_RESULT", folder->result);
    set_env("HSICHO_WORKDIR", folder->dir.string());
    set_env("HSICHO_ID", folder->id);
    set_env("HSICHO_PROGRESS", folder->progress);
    set_env("HSICHO_STOP_FILE", folder->stop);
    for (const auto& [name, value] : folder->job_env)
      set_env(name, value);
  }
  for (const auto& [name, value] : settings.env)
    set_env(name, folder ? substitute(value, folder->values) : value);
  return env;
}

namespace {

// The null-terminated array of C strings posix_spawn takes (pointing into `words`).
std::vector<char*> c_strings(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words)
    out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

pid_t spawn(std::vector<std::string> args, std::vector<std::string> env, const fs::path& cwd,
            const std::string& out_path, const std::string& err_path, bool append, int channel,
            std::string& why) {
  auto env_c = c_strings(env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), mode, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), mode, 0644);
  // The channel of a persistent worker: its descriptor 3 (dup2 clears close-on-exec).
  if (channel >= 0) posix_spawn_file_actions_adddup2(&actions, channel, 3);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
#else
  // Older C libraries: the shell changes folder, then becomes the command.
  args.insert(args.begin(), {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd.string()});
#endif
  auto argv_c = c_strings(args);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // its own process group: stopped as a whole
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGPIPE, SIGCHLD})
    sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv_c[0], &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    why = "cannot start '" + args[0] + "': " + std::strerror(rc);
    return -1;
  }
  return pid;
}

Record failed_unless_disk_full(Record r, const std::string& cause, const std::string& why,
                               const std::string& dir, std::size_t id) {
  struct statvfs fs {};
  const bool measured = ::statvfs(dir.c_str(), &fs) == 0;
  const double free_bytes =
      measured ? static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) : -1;
  constexpr double kFull = 1 << 20;
  const bool said = why.find("No space left on device") != std::string::npos ||
                    why.find("Disk quota exceeded") != std::string::npos;
  if (!said && !(measured && free_bytes < kFull)) return failed(std::move(r), cause, why);
  throw RuntimeError(
      "training " + std::to_string(id) + " failed (" + cause + ": " + why + ") on a full disk: " +
      (measured ? fmt::format("{:.0f} bytes left under '{}'", free_bytes, dir)
                : "the training said so") +
      ". A fault of the run, not of the configuration: nothing is recorded for it; free space, "
      "then resume");
}

Record failed(Record r, const std::string& cause, const std::string& why) {
  r.status = Outcome::Failed;
  r.cause = cause;
  r.message = why;
  r.val_error = r.test_error = INFINITY;
  return r;
}

Record stopped_early(Record r, const std::vector<double>& reported, int last_epoch) {
  r.status = Outcome::Stopped;
  r.cause = "rung";
  r.curves = reported;
  r.epochs = last_epoch;
  const auto best = std::min_element(reported.begin(), reported.end());
  r.val_error = *best;
  r.best_epoch = static_cast<int>(best - reported.begin()) + 1;
  r.test_error = INFINITY;
  return r;
}

Record completed(const Record& measured, Record got) {
  got.seed = measured.seed;
  got.device = measured.device;
  got.seconds = measured.seconds;
  if (!got.ok()) got.val_error = got.test_error = INFINITY;
  if (got.status == Outcome::Failed && got.cause.empty()) got.cause = "reported";
  return got;
}

bool ProgressTracker::add(int epoch, double error) {
  if (pruned_ || !progress_.at_epoch) return pruned_;
  if (epoch <= last_epoch_) return false;  // a line again (a restart): not a new epoch
  last_epoch_ = epoch;
  reported_.push_back(error);
  // The best so far: what its result would be if it ended now.
  pruned_ = progress_.at_epoch(epoch, *std::min_element(reported_.begin(), reported_.end()));
  return pruned_;
}

bool ProgressTracker::add_line(const std::string& line) {
  try {
    const auto j = Json::parse(quote_non_finite(line));
    return add(j.at("epoch").get<int>(), number(j.at("error"), "error"));
  } catch (const std::exception&) {
    return pruned_;
  }
}

bool ended_with_the_run(int status, const std::function<bool()>& stop, double wait_s) {
  int s = 0;
  if (WIFSIGNALED(status))
    s = WTERMSIG(status);
  else if (WIFEXITED(status) && WEXITSTATUS(status) > 128)
    s = WEXITSTATUS(status) - 128;
  if (s != SIGTERM && s != SIGUSR1 && s != SIGUSR2 && s != SIGINT && s != SIGHUP) return false;
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    if (stop()) return true;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > wait_s)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string seconds_text(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

Record read_result_json(const Json& j) {
  Record r;
  r.test_error = std::nan("");
  if (!j.is_object()) throw std::runtime_error("not a JSON object ({\"error\": ...})");
  if (!j.contains("error"))
    throw std::runtime_error("no 'error' (the number hsicho ranks configurations by)");
  r.val_error = number(j["error"], "error");
  if (j.contains("test_error")) r.test_error = number(j["test_error"], "test_error");
  auto whole = [&](const char* key, auto& out) {
    if (!j.contains(key)) return;
    const double v = number(j[key], key);
    if (!(v >= 0) || v != std::floor(v) || v > 9e15)
      throw std::runtime_error(std::string("'") + key + "' must be a whole number >= 0");
    out = static_cast<std::remove_reference_t<decltype(out)>>(v);
  };
  whole("parameters", r.parameters);
  whole("flops", r.flops);
  whole("epochs", r.epochs);
  whole("best_epoch", r.best_epoch);
  if (j.contains("cost")) r.metrics["cost"] = number(j["cost"], "cost");
  if (j.contains("message")) {
    if (!j["message"].is_string()) throw std::runtime_error("'message' is not a string");
    r.message = j["message"].get<std::string>();
  }
  if (j.contains("metrics")) {
    if (!j["metrics"].is_object())
      throw std::runtime_error("'metrics' is not an object of named numbers");
    for (const auto& [name, value] : j["metrics"].items()) {
      if (!metric_name_ok(name)) {
        throw std::runtime_error(
            "metric name '" + name +
            "' is not a word of letters, digits, '_', '-' and '.' that starts with a "
            "letter, a digit or '_' (64 characters at most)");
      }
      r.metrics[name] = number(value, "metrics." + name);
    }
  }
  if (j.contains("curves")) {
    if (!j["curves"].is_array()) throw std::runtime_error("'curves' is not a list of numbers");
    for (const auto& v : j["curves"])
      r.curves.push_back(number(v, "curves"));
  }
  if (j.contains("status")) {
    if (!j["status"].is_string()) throw std::runtime_error("'status' is not a string");
    const auto text = j["status"].get<std::string>();
    const auto status = outcome_from(text);
    if (!status || *status == Outcome::Stopped)  // stopping early is hsicho's decision
      throw std::runtime_error("status '" + text + "' is not ok, diverged or failed");
    r.status = *status;
  }
  if (r.ok() && !std::isfinite(r.val_error)) {
    r.status = Outcome::Diverged;
    if (r.message.empty())
      r.message = "error is " + std::string(std::isnan(r.val_error) ? "NaN" : "infinite");
  }
  return r;
}

}  // namespace hsicho::external::parts
