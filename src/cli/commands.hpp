// One function per subcommand; each throws InputError / RuntimeError and returns 0 on success.
#pragma once

#include <string>
#include <vector>

#include "hsicho/cli/cli.hpp"

namespace hsicho::cli {

int cmd_validate(const std::vector<std::string>& argv, const Context& ctx);
int cmd_design(const std::vector<std::string>& argv, const Context& ctx);
int cmd_analyze(const std::vector<std::string>& argv, const Context& ctx);
int cmd_eval(const std::vector<std::string>& argv, const Context& ctx);
int cmd_run(const std::vector<std::string>& argv, const Context& ctx);
int cmd_report(const std::vector<std::string>& argv, const Context& ctx);
int cmd_export(const std::vector<std::string>& argv, const Context& ctx);

}  // namespace hsicho::cli
