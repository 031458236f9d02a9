#include "hsicho/io/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hsicho/error.hpp"

namespace hsicho::io {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string refusal(const std::string& path, const std::string& kind, const std::string& what) {
  return "'" + path + "' is " + kind + ", not a " + what + " file: give a regular file";
}

std::string bytes_text(std::uint64_t b) {
  if (b >= (1ull << 30)) return std::to_string(b >> 30) + " GiB";
  if (b >= (1ull << 20)) return std::to_string(b >> 20) + " MiB";
  return std::to_string(b) + " bytes";
}

}  // namespace

std::string not_regular(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return kind_of(st.st_mode);
}

void require_regular_file(const std::string& path, const std::string& what) {
  if (const auto kind = not_regular(path); !kind.empty())
    throw InputError(refusal(path, kind, what));
}

std::string read_regular_file(const std::string& path, const std::string& what,
                              std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; fstat then
  // refuses it. The flag does not change how a regular file reads.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw InputError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw InputError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  if (const auto kind = kind_of(st.st_mode); !kind.empty())
    throw InputError(refusal(path, kind, what));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes) {
    throw InputError("'" + path + "' holds " + bytes_text(size) + ", more than a " + what +
                     " may (" + bytes_text(max_bytes) + ")");
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError("cannot read " + what + " '" + path + "': " + std::strerror(errno));
    }
    if (got == 0) break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > max_bytes)  // it grew while being read
      throw InputError("'" + path + "' grew beyond what a " + what + " file may hold (" +
                       bytes_text(max_bytes) + ")");
  }
  return text;
}

}  // namespace hsicho::io
