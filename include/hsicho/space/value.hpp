// The typed value of one hyperparameter in one configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hsicho::space {

// double for continuous and log values, int64 for integers, bool for booleans, string for
// category names. Numeric categories keep their number (int64 when all are whole).
using Value = std::variant<double, std::int64_t, bool, std::string>;

// A configuration: one entry per hyperparameter of the space, in the space's order;
// std::nullopt where a conditional hyperparameter is inactive (never silently filled).
using Config = std::vector<std::optional<Value>>;

bool is_number(const Value& v);
double as_number(const Value& v);  // requires is_number

// Equality across numeric kinds (3 == 3.0); strings and booleans compare with their own kind.
bool same_value(const Value& a, const Value& b);

// Shortest text that reads back as the same value ("0.1", "32", "true", "relu").
std::string to_text(const Value& v);

// What people read in tables and summaries: a continuous value to 4 significant digits
// ("lr=0.007995", not 0.007994866603220845); the files keep to_text's exact form.
std::string to_display(const Value& v);
// The same for a value already written with to_text (a number with a point or an exponent is
// shortened; integers and words stay as they are).
std::string to_display(const std::string& text);

}  // namespace hsicho::space
