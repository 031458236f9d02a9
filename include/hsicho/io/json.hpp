// JSON for every --json output, through nlohmann-json: keys in the order they are set, NaN and
// infinities as null (JSON has no such numbers), and text that is not valid UTF-8 (a path, a
// LibTorch message) with each bad byte replaced by U+FFFD, so that the output always parses.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hsicho/space/value.hpp"

namespace hsicho::io {

using Json = nlohmann::ordered_json;

// The document as text, indented by two spaces, ending in a newline.
std::string json_text(const Json& document);

// A hyperparameter's value as JSON of its own kind (number, whole number, true/false, text), and
// back; value_from_json throws std::invalid_argument for anything else (null, lists, objects).
Json value_to_json(const space::Value& v);
space::Value value_from_json(const Json& j);

}  // namespace hsicho::io
