#include "hsicho/external/work_folder.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "hsicho/error.hpp"
#include "hsicho/io/regular_file.hpp"

namespace hsicho::external {
namespace fs = std::filesystem;

std::string workdir_problem(const std::string& workdir) {
  if (workdir.find("{id}") == std::string::npos) {
    return "training.workdir must contain {id}: every configuration needs a folder of its own "
           "(e.g. runs/{id})";
  }
  std::size_t from = 0;
  while (from <= workdir.size()) {
    const auto to = std::min(workdir.find('/', from), workdir.size());
    const auto part = workdir.substr(from, to - from);
    if (part == "." || part == "..") {
      return "training.workdir '" + workdir + "' has a '" + part +
             "' component: work folders could leave their folder or share one; write a plain "
             "path, e.g. runs/{id}";
    }
    from = to + 1;
  }
  return "";
}

fs::path work_root(const CommandSettings& settings) {
  const auto& w = settings.workdir;
  const auto brace = w.find('{');
  const auto slash = w.rfind('/', brace == std::string::npos ? w.size() : brace);
  const std::string folders = slash == std::string::npos ? "" : w.substr(0, slash);
  fs::path root = fs::path(settings.work_base) / folders;
  if (root.empty()) root = ".";
  return fs::absolute(root).lexically_normal();
}

bool inside(const fs::path& dir, const fs::path& root) {
  const auto rel = dir.lexically_relative(root);
  return !rel.empty() && *rel.begin() != ".." && rel != ".";
}

void claim_work_root(const CommandSettings& settings, const std::string& study_file) {
  const fs::path root = work_root(settings);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    throw InputError("cannot create the folder of the work folders '" + root.string() +
                     "': " + ec.message());
  }
  const std::string me = fs::absolute(study_file).lexically_normal().string();
  const fs::path marker = root / ".hsicho-study";
  auto owner_of = [&] {
    std::string owner = io::read_regular_file(marker.string(), "work-root marker", 1 << 16);
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == '\r'))
      owner.pop_back();
    return owner;
  };
  // Already this study's (a resume, another rank): nothing to write.
  if (fs::exists(marker, ec) && owner_of() == me) return;
  // Written whole under a name of its own, then linked to the marker's name: of two studies
  // starting together, one link succeeds and the other finds a complete marker.
  std::random_device entropy;
  const fs::path tmp =
      root / (".hsicho-study." + std::to_string(::getpid()) + "." + std::to_string(entropy()));
  {
    std::ofstream out(tmp);
    out << me << "\n";
    out.close();
    if (!out) {
      const int e = errno;
      fs::remove(tmp, ec);
      // A full disk or a folder without write permission: a fault of the run (exit 1, resume
      // once fixed), like hsicho's other writes.
      throw RuntimeError("cannot write in the folder of the work folders '" + root.string() +
                         "': " + std::strerror(e ? e : EIO));
    }
  }
  const int linked = ::link(tmp.c_str(), marker.c_str());
  const int link_errno = errno;
  fs::remove(tmp, ec);
  if (linked == 0) return;
  if (link_errno != EEXIST) {
    // A file system without hard links: create it only if absent (a small race, said here).
    std::ofstream out(marker, std::ios::app);
    if (fs::file_size(marker, ec) == 0 && !ec) out << me << "\n";
  }
  const std::string owner = owner_of();
  if (owner == me || owner.empty()) return;
  throw InputError(
      "training.workdir: the work folders' folder '" + root.string() + "' belongs to the study '" +
      owner + "' (" + marker.string() +
      "): two studies there would rename each other's folders and read each "
      "other's results. Give this study its own training.workdir (e.g. '" +
      (root.filename().string().empty() ? std::string("runs") : root.filename().string()) +
      "-2/{id}'), or remove " + marker.string() + " if that study is gone");
}

}  // namespace hsicho::external
