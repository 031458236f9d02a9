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
#include <sstream>

#include <nlohmann/json.hpp>

#include "hsicho/backoff.hpp"
#include "hsicho/error.hpp"
#include "hsicho/external/work_folder.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/space/scalar.hpp"

extern char** environ;

namespace hsicho::external {
namespace fs = std::filesystem;
using Json = io::Json;  // keys in the order written: params.json lists the space in deck order

namespace {

const std::vector<std::string> kPlaceholders = {"params", "result", "id",
                                                "stage",  "seed",   "workdir"};

// Replaces {name} by its value; `quote` wraps values for /bin/sh.
std::string substitute(const std::string& text,
                       const std::vector<std::pair<std::string, std::string>>& values,
                       bool quote = false) {
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

bool program_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return executable_file(program);
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (executable_file((dir.empty() ? "." : dir) + "/" + program)) return true;
  }
  return false;
}

std::string last_lines(const std::string& path, std::size_t lines = 3) {
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

// Python's json writes NaN, Infinity and -Infinity bare, which JSON does not allow: quoted here
// (outside strings) so that the parser takes them.
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
  Record r;
  r.test_error = std::nan("");
  Json j;
  try {
    j = Json::parse(quote_non_finite(text));
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("not valid JSON (") + e.what() + ")");
  }
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

std::optional<Record> run(const CommandSettings& settings, const Job& job,
                          const std::function<bool()>& stop, const Progress& progress) {
  Record r;
  r.seed = job.seed;
  const std::string gpu = gpu_for_rank(job.local_rank);
  r.device = gpu.empty() ? "cpu" : "cuda:" + gpu;
  const auto failed = [&](const std::string& cause, const std::string& why) {
    r.status = Outcome::Failed;
    r.cause = cause;
    r.message = why;
    r.val_error = r.test_error = INFINITY;
    return r;
  };
  const std::string id = job.id_text.empty() ? std::to_string(job.id) : job.id_text;
  std::vector<std::pair<std::string, std::string>> values = {
      {"id", id}, {"stage", std::to_string(job.stage)}, {"seed", std::to_string(job.seed)}};
  const fs::path dir =
      fs::absolute(fs::path(settings.work_base) / substitute(settings.workdir, values))
          .lexically_normal();
  // The template was checked (no '..'); this keeps any value from leading elsewhere.
  if (!inside(dir, work_root(settings)))
    return failed("work folder", "the work folder '" + dir.string() + "' is not inside '" +
                                     work_root(settings).string() + "'");
  const std::string params = (dir / "params.json").string(),
                    result = (dir / "result.json").string();
  values.emplace_back("workdir", dir.string());
  values.emplace_back("params", params);
  values.emplace_back("result", result);

  // An earlier, unfinished run of this configuration (a killed job): set aside, not mixed in.
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    for (int n = 1;; ++n) {
      const fs::path aside = dir.string() + ".unfinished-" + std::to_string(n);
      if (!fs::exists(aside, ec)) {
        fs::rename(dir, aside, ec);
        break;
      }
    }
  }
  // hsicho's own writes failing (a full disk, a folder it may not write in) are faults of the
  // run, not results of the configuration: the run stops, --resume trains it again.
  fs::create_directories(dir, ec);
  if (ec)
    throw RuntimeError("cannot create the work folder '" + dir.string() + "': " + ec.message());
  {
    Json p;
    p["id"] = job.id;
    p["stage"] = job.stage;
    p["seed"] = job.seed;
    p["params"] = Json::object();
    for (const auto& [name, value] : job.params)
      p["params"][name] = io::value_to_json(value);
    if (job.epochs_factor != 1) p["epochs_factor"] = job.epochs_factor;
    p["device"] = gpu.empty() ? "cpu" : "cuda:0";  // the one GPU the command sees
    p["gpu"] = gpu.empty() ? Json(nullptr) : Json(gpu);
    p["workdir"] = dir.string();
    p["result"] = result;
    p["progress"] = (dir / "progress.jsonl").string();
    p["stop_file"] = (dir / "stop").string();
    std::ofstream out(params);
    out << p.dump(2) << '\n';
    out.close();  // a full disk shows at the flush, not at <<
    if (!out) throw RuntimeError("cannot write '" + params + "' (disk full?)");
  }

  std::vector<std::string> args;
  if (settings.shell) {
    args = {"/bin/sh", "-c", substitute(settings.argv[0], values, true)};
  } else {
    for (const auto& a : settings.argv)
      args.push_back(substitute(a, values));
  }
  // The command's environment: hsicho's, without the MPI launcher's variables (the command is
  // not a rank of this job: an MPI program inside it would try to join it), plus the GPU, the
  // file paths, and the deck's env.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    if (v.rfind("OMPI_", 0) == 0 || v.rfind("PMIX_", 0) == 0 || v.rfind("PMI_", 0) == 0) continue;
    if (v.rfind("CUDA_VISIBLE_DEVICES=", 0) == 0) continue;
    env.push_back(v);
  }
  auto set_env = [&](const std::string& name, const std::string& value) {
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& v) { return v.rfind(name + "=", 0) == 0; }),
              env.end());
    env.push_back(name + "=" + value);
  };
  set_env("CUDA_VISIBLE_DEVICES", gpu);
  set_env("HSICHO_PARAMS", params);
  set_env("HSICHO_RESULT", result);
  set_env("HSICHO_WORKDIR", dir.string());
  set_env("HSICHO_ID", id);
  const std::string progress_path = (dir / "progress.jsonl").string(),
                    stop_path = (dir / "stop").string();
  set_env("HSICHO_PROGRESS", progress_path);
  set_env("HSICHO_STOP_FILE", stop_path);
  for (const auto& [name, value] : settings.env)
    set_env(name, substitute(value, values));

  std::vector<char*> argv_c, env_c;
  for (auto& a : args)
    argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  for (auto& e : env)
    env_c.push_back(e.data());
  env_c.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out_path = (dir / "stdout.txt").string(),
                    err_path = (dir / "stderr.txt").string();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
#else
  // Older C libraries: the shell changes folder, then becomes the command.
  args.insert(args.begin(), {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir.string()});
  argv_c.clear();
  for (auto& a : args)
    argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
#endif
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
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv_c[0], &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return failed("start", "cannot start '" + args[0] + "': " + std::strerror(rc));

  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Waits with short sleeps that grow (0.1 ms to 20 ms): a quick command costs little time, a
  // long one little CPU.
  int status = 0;
  Backoff backoff(100000);  // polls from 0.1 ms up to 20 ms: a quick command ends quickly
  bool timed_out = false, stopped = false, killed = false, pruned = false;
  double term_sent = -1;
  // The progress the command reports (a line per epoch), read as it grows.
  std::vector<double> reported;
  int last_epoch = 0;
  std::size_t read_at = 0;
  std::string pending;
  auto read_progress = [&] {
    if (!progress.at_epoch || pruned) return;
    if (!io::not_regular(progress_path).empty()) return;  // a FIFO would block: not progress
    std::ifstream in(progress_path, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(read_at));
    std::string more((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    read_at += more.size();
    pending += more;
    for (auto eol = pending.find('\n'); eol != std::string::npos && !pruned;
         eol = pending.find('\n')) {
      const std::string line = pending.substr(0, eol);
      pending.erase(0, eol + 1);
      try {
        const auto j = Json::parse(quote_non_finite(line));
        const int epoch = j.at("epoch").get<int>();
        const double error = number(j.at("error"), "error");
        if (epoch <= last_epoch) continue;  // a line again (a restart): not a new epoch
        last_epoch = epoch;
        reported.push_back(error);
        // The best so far: what its result would be if it ended now.
        if (progress.at_epoch(epoch, *std::min_element(reported.begin(), reported.end())))
          pruned = true;
      } catch (const std::exception&) {
        // not a progress line: the command's to fix; it is simply not stopped early on it
      }
    }
  };
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR)
      return failed("start", std::string("waitpid: ") + std::strerror(errno));
    read_progress();
    const double t = elapsed();
    const bool asked = stop();
    if (term_sent < 0 && ((settings.timeout > 0 && t > settings.timeout) || asked || pruned)) {
      stopped = asked;
      timed_out = !asked && !pruned;
      if (pruned) std::ofstream(stop_path) << "stop\n";  // the polite way, beside SIGTERM
      ::kill(-pid, SIGTERM);
      term_sent = t;
    } else if (term_sent >= 0 && !killed &&
               t - term_sent > (pruned ? progress.grace : settings.kill_grace)) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    backoff.wait();
  }
  ::kill(-pid, SIGKILL);  // what the command left running in its group
  r.seconds = elapsed();
  if (stopped) return std::nullopt;
  if (pruned) {
    // Stopped early at a rung: its curve so far is its result, its error censored.
    r.status = Outcome::Stopped;
    r.cause = "rung";
    r.curves = reported;
    r.epochs = last_epoch;
    r.val_error = *std::min_element(reported.begin(), reported.end());
    r.best_epoch =
        static_cast<int>(std::min_element(reported.begin(), reported.end()) - reported.begin()) + 1;
    r.test_error = INFINITY;
    return r;
  }
  if (timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g s", settings.timeout);
    return failed("timeout", std::string("timed out after ") + buf +
                                 (killed ? " (killed with SIGKILL after SIGTERM)"
                                         : " (stopped with SIGTERM)"));
  }
  if (WIFSIGNALED(status)) {
    const int s = WTERMSIG(status);
    const std::string tail = last_lines(err_path);
    return failed("signal", "killed by signal " + std::to_string(s) + " (" + strsignal(s) + ")" +
                                (tail.empty() ? "" : ": " + tail));
  }
  if (WEXITSTATUS(status) != 0) {
    const std::string tail = last_lines(err_path);
    return failed("exit code", "exit code " + std::to_string(WEXITSTATUS(status)) +
                                   (tail.empty() ? " (stderr.txt is empty)" : ": " + tail));
  }
  std::error_code exists_ec;
  if (!fs::exists(fs::symlink_status(result, exists_ec)))
    return failed("result file",
                  "the command exited 0 but wrote no result.json (expected: " + result + ")");
  std::string text;
  try {
    // Bounded: never a FIFO (it would block the rank for ever), a device or a folder, and at most
    // 16 MiB (a result is a few hundred bytes; metrics and curves stay far below).
    text = io::read_regular_file(result, "result", 16u << 20);
  } catch (const InputError& e) {
    return failed("result file", e.what());
  }
  try {
    Record got = read_result(text);
    got.seed = r.seed;
    got.device = r.device;
    got.seconds = r.seconds;
    if (!got.ok()) got.val_error = got.test_error = INFINITY;
    if (got.status == Outcome::Failed) got.cause = "reported";  // the program said it failed
    return got;
  } catch (const std::exception& e) {
    return failed("result file", "result.json: " + std::string(e.what()));
  }
}

}  // namespace hsicho::external
