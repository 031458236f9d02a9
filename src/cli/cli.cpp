#include "hsicho/cli/cli.hpp"

#include <iostream>

#include "commands.hpp"
#include "hsicho/dist/mpi_session.hpp"
#include "hsicho/error.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/version.hpp"

namespace hsicho::cli {
namespace {

const char* kUsage =
    "usage: hsicho COMMAND [ARGS]\n"
    "\n"
    "Goal-oriented sensitivity analysis (HSIC) of neural-network hyperparameters.\n"
    "\n"
    "commands:\n"
    "  run DECK.yaml [--out study.h5] [--resume]\n"
    "                                      the study: train the design on all MPI ranks, analyse,\n"
    "                                      write the HDF5 study file (srun/mpiexec hsicho run "
    "...)\n"
    "  validate DECK.yaml [--no-data]      check a deck (and read its data files) and describe\n"
    "                                      its space\n"
    "  design DECK.yaml [--n N] [--csv]    print the design of configurations (no training)\n"
    "  eval DECK.yaml [--set name=value ...] [--seed S] [--json]\n"
    "                                      train one configuration, print its result\n"
    "  analyze FILE.csv --target COL       sensitivity indices of the other columns\n"
    "  analyze STUDY.h5                    the same, from a study file (errors: validation)\n"
    "      [--alpha A] [--bandwidth median|std|max|VALUE] [--estimator v|u]\n"
    "      [--pvalues gamma|permutation:B|none] [--interactions] [--conditional]\n"
    "      [--space DECK.yaml] [--ignore COL,...] [--scaling hsic|paper] [--global]\n"
    "      [--block B] [--seed S] [--json]\n"
    "  report STUDY.h5 [--json]            what a study found: ranking, best network, failures\n"
    "  export STUDY.h5 --csv               one row per training (typed values, results)\n"
    "  help                                this text\n"
    "  version                             program version\n"
    "\n"
    "exit codes: 0 success, 1 runtime failure, 2 bad input (deck, arguments, files)\n"
    "documentation: docs/deck.md (input decks), README.md\n";

}  // namespace

int run(const std::vector<std::string>& args, const Context& ctx) {
  const bool root = ctx.rank == 0;
  try {
    if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      if (root) std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "version" || args[0] == "--version") {
      if (root) std::cout << "hsicho " << kVersion << " (" << kGitCommit << ")\n";
      return 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "validate") return cmd_validate(rest, ctx);
    if (args[0] == "design") return cmd_design(rest, ctx);
    if (args[0] == "analyze") return cmd_analyze(rest, ctx);
    if (args[0] == "eval") return cmd_eval(rest, ctx);
    if (args[0] == "run") return cmd_run(rest, ctx);
    if (args[0] == "report") return cmd_report(rest, ctx);
    if (args[0] == "export") return cmd_export(rest, ctx);
    throw InputError("unknown command '" + args[0] + "'" +
                     did_you_mean(args[0], {"validate", "design", "help", "version", "run", "eval",
                                            "analyze", "report"}) +
                     "; 'hsicho help' lists the commands");
  } catch (const InputError& e) {
    // Every rank reads the same input the same way, so every rank fails alike: one message.
    if (root) std::cerr << "hsicho: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // One line, written at once, so that the lines of several failing ranks do not interleave.
    const std::string where = ctx.ranks > 1 ? " on rank " + std::to_string(ctx.rank) : "";
    std::cerr << "hsicho: failure" + where + ": " + e.what() + "\n" << std::flush;
    // A failure may strike one rank only (its disk, its memory): the others would wait for it
    // in the next collective call for ever. Ending the whole job is the only safe way out.
    if (ctx.ranks > 1) dist::abort_all(1);
    return 1;
  }
}

}  // namespace hsicho::cli
