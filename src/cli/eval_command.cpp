// hsicho eval DECK.yaml --set name=value ...: train one configuration and print its record.
#include <cmath>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/parallel/launcher.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::cli {
namespace {

std::string num(double v, const char* spec = "{:.4g}") {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "-";
  return fmt::format(fmt::runtime(spec), v);
}

}  // namespace

int cmd_eval(const EvalArgs& args, const Context& ctx) {
  const auto deck = space::load_deck(args.deck);
  train::check_space_keys(deck);
  const auto config = train::config_from_settings(deck.space, args.set);
  std::uint64_t seed = deck.study.seed;
  if (args.seed) {
    const auto s = space::scalar::to_integer(*args.seed);
    if (!s || *s < 0)
      throw InputError("--seed must be a whole number >= 0, got '" + *args.seed + "'");
    seed = static_cast<std::uint64_t>(*s);
  }
  const auto spec = train::resolve(deck, config, seed);
  if (ctx.rank != 0) return 0;  // one training: rank 0 does it
  const auto data = train::load_dataset(spec.data, spec.data_seed);
  auto r = train::train_one(spec, data, parallel::local_rank_from_environment());
  r.host = parallel::this_host();
  const bool regression = !data.classification;
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
    j["metric"] = regression ? "mse" : "error_rate";
    j["config"] = values;
    std::cout << io::json_text(j);
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
              << " parameters, " << num(r.seconds, "{:.2f}") << " s on " << r.device << ", seed "
              << r.seed << "\n";
  }
  return r.status == "failed" ? 1 : 0;
}

}  // namespace hsicho::cli
