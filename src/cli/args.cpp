#include "hsicho/cli/args.hpp"

#include <cerrno>
#include <cstdlib>

#include "hsicho/error.hpp"
#include "hsicho/suggest.hpp"

namespace hsicho::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
           const std::string& command) {
  std::vector<std::string> known;
  for (const auto& s : specs)
    known.push_back("--" + s.name);
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1), name = name.substr(0, eq), inline_value = true;
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (!spec) {
      throw InputError("hsicho " + command + ": unknown option '--" + name + "'" +
                       did_you_mean("--" + name, known) +
                       (known.empty() ? "" : "; options: " + join(known, " ")));
    }
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= argv.size()) {
        throw InputError("hsicho " + command + ": option '--" + name + "' needs a value");
      }
      value = argv[++i];
    } else if (!spec->takes_value && inline_value) {
      throw InputError("hsicho " + command + ": option '--" + name + "' takes no value");
    }
    if (!spec->repeatable && values_.count(name)) {
      throw InputError("hsicho " + command + ": option '--" + name + "' given twice");
    }
    values_[name].push_back(value);
  }
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<long long> Args::integer(const std::string& name, long long minimum) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || end != v->c_str() + v->size() || errno == ERANGE || x < minimum) {
    throw InputError("option '--" + name + "' needs a whole number >= " + std::to_string(minimum) +
                     ", got '" + *v + "'");
  }
  return x;
}

}  // namespace hsicho::cli
