// A small JSON writer for --json output: objects, arrays, strings, numbers (NaN and infinities
// become null, as JSON has no such numbers).
#pragma once

#include <string>

namespace hsicho::io {

std::string json_string(const std::string& s);
std::string json_number(double v);

}  // namespace hsicho::io
