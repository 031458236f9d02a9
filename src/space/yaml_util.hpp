// Checked access to yaml-cpp nodes: every failure is an InputError at the node's line and column.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "hsicho/error.hpp"

namespace hsicho::space::yaml {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  SourceMark mark(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

  // Throws for a node that is not a map, or for a key outside `allowed`.
  void expect_keys(const YAML::Node& node, const std::string& where,
                   const std::vector<std::string>& allowed) const;
  void expect_map(const YAML::Node& node, const std::string& where) const;

  // The key node of `key` in a map (for marks that point at the key, not its value).
  static YAML::Node key_node(const YAML::Node& map, const std::string& key);

  std::string scalar(const YAML::Node& node, const std::string& what) const;
  double number(const YAML::Node& node, const std::string& what) const;
  std::int64_t integer(const YAML::Node& node, const std::string& what) const;
  bool boolean(const YAML::Node& node, const std::string& what) const;
  // One of `choices`, with a suggestion when it is a near miss.
  std::string choice(const YAML::Node& node, const std::string& what,
                     const std::vector<std::string>& choices) const;
  // Quoted scalars are text even when they look like numbers ("3" vs 3).
  static bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

}  // namespace hsicho::space::yaml
