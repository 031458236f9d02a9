// hsicho run DECK.yaml [--out study.h5] [--resume]: the distributed study.
#include "commands.hpp"
#include "hsicho/cli/args.hpp"
#include "hsicho/error.hpp"
#include "hsicho/study/run.hpp"

namespace hsicho::cli {

int cmd_run(const std::vector<std::string>& argv, const Context& ctx) {
  Args args(argv, {{"out", true}, {"resume", false}}, "run");
  if (args.positionals().size() != 1) {
    throw InputError(
        "hsicho run needs one deck: srun hsicho run DECK.yaml [--out study.h5] [--resume]");
  }
  study::RunOptions o;
  o.deck = args.positionals()[0];
  o.out = args.value("out").value_or("");
  o.resume = args.flag("resume");
  return study::run(o, ctx.rank, ctx.ranks);
}

}  // namespace hsicho::cli
