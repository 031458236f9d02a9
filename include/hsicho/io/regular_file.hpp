// Files the user names are opened only when they are what they claim to be: a regular file (a
// link to one is followed), never a FIFO (opening it blocks for ever), a device (/dev/zero reads
// for ever), a socket or a folder; and read only up to a size checked before reading. One rule
// for every command, instead of a check per reader.
#pragma once

#include <cstdint>
#include <string>

namespace hsicho::io {

// What `path` is when it is not a regular file, in words ("a FIFO", "a character device",
// "a folder", ...); "" when it is a regular file or does not exist.
std::string not_regular(const std::string& path);

// InputError "'PATH' is a FIFO, not a WHAT file: give a regular file" unless `path` is a regular
// file (a missing one is left to the caller's open, which says so).
void require_regular_file(const std::string& path, const std::string& what);

// The whole content of a regular file of at most `max_bytes`: InputError when it is missing,
// unreadable, not a regular file (checked on the opened file: no race) or larger.
std::string read_regular_file(const std::string& path, const std::string& what,
                              std::uint64_t max_bytes);

}  // namespace hsicho::io
