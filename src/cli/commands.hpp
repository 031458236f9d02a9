// One function per subcommand; each throws InputError / RuntimeError and returns 0 on success.
#pragma once

#include "hsicho/cli/cli.hpp"
#include "hsicho/cli/command_line.hpp"

namespace hsicho::cli {

int cmd_validate(const ValidateArgs& args, const Context& ctx);
int cmd_design(const DesignArgs& args, const Context& ctx);
int cmd_analyze(const AnalyzeArgs& args, const Context& ctx);
int cmd_eval(const EvalArgs& args, const Context& ctx);
int cmd_run(const RunArgs& args, const Context& ctx);
int cmd_report(const ReportArgs& args, const Context& ctx);
int cmd_export(const ExportArgs& args, const Context& ctx);
int cmd_status(const StatusArgs& args, const Context& ctx);
int cmd_keys(const KeysArgs& args, const Context& ctx);

}  // namespace hsicho::cli
