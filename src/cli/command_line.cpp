#include "hsicho/cli/command_line.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "hsicho/error.hpp"
#include "hsicho/space/keys.hpp"
#include "hsicho/suggest.hpp"
#include "hsicho/version.hpp"

namespace hsicho::cli {
namespace {

const char* kFooter =
    "Run 'hsicho COMMAND --help' for the options of one command.\n"
    "Exit codes: 0 success, 1 runtime failure (or no training succeeded), 2 bad input (deck,\n"
    "arguments, files), 3 stopped by a signal (run: resume it with --resume).\n"
    "Documentation: docs/deck.md (input decks), docs/hsic.md (analysis), README.md";

// Every subcommand and its options: the one declaration behind parsing, help and suggestions.
// A value that looks like an option ("--out --resume") is a forgotten value, not a file name.
const CLI::Validator not_an_option(
    [](std::string& v) -> std::string {
      return v.rfind("-", 0) == 0 && v.size() > 1
                 ? "needs a value, got the option-like '" + v + "' (a forgotten value?)"
                 : std::string();
    },
    "");

void declare(CLI::App& app, Invocation& inv) {
  app.set_version_flag("--version", std::string("hsicho ") + kVersion + " (" + kGitCommit + ")");

  auto* run = app.add_subcommand(
      "run", "train the design on every MPI rank, analyse, write the study file");
  run->footer(
      "Run it under the MPI launcher: srun hsicho run DECK.yaml (or mpiexec -n N ...). The deck's "
      "optimize block makes it the HSIC-guided optimizer (docs/optimize.md). SIGTERM, SIGUSR1 or "
      "Ctrl-C stop it: the trainings in progress run again on --resume, and it exits 3. Exit 1: "
      "a failure, or no training succeeded; 2: bad input. training.retries retrains failed "
      "trainings on --resume; hsicho status/report/export read the study while it runs.");
  run->add_option("DECK", inv.run.deck, "the input deck (YAML)")->required();
  run->add_option("--out", inv.run.out, "the study file (default: the deck's study.output)")
      ->type_name("FILE.h5")
      ->check(not_an_option);
  run->add_flag("--resume", inv.run.resume,
                "continue a killed or stopped run from its journal (any number of ranks)");
  run->add_flag("--accept-program-change", inv.run.accept_program_change,
                "resume although the files of training.command changed (the log records it)");
  run->add_flag("--overwrite", inv.run.overwrite,
                "let --out replace a file that is not a study file of this study");

  auto* validate = app.add_subcommand(
      "validate", "check a deck, its first design and its data; describe its space");
  validate->add_option("DECK", inv.validate.deck, "the input deck (YAML)")->required();
  validate->add_flag("--no-data", inv.validate.no_data, "do not read the data files");

  auto* design =
      app.add_subcommand("design", "print the first design that 'run' trains (no training)");
  design->add_option("DECK", inv.design.deck, "the input deck (YAML)")->required();
  design->add_option("--n", inv.design.n, "the number of configurations (default: the deck's)")
      ->type_name("N");
  design->add_flag("--csv", inv.design.csv, "CSV with every digit, instead of a table");

  auto* eval = app.add_subcommand("eval", "train one configuration and print its result");
  eval->add_option("DECK", inv.eval.deck, "the input deck (YAML)")->required();
  eval->add_option("--set", inv.eval.set,
                   "name=value of one hyperparameter (repeat it; others take their default)")
      ->allow_extra_args(false)
      ->type_name("NAME=VALUE");
  eval->add_option("--seed", inv.eval.seed, "the training seed (default: the deck's study.seed)")
      ->type_name("S");
  eval->add_flag("--json", inv.eval.json, "the result as JSON");

  auto* analyze = app.add_subcommand(
      "analyze", "HSIC indices of a CSV of trials (--target COL) or of a study file");
  analyze->footer(
      "A study file (STUDY.h5) is analysed on its validation errors, with its own space. "
      "The options are those of a deck's analysis block (docs/hsic.md).");
  auto& a = inv.analyze;
  analyze->add_option("FILE", a.file, "a CSV of trials or an HDF5 study file")->required();
  analyze->add_option("--target", a.target, "the CSV column of errors (lower is better)")
      ->type_name("COL")
      ->check(not_an_option);
  // The analysis block's keys, with their help and default, from the table of deck keys: the
  // same names, values and checks as in a deck.
  for (const auto& k : space::deck_keys()) {
    if (k.block != "analysis") continue;
    const bool flag = k.kind == space::KeyKind::Boolean;
    const std::string help = k.help + (k.fallback.empty() || flag ? "" : " (" + k.fallback + ")");
    auto& settings = a.settings;
    const std::string key = k.name;
    if (flag) {
      analyze->add_flag_function(
          "--" + key, [&settings, key](std::int64_t) { settings[key] = "true"; }, help);
    } else {
      analyze
          ->add_option_function<std::string>(
              "--" + key, [&settings, key](const std::string& v) { settings[key] = v; }, help)
          ->type_name(k.kind == space::KeyKind::Number  ? "X"
                      : k.kind == space::KeyKind::Whole ? "N"
                                                        : "VALUE");
    }
  }
  analyze->add_option("--space", a.space, "a deck whose space types the CSV's columns")
      ->type_name("DECK.yaml")
      ->check(not_an_option);
  analyze->add_option("--ignore", a.ignore, "columns to leave out (comma list; repeatable)")
      ->allow_extra_args(false)
      ->type_name("COLS");
  analyze->add_option("--inputs", a.inputs, "the only input columns (comma list; repeatable)")
      ->allow_extra_args(false)
      ->type_name("COLS");
  analyze->add_option("--nan", a.nan, "a NaN target: worst (the default, like inf) | refuse")
      ->type_name("N");
  analyze->add_flag("--conditional", a.conditional,
                    "analyse conditional inputs where they are active (with --space)");
  analyze->add_flag("--json", a.json, "the analysis as JSON");

  auto* report = app.add_subcommand(
      "report", "what a study found: ranking, best network, failures, decisions");
  report->add_option("STUDY", inv.report.study, "the HDF5 study file")->required();
  report->add_flag("--json", inv.report.json, "the report as JSON");

  auto* status = app.add_subcommand(
      "status", "where a study stands, also while it runs: done, left, rate, best, ranks");
  status
      ->add_option("STUDY", inv.status.study,
                   "the study file (FILE.h5), its journal folder, or the deck (DECK.yaml)")
      ->required();
  status->add_option("--out", inv.status.out, "with a deck: the study file given to run --out")
      ->type_name("FILE.h5")
      ->check(not_an_option);
  status->add_flag("--json", inv.status.json, "the status as JSON");
  status->footer("Safe while the run writes: it only reads the journal folder (FILE.h5.journal).");

  auto* exp = app.add_subcommand("export", "one row per training (typed values, results)");
  exp->add_option("STUDY", inv.export_.study, "the HDF5 study file")->required();
  auto* output = exp->add_option_group("output", "one of");
  output->add_flag("--csv", inv.export_.csv, "write CSV to standard output");
  output
      ->add_option("--h5", inv.export_.h5,
                   "write the study as it stands to this study file (a snapshot of a running "
                   "or stopped study, for h5py and the figures)")
      ->type_name("FILE.h5")
      ->check(not_an_option);
  output->require_option(1);
  exp->add_flag("--overwrite", inv.export_.overwrite,
                "let --h5 replace a file that is not a study file of this study");
  exp->footer(
      "Example: hsicho export study.h5 --csv > trials.csv (pandas, R, a spreadsheet). Columns: "
      "config, stage, retrains, pareto_rank, the hyperparameters, the results, the metrics as "
      "metric_NAME; a name taken already gets a prefix (a result named like a hyperparameter, "
      "epochs, is result_epochs): docs/hdf5.md \"Column names\". hsicho.load(...).trials has "
      "the same columns.");

  auto* keys = app.add_subcommand("keys", "every key a deck may hold: what it takes, its default");
  keys->add_option("BLOCK", inv.keys.block, "one block only (study, design, data, ...)");
  keys->add_flag("--markdown", inv.keys.markdown, "a Markdown table (docs/deck.md holds it)");

  app.add_subcommand("help", "this text");
  app.add_subcommand("version", "the program's version");
  for (auto* sub : app.get_subcommands({}))
    sub->allow_extras();  // unknown arguments are reported below, with a suggestion
  app.footer(kFooter);
}

std::vector<std::string> option_names(const CLI::App& sub) {
  std::vector<std::string> names;
  for (const auto* opt : sub.get_options()) {
    for (const auto& l : opt->get_lnames())
      names.push_back("--" + l);
  }
  return names;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({}))
    names.push_back(sub->get_name());
  return names;
}

}  // namespace

std::vector<std::string> command_names() {
  CLI::App app;
  Invocation inv;
  declare(app, inv);
  return subcommand_names(app);
}

Invocation parse_command_line(const std::vector<std::string>& args) {
  Invocation inv;
  CLI::App app("Goal-oriented sensitivity analysis (HSIC) of neural-network hyperparameters.",
               "hsicho");
  declare(app, inv);
  if (args.empty()) {
    inv.text = app.help();
    inv.exit_code = 2;
    return inv;
  }
  const auto names = subcommand_names(app);
  const std::string& first = args[0];
  if (first.rfind("-", 0) != 0 && std::find(names.begin(), names.end(), first) == names.end()) {
    throw InputError("unknown command '" + first + "'" + did_you_mean(first, names) +
                     "; 'hsicho --help' lists the commands");
  }
  if (first == "help") {
    inv.text = app.help();
    return inv;
  }
  if (first == "version") {
    inv.text = std::string("hsicho ") + kVersion + " (" + kGitCommit + ")\n";
    return inv;
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    inv.text = app.help();
    return inv;
  } catch (const CLI::CallForVersion& e) {
    inv.text = std::string(e.what()) + "\n";
    return inv;
  } catch (const CLI::ParseError& e) {
    const auto subs = app.get_subcommands();
    const std::string command = subs.empty() ? "" : " " + subs[0]->get_name();
    throw InputError("hsicho" + command + ": " + e.what() + "; 'hsicho" + command +
                     " --help' lists what it takes");
  }
  const auto subs = app.get_subcommands();
  if (subs.empty()) {
    throw InputError("no command given; 'hsicho --help' lists the commands");
  }
  const CLI::App& sub = *subs[0];
  inv.command = sub.get_name();
  const auto extra = sub.remaining();
  if (!extra.empty()) {
    const std::string& e = extra[0];
    const auto known = option_names(sub);
    if (e.rfind("--", 0) == 0) {
      const std::string name = e.substr(0, e.find('='));
      throw InputError("hsicho " + inv.command + ": unknown option '" + name + "'" +
                       did_you_mean(name, known) + "; options: " + join(known, " "));
    }
    throw InputError("hsicho " + inv.command + ": unexpected argument '" + e + "'; 'hsicho " +
                     inv.command + " --help' lists what it takes");
  }
  return inv;
}

}  // namespace hsicho::cli
