// Errors that hsicho reports to users. Two kinds, because batch users script on exit codes:
// InputError (exit 2) is the user's to fix (deck, arguments, files); RuntimeError (exit 1) is not.
#pragma once

#include <stdexcept>
#include <string>

namespace hsicho {

// Where in an input file something was found; line and column are 1-based, 0 when unknown.
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;

  // "deck.yaml:12:5" (or less, as far as it is known).
  std::string str() const;
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  InputError(const SourceMark& mark, const std::string& message)
      : std::runtime_error(mark.str() + ": " + message) {}
};

class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace hsicho
