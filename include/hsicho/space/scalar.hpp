// The one reader of scalar text, used by the deck, by --set and by every command-line option that
// takes a number: the same text means the same value wherever it is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hsicho::space::scalar {

// A finite number written in full (no trailing text): "0.1", "1e-3", "-2". Nothing else.
std::optional<double> to_number(std::string_view text);

// A whole number: "12", "-3", or a whole value in any number notation ("1e3") up to 2^53.
std::optional<std::int64_t> to_integer(std::string_view text);

// Booleans are written one way everywhere (YAML 1.2's core schema): true, True, TRUE, false,
// False, FALSE. "yes", "no", "1" and "0" are refused (YAML 1.1 read "no" as false, which has
// surprised many a user: Norway's country code NO).
std::optional<bool> to_boolean(std::string_view text);

// The message part for a refused value, e.g. "must be true or false, got 'yes'".
std::string boolean_expected(std::string_view got);

}  // namespace hsicho::space::scalar
