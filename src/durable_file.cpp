#include "hsicho/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hsicho/error.hpp"

namespace hsicho {

void write_durably(int fd, const char* data, std::size_t size, const std::string& what) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw RuntimeError("cannot write " + what + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw RuntimeError("cannot flush " + what + ": " + std::strerror(errno));
}

void write_file_durably(const std::string& path, const std::string& data, const std::string& what) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw RuntimeError("cannot write " + what + ": " + std::strerror(errno));
  try {
    write_durably(fd, data.data(), data.size(), what);
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    throw RuntimeError("cannot write " + what + ": " + std::strerror(error));
  }
}

}  // namespace hsicho
