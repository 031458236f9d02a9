// hsicho eval DECK.yaml --set name=value ...: train one configuration and print its record.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "hsicho/cli/args.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::cli {
namespace {

std::string num(double v, const char* f = "%.4g") {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

int cmd_eval(const std::vector<std::string>& argv, const Context& ctx) {
  Args args(argv, {{"set", true, true}, {"json", false}, {"seed", true}}, "eval");
  if (args.positionals().size() != 1) {
    throw InputError("hsicho eval needs one deck: hsicho eval DECK.yaml --set name=value ...");
  }
  const auto deck = space::load_deck(args.positionals()[0]);
  train::check_space_keys(deck);
  const auto config = train::config_from_settings(deck.space, args.values("set"));
  const std::uint64_t seed = args.integer("seed", 0)
                                 ? static_cast<std::uint64_t>(*args.integer("seed", 0))
                                 : deck.study.seed;
  const auto spec = train::resolve(deck, config, seed);
  if (ctx.rank != 0) return 0;  // one training: rank 0 does it
  const auto data = train::load_dataset(spec.data, spec.data_seed);
  const auto r = train::train_one(spec, data, train::local_rank_from_environment());
  const bool regression = !data.classification;
  if (args.flag("json")) {
    using io::json_number;
    using io::json_string;
    std::ostringstream j;
    j << "{\"status\": " << json_string(r.status) << ", \"message\": " << json_string(r.message)
      << ", \"val_error\": " << json_number(r.val_error)
      << ", \"test_error\": " << json_number(r.test_error)
      << ", \"val_rel_l2\": " << json_number(r.val_rel_l2)
      << ", \"test_rel_l2\": " << json_number(r.test_rel_l2)
      << ", \"metric\": " << json_string(regression ? "mse" : "error_rate")
      << ", \"epochs\": " << r.epochs << ", \"best_epoch\": " << r.best_epoch
      << ", \"seconds\": " << json_number(r.seconds) << ", \"parameters\": " << r.parameters
      << ", \"seed\": " << r.seed << ", \"device\": " << json_string(r.device) << ", \"curve\": [";
    for (std::size_t k = 0; k < r.curve.size(); ++k)
      j << (k ? ", " : "") << json_number(r.curve[k]);
    j << "], \"config\": {";
    bool first = true;
    for (std::size_t k = 0; k < deck.space.size(); ++k) {
      if (!config[k]) continue;
      const auto& v = *config[k];
      j << (first ? "" : ", ") << json_string(deck.space[k].name) << ": "
        << (space::is_number(v)               ? json_number(space::as_number(v))
            : std::holds_alternative<bool>(v) ? std::string(std::get<bool>(v) ? "true" : "false")
                                              : json_string(space::to_text(v)));
      first = false;
    }
    j << "}}\n";
    std::cout << j.str();
  } else {
    std::cout << "hsicho eval " << deck.path << ":";
    for (std::size_t k = 0; k < deck.space.size(); ++k) {
      if (config[k]) std::cout << " " << deck.space[k].name << "=" << space::to_text(*config[k]);
    }
    const char* metric = regression ? "MSE" : "error rate";
    std::cout << "\nstatus " << r.status << (r.message.empty() ? "" : " (" + r.message + ")")
              << "\n"
              << "validation " << metric << " " << num(r.val_error)
              << (regression ? " (relative L2 " + num(r.val_rel_l2) + ")" : "") << ", test "
              << metric << " " << num(r.test_error)
              << (regression ? " (relative L2 " + num(r.test_rel_l2) + ")" : "") << "\n"
              << "best epoch " << r.best_epoch << " of " << r.epochs << " run, " << r.parameters
              << " parameters, " << num(r.seconds, "%.2f") << " s on " << r.device << ", seed "
              << r.seed << "\n";
  }
  return r.status == "failed" ? 1 : 0;
}

}  // namespace hsicho::cli
