// hsicho validate / hsicho design: read a deck, describe its space, print its design.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "hsicho/design/design.hpp"
#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/deck_file.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/space/scalar.hpp"
#include "hsicho/study/check_deck.hpp"
#include "hsicho/study/pruning.hpp"
#include "hsicho/study/stage.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

std::string describe_search(const space::DesignSettings& s, const design::SearchReport& r) {
  std::ostringstream o;
  o << space::method_name(s.method) << ", n = " << s.samples;
  if (s.method == space::DesignMethod::Lhs) {
    o << ", space filling: " << space::criterion_name(s.criterion);
    if (r.skipped) {
      o << " (skipped: more than " << design::kMaxSearchPoints
        << " points; the plain Latin hypercube)";
    } else if (s.criterion != space::DesignCriterion::None) {
      o << std::setprecision(4)
        << (s.criterion == space::DesignCriterion::Discrepancy ? " (centered L2 discrepancy^2 "
                                                               : " (minimum distance ")
        << r.initial << " -> " << r.final << ", " << r.accepted << " of " << r.tried
        << " swaps kept)";
    }
  }
  return o.str();
}

// What early stopping will do, and under mode: auto why (the mode is not in the deck).
std::string pruning_line(const space::Deck& deck) {
  if (!deck.pruning.present) return "";
  const auto p = study::read_pruning(deck);
  std::string why;
  if (!deck.pruning.has("mode")) {
    why = p.halving ? (deck.external ? "your command keeps the checkpoint contract"
                                     : "hsicho's trainer pauses and continues trainings")
          : !external::read_command(deck).checkpoint
              ? "your command does not keep the checkpoint contract (training.checkpoint)"
              : "no pruning.rungs for your command";
    why = " (pruning.mode auto: " + why + ")";
  }
  return "early stopping: " + p.mode() + why + "\n";
}

std::string short_text(const space::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    std::ostringstream o;
    o << std::setprecision(4) << *d;
    return o.str();
  }
  return space::to_text(v);
}

}  // namespace

int cmd_validate(const ValidateArgs& args, const Context& ctx) {
  const auto deck = io::load_deck(args.deck);
  const auto checked = study::check_deck(deck, !args.no_data);
  const auto& opt = checked.optimize;
  const auto first = study::stage_design(deck, opt, 0);  // what run trains first
  if (ctx.rank != 0) return 0;
  const auto& sp = deck.space;
  std::size_t conditional = 0;
  for (const auto& p : sp.params())
    conditional += p.condition ? 1 : 0;
  std::cout << deck.path << ": valid deck\n"
            << "study '" << deck.study.name << "', seed " << deck.study.seed << ", output "
            << deck.study.output << "\n"
            << (deck.external
                    ? "training: your command (training.command), one run per configuration"
                    : "data: " + deck.data_name +
                          (checked.data_summary.empty() ? "" : ", " + checked.data_summary))
            << "\n"
            << "design: " << space::method_name(first.method) << ", n = " << first.samples
            << (opt.enabled ? " (the optimizer's first stage)" : "") << "\n"
            << (opt.enabled && opt.budget_seconds > 0
                    ? "optimize: " + opt.strategy + ", a wall-time budget of " +
                          fmt::format("{:g}", opt.budget_seconds) + " s: stage 1 of " +
                          std::to_string(opt.stages.front()) + ", the later stages and the final " +
                          std::to_string(opt.final_top) + " x " + std::to_string(opt.final_seeds) +
                          " sized from its times\n"
                : opt.enabled
                    ? "optimize: " + opt.strategy + ", stages of " +
                          fmt::format("{}", fmt::join(opt.stages, ", ")) + " + final " +
                          std::to_string(opt.final_top) + " x " + std::to_string(opt.final_seeds) +
                          " = " + std::to_string(opt.total()) + " trainings in all\n"
                    : std::string())
            << pruning_line(deck) << "space: " << sp.size() << " hyperparameters, "
            << sp.dimension() << " varied, " << conditional << " conditional\n\n";
  std::vector<std::vector<std::string>> rows = {{"name", "type", "domain", "active when"}};
  for (const auto& p : sp.params()) {
    rows.push_back({p.name, space::type_name(p.type), p.describe_domain(),
                    p.condition ? p.condition->text : "always"});
  }
  std::cout << table(rows);
  return 0;
}

int cmd_design(const DesignArgs& args, const Context& ctx) {
  auto deck = io::load_deck(args.deck);
  // The first design that `run` trains: the optimizer's first stage when the deck has one.
  auto opt = study::read_optimize(deck);
  if (args.n) {
    const auto n = space::scalar::to_integer(*args.n);
    const std::string problem =
        n ? space::samples_problem(*n) : "must be a whole number, got '" + *args.n + "'";
    if (!problem.empty()) throw InputError("--n " + problem);
    (opt.enabled ? opt.stages.front() : deck.design.samples) = static_cast<std::size_t>(*n);
  }
  const auto settings = study::stage_design(deck, opt, 0);
  const auto design = study::make_stage_design(deck.space, settings, deck.study.seed, 0);
  if (ctx.rank != 0) return 0;

  const auto& sp = deck.space;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"config"};
  for (const auto& p : sp.params())
    header.push_back(p.name);
  rows.push_back(header);
  const bool csv = args.csv;
  for (std::size_t i = 0; i < design.configs.size(); ++i) {
    std::vector<std::string> row = {std::to_string(i)};
    for (const auto& v : design.configs[i]) {
      // The CSV keeps every digit (it is read back); the table shows what a person reads.
      row.push_back(!v ? "" : csv ? space::to_text(*v) : short_text(*v));
    }
    rows.push_back(std::move(row));
  }
  if (csv) {
    for (const auto& r : rows)
      std::cout << io::csv_line(r) << "\n";
    std::cerr << "hsicho design: " << describe_search(settings, design.search) << "\n";
  } else {
    std::cout << "design of study '" << deck.study.name << "' (seed " << deck.study.seed
              << "): " << describe_search(settings, design.search) << "\n"
              << "(an empty cell is an inactive conditional hyperparameter)\n\n";
    std::cout << table(rows);
  }
  return 0;
}

}  // namespace hsicho::cli
