// Writes that are on disk when they return (write, then fsync), every failure a RuntimeError
// with the system's reason ("No space left on device"): the journal and the study file share them.
#pragma once

#include <cstddef>
#include <string>

namespace hsicho {

// All of `size` bytes to the open descriptor, then fsync. `what` names the file in messages
// ("cannot write WHAT: ...", "cannot flush WHAT: ...").
void write_durably(int fd, const char* data, std::size_t size, const std::string& what);

// A whole file, created or truncated; on failure it is removed, so that no half-written file is
// left to be mistaken for a complete one.
void write_file_durably(const std::string& path, const std::string& data, const std::string& what);

}  // namespace hsicho
