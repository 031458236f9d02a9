#include "hsicho/cli/cli.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/parallel/mpi_session.hpp"

namespace hsicho::cli {

namespace {

// Data printed to a full disk or a closed pipe (`export --csv > /dev/full`) is lost: the exit
// status says so, whatever the command itself returned.
int checked_output(int rc) {
  errno = 0;
  std::cout.flush();
  if (std::cout) return rc;
  const int e = errno;
  std::cerr << "hsicho: failure: cannot write the output (standard output)"
            << (e ? std::string(": ") + std::strerror(e) : std::string()) << "\n";
  return rc == 0 ? 1 : rc;
}

int dispatch(const Invocation& inv, const Context& ctx) {
  const bool root = ctx.rank == 0;
  if (inv.command.empty()) {
    if (root) (inv.exit_code == 0 ? std::cout : std::cerr) << inv.text;
    return inv.exit_code;
  }
  if (inv.command == "validate") return cmd_validate(inv.validate, ctx);
  if (inv.command == "design") return cmd_design(inv.design, ctx);
  if (inv.command == "analyze") return cmd_analyze(inv.analyze, ctx);
  if (inv.command == "eval") return cmd_eval(inv.eval, ctx);
  if (inv.command == "run") return cmd_run(inv.run, ctx);
  if (inv.command == "report") return cmd_report(inv.report, ctx);
  if (inv.command == "export") return cmd_export(inv.export_, ctx);
  if (inv.command == "status") return cmd_status(inv.status, ctx);
  if (inv.command == "keys") return cmd_keys(inv.keys, ctx);
  throw std::logic_error("command '" + inv.command + "' is declared but not dispatched");
}

}  // namespace

bool trains(std::string_view command) {
  return command == "run" || command == "eval";
}

int run(const std::vector<std::string>& args, const Context& ctx) {
  const bool root = ctx.rank == 0;
  try {
    return checked_output(dispatch(parse_command_line(args), ctx));
  } catch (const InputError& e) {
    // Every rank reads the same input the same way, so every rank fails alike: one message.
    if (root) std::cerr << "hsicho: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // A path longer than the file system takes is the user's to shorten, not a failure.
    if (const auto* fe = dynamic_cast<const std::filesystem::filesystem_error*>(&e);
        fe && fe->code() == std::errc::filename_too_long) {
      if (root) {
        std::cerr << "hsicho: error: the path '" << fe->path1().string()
                  << "' is longer than the file system allows (a name of at most 255 bytes, a "
                     "path of at most 4096): give a shorter one\n";
      }
      return 2;
    }
    // One line, written at once, so that the lines of several failing ranks do not interleave.
    const std::string where = ctx.ranks > 1 ? " on rank " + std::to_string(ctx.rank) : "";
    std::cerr << "hsicho: failure" + where + ": " + e.what() + "\n" << std::flush;
    // A failure may strike one rank only (its disk, its memory): the others would wait for it
    // in the next collective call for ever. Ending the whole job is the only safe way out.
    if (ctx.ranks > 1) parallel::abort_all(1);
    return 1;
  }
}

}  // namespace hsicho::cli
