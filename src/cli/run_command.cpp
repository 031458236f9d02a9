// hsicho run DECK.yaml [--out study.h5] [--resume]: the distributed study.
#include "commands.hpp"
#include "hsicho/study/run.hpp"

namespace hsicho::cli {

int cmd_run(const RunArgs& args, const Context& ctx) {
  study::RunOptions o;
  o.deck = args.deck;
  o.out = args.out;
  o.resume = args.resume;
  return study::run(o, ctx.rank, ctx.ranks);
}

}  // namespace hsicho::cli
