// CSV text as RFC 4180 has it: fields with a comma, quote or line break are quoted.
#pragma once

#include <string>
#include <vector>

namespace hsicho::io {

std::string csv_field(const std::string& text);
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace hsicho::io
