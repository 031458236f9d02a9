#include "hsicho/external/worker.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include "command_parts.hpp"
#include "hsicho/backoff.hpp"
#include "hsicho/error.hpp"
#include "hsicho/external/work_folder.hpp"
#include "hsicho/parallel/launcher.hpp"

namespace hsicho::external {
namespace fs = std::filesystem;
using Json = io::Json;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One line of the protocol: the type first, for whoever reads the channel.
std::string message(const std::string& type, const Json& body = Json::object()) {
  Json j = Json::object();
  j["type"] = type;
  for (const auto& [k, v] : body.items())
    j[k] = v;
  return j.dump() + "\n";
}

}  // namespace

Worker::Worker(CommandSettings settings, int local_rank)
    : settings_(std::move(settings)), gpu_(gpu_for_rank(local_rank)) {}

Worker::~Worker() {
  end(true);
}

std::string Worker::start() {
  const fs::path root = work_root(settings_);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw RuntimeError("cannot create '" + root.string() + "': " + ec.message());
  log_path_ =
      (root / ("worker-" + parallel::this_host() + "-" + std::to_string(::getpid()) + ".log"))
          .string();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return std::string("socketpair: ") + std::strerror(errno);
  std::vector<std::string> args = settings_.shell
                                      ? std::vector<std::string>{"/bin/sh", "-c", settings_.argv[0]}
                                      : settings_.argv;
  auto env = parts::environment(settings_, nullptr, gpu_);
  env.push_back("HSICHO_WORKER_FD=3");
  std::string why;
  const pid_t pid = parts::spawn(args, env, root, log_path_, log_path_, true, pair[1], why);
  ::close(pair[1]);
  if (pid < 0) {
    ::close(pair[0]);
    return why;
  }
  pid_ = pid;
  fd_ = pair[0];
  exited_ = false;
  buffer_.clear();
  trainings_ = 0;
  ++starts_;
  return "";
}

void Worker::reap(double seconds) {
  Backoff backoff(100000);
  const auto t0 = std::chrono::steady_clock::now();
  while (!exited_) {
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    if (exited_ || since(t0) >= seconds) break;
    backoff.wait();
  }
}

void Worker::end(bool polite) {
  if (pid_ < 0) return;
  if (polite && !exited_) {
    send(message("exit"));
    ::shutdown(fd_, SHUT_WR);  // and the end of the channel: a worker that reads sees it
    reap(5);
  }
  if (!exited_) {
    ::kill(-pid_, SIGTERM);
    reap(settings_.kill_grace);
  }
  ::kill(-pid_, SIGKILL);  // the worker, if it outlived SIGTERM, and what it left in its group
  if (!exited_ && ::waitpid(pid_, &status_, 0) == pid_) exited_ = true;
  ::close(fd_);
  fd_ = -1;
  pid_ = -1;
}

bool Worker::send(const std::string& line) {
  for (std::size_t at = 0; at < line.size();) {
    // MSG_NOSIGNAL: a worker that died is an answer (EPIPE), not a SIGPIPE that ends the rank.
    const ssize_t n = ::send(fd_, line.data() + at, line.size() - at, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

Worker::Got Worker::receive(std::string& line, int wait_ms) {
  for (;;) {
    if (const auto eol = buffer_.find('\n'); eol != std::string::npos) {
      line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      return Got::Line;
    }
    struct pollfd p {
      fd_, POLLIN, 0
    };
    const int ready = ::poll(&p, 1, wait_ms);
    if (ready <= 0) return Got::Nothing;  // nothing yet, or a signal (the caller looks at stop)
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Got::Nothing;
    if (n <= 0) return Got::Closed;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    wait_ms = 0;  // what has come; a line's rest follows at once
  }
}

std::string Worker::death() const {
  std::string why = "closed its channel";
  if (exited_ && WIFSIGNALED(status_)) {
    const int s = WTERMSIG(status_);
    why = "was killed by signal " + std::to_string(s) + " (" + strsignal(s) + ")";
  } else if (exited_) {
    why = "exited with code " + std::to_string(WEXITSTATUS(status_));
  }
  std::string tail = parts::last_lines(job_err_);
  if (tail.empty()) tail = parts::last_lines(log_path_);
  return "the worker " + why + " during this training" + (tail.empty() ? "" : ": " + tail);
}

std::optional<Record> Worker::run(const Job& job, const std::function<bool()>& stop,
                                  const Progress& progress) {
  Record r;
  r.seed = job.seed;
  r.device = gpu_.empty() ? "cpu" : "cuda:" + gpu_;
  parts::JobFolder f;
  if (const auto why = parts::prepare_folder(settings_, job, gpu_, f); !why.empty())
    return parts::failed(r, "work folder", why);
  job_err_ = f.err;
  Json body = f.params_json;
  body["stdout"] = f.out;
  body["stderr"] = f.err;
  const std::string train = message("train", body);
  // A worker that went away between trainings (or was never started) is started; one that
  // cannot take the job even then has failed it.
  if (pid_ < 0 || !send(train)) {
    if (pid_ >= 0) end(false);
    if (const auto why = start(); !why.empty()) return parts::failed(r, "start", why);
    if (!send(train)) {
      end(false);
      return parts::failed(r, "worker", death());
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  parts::ProgressTracker tracker(progress);
  double stop_sent = -1;  // when early stopping asked the training to stop
  const auto finish = [&](Record done) {
    ++trainings_;
    if (settings_.max_trainings > 0 && trainings_ >= settings_.max_trainings) end(true);
    return done;
  };
  for (;;) {
    std::string line;
    const Got got = receive(line, 20);
    if (got == Got::Line) {
      Json j;
      try {
        j = Json::parse(parts::quote_non_finite(line));
        if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
          throw std::runtime_error("no type");
      } catch (const std::exception&) {
        r.seconds = since(t0);
        end(false);
        return parts::failed(r, "worker",
                             "the worker wrote '" + line.substr(0, 200) +
                                 "' on its channel, which is not a message of the protocol "
                                 "(docs/driver.md); it was stopped and will be started again");
      }
      const std::string type = j["type"].get<std::string>();
      if (type == "progress") {
        bool stop_now = tracker.pruned();
        try {
          stop_now = tracker.add(j.at("epoch").get<int>(), parts::number(j.at("error"), "error"));
        } catch (const std::exception&) {
          // not a progress report: the worker's to fix; it is simply not stopped early on it
        }
        if (stop_now && stop_sent < 0) stop_sent = since(t0);
        send(message(stop_now ? "stop" : "continue"));
      } else if (type == "result" || type == "error") {
        r.seconds = since(t0);
        if (tracker.pruned())
          return finish(parts::stopped_early(r, tracker.reported(), tracker.last_epoch()));
        if (type == "error") {
          const std::string why = j.contains("message") && j["message"].is_string()
                                      ? j["message"].get<std::string>()
                                      : "the training raised";
          return finish(parts::failed_unless_disk_full(
              r, "exception", why.empty() ? "the training raised" : why, f.dir.string(), job.id));
        }
        try {
          j.erase("type");
          return finish(parts::completed(r, parts::read_result_json(j)));
        } catch (const std::exception& e) {
          return finish(parts::failed(r, "result file", "result: " + std::string(e.what())));
        }
      }
      continue;  // other messages ("ready", ...) are the worker's own business
    }
    if (got == Got::Closed || (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_)) {
      // The worker went away in this training: the training failed (or, asked to stop, it
      // stopped); the next one starts a new worker.
      reap(2);  // its exit status, once the channel's end has come before it
      r.seconds = since(t0);
      const std::string why = death();
      const bool signalled = exited_ && WIFSIGNALED(status_);
      const bool with_the_run = exited_ && parts::ended_with_the_run(status_, stop);
      end(false);
      if (with_the_run) return std::nullopt;  // the batch system's signal, not the training's fault
      if (tracker.pruned())
        return finish(parts::stopped_early(r, tracker.reported(), tracker.last_epoch()));
      return finish(parts::failed_unless_disk_full(r,
                                                   signalled ? "signal"
                                                   : exited_ ? "exit code"
                                                             : "worker",
                                                   why, f.dir.string(), job.id));
    }
    const double t = since(t0);
    if (stop()) {
      end(false);
      return std::nullopt;
    }
    if (settings_.timeout > 0 && t > settings_.timeout && !tracker.pruned()) {
      r.seconds = t;
      end(false);
      return finish(parts::failed(r, "timeout",
                                  "timed out after " + parts::seconds_text(settings_.timeout) +
                                      " (the worker was stopped; the next training starts a "
                                      "new one)"));
    }
    if (tracker.pruned() && t - stop_sent > progress.grace) {
      // Asked to stop at a rung, it went on training: stopped, its curve so far its result.
      r.seconds = t;
      end(false);
      return finish(parts::stopped_early(r, tracker.reported(), tracker.last_epoch()));
    }
  }
}

}  // namespace hsicho::external
