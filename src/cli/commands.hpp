// One function per subcommand; each throws InputError / RuntimeError and returns 0 on success.
#pragma once

#include <string>

#include "hsicho/cli/cli.hpp"
#include "hsicho/cli/command_line.hpp"

namespace hsicho::io {
struct StudyData;
}

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

// The best and the pick side by side, with the pick's rule (report's table; analyze prints it
// when given --tolerance or --cost on a study file). Empty without a pick.
std::string best_and_pick_text(const io::StudyData& study);

}  // namespace hsicho::cli
