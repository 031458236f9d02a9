// Command-line arguments of one subcommand: positionals and --options, checked against what the
// subcommand accepts (an unknown option is an InputError with a suggestion).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hsicho::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value;  // --name VALUE (or --name=VALUE)
  bool repeatable = false;
};

class Args {
 public:
  Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
       const std::string& command);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool flag(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
  // A whole number >= minimum, or an InputError naming the option.
  std::optional<long long> integer(const std::string& name, long long minimum) const;

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::vector<std::string>> values_;
};

}  // namespace hsicho::cli
