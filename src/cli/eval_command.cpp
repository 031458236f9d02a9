// hsicho eval DECK.yaml --set name=value ...: train one configuration and print its record.
#include <cmath>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/evaluate.hpp"
#include "render.hpp"

namespace hsicho::cli {
int cmd_eval(const EvalArgs& args, const Context& ctx) {
  auto e = study::prepare_evaluation(args.deck, args.set, args.seed);
  if (ctx.rank != 0) return 0;  // one training: rank 0 does it
  study::evaluate(e);
  const auto& deck = e.deck;
  const auto& config = e.config;
  const auto& r = e.record;
  const bool regression = e.metric == "mse";
  if (args.json) {
    io::Json values = io::Json::object();
    for (std::size_t k = 0; k < deck.space.size(); ++k) {
      if (!config[k]) continue;
      const auto& v = *config[k];
      const auto& name = deck.space[k].name;
      if (space::is_number(v))
        values[name] = space::as_number(v);
      else if (std::holds_alternative<bool>(v))
        values[name] = std::get<bool>(v);
      else
        values[name] = space::to_text(v);
    }
    io::Json j = io::record_to_json(r, io::NonFinite::Null);
    j["metric"] = e.metric;
    j["config"] = values;
    std::cout << io::json_text(j);
  } else {
    std::cout << "hsicho eval " << deck.path << ":";
    for (std::size_t k = 0; k < deck.space.size(); ++k) {
      if (config[k]) std::cout << " " << deck.space[k].name << "=" << space::to_display(*config[k]);
    }
    // An external command's error is whatever it reports: named as such, not as a rate.
    const char* metric = regression ? "MSE" : e.metric == "error" ? "error" : "error rate";
    std::cout << "\nstatus " << outcome_name(r.status)
              << (r.message.empty() ? "" : " (" + r.message + ")") << "\n"
              << "validation " << metric << " " << num(r.val_error)
              << (regression ? " (relative L2 " + num(r.val_rel_l2) + ")" : "") << ", test "
              << metric << " " << num(r.test_error)
              << (regression ? " (relative L2 " + num(r.test_rel_l2) + ")" : "") << "\n"
              << (r.epochs <= 0 ? ""
                                : "best epoch " + std::to_string(r.best_epoch) + " of " +
                                      std::to_string(r.epochs) + " run, ")
              << r.parameters << " parameters, " << num(r.seconds, "{:.2f}") << " s on " << r.device
              << ", seed " << r.seed << "\n";
  }
  return r.status == Outcome::Failed ? 1 : 0;
}

}  // namespace hsicho::cli
