// hsicho report STUDY.h5 [--json]: what a study found, in the terminal.
// hsicho export STUDY.h5 --csv: one row per training, for pandas, R or another tool.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "hsicho/error.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/io/output_guard.hpp"
#include "hsicho/io/record_io.hpp"
#include "hsicho/io/study_file.hpp"
#include "hsicho/space/deck.hpp"
#include "hsicho/study/front.hpp"
#include "hsicho/study/load.hpp"
#include "hsicho/study/plan.hpp"
#include "hsicho/study/savings.hpp"
#include "render.hpp"

namespace hsicho::cli {
namespace {

// Failures grouped by outcome and cause (timeout, exit code, result file, ...), with the first
// message of each.
std::map<std::string, std::pair<int, std::string>> failures(const io::StudyData& s) {
  std::map<std::string, std::pair<int, std::string>> f;
  for (const auto& r : s.records) {
    if (!r.failed()) continue;  // ok, or stopped early (a result of the rungs, said apart)
    auto& e = f[r.outcome_text()];
    if (e.first++ == 0) e.second = r.message;
  }
  return f;
}

// The stored analysis as the engine's type, over the rows it was computed on (the last stage's).
// The stored analysis as the engine's type, over the rows it was computed on (the first stage's).
hsic::Analysis analysis_of(const io::StudyData& s, const io::StoredAnalysis& stored) {
  return io::analysis_of(
      stored, s.stages.empty() ? s.n() : static_cast<std::size_t>(s.stages.front().size));
}
hsic::Analysis analysis_of(const io::StudyData& s) {
  return analysis_of(s, *s.analysis);
}

// "stage 1", "design.add", "the final retraining of stage 2's configuration 17".
std::string origin(const io::Best& b) {
  if (b.config >= static_cast<std::int64_t>(study::kAddedFirstId)) return "design.add (your own)";
  return "stage " + std::to_string(b.stage);
}
}  // namespace

std::string best_and_pick_text(const io::StudyData& s) {
  if (!s.pick || !s.best) return "";
  const auto& p = *s.pick;
  const auto& b = *s.best;
  std::ostringstream out;
  out << "accuracy and cost (" << s.pick_info.cost << "), the best and the pick ("
      << "the cheapest " << s.pick_info.rule << "):\n";
  std::vector<std::vector<std::string>> t = {
      {"", "config", "validation " + s.results_info.metric, "test", "parameters", "from"},
      {"best", std::to_string(b.config), num(b.val_error), num(b.test_error),
       std::to_string(b.parameters), origin(b)},
      {"pick", std::to_string(p.config), num(p.val_error), num(p.test_error),
       std::to_string(p.parameters), origin(p)}};
  if (s.pick_info.cost != "parameters") {  // the front's own cost beside the size
    t[0].insert(t[0].begin() + 4, s.pick_info.cost);
    t[1].insert(t[1].begin() + 4, num(b.cost, "{:.4g}"));
    t[2].insert(t[2].begin() + 4, num(p.cost, "{:.4g}"));
  }
  out << table(t, "  ");
  if (p.config != b.config && p.cost < b.cost) {
    out << "  the pick costs " << num(p.cost / b.cost, "{:.2g}") << " x the best's, for "
        << num(p.val_error / b.val_error, "{:.3g}") << " x its error; its values: " << p.values
        << "\n";
  }
  return out.str();
}

namespace {

// The front (layer 1) as a short table: cheapest first, at most `most` rows.
std::string front_table(const io::StudyData& s, std::size_t most) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < s.n(); ++i) {
    if (s.configs[i].pareto_rank == 1 && s.configs[i].retrains < 0) rows.push_back(i);
  }
  const auto& cost = s.pick_info.cost;
  std::stable_sort(rows.begin(), rows.end(), [&](auto a, auto b) {
    return study::cost_of(s.records[a], cost) < study::cost_of(s.records[b], cost);
  });
  std::vector<std::vector<std::string>> t = {
      {"config", cost, "validation " + s.results_info.metric, "values"}};
  for (std::size_t k = 0; k < rows.size() && k < most; ++k) {
    const auto i = rows[k];
    std::string values;
    for (std::size_t j = 0; j < s.space.size(); ++j) {
      if (s.configs[i].active[j] && s.space[j].free)
        values += (values.empty() ? "" : " ") + s.space[j].name + "=" +
                  space::to_display(s.configs[i].values[j]);
    }
    t.push_back({std::to_string(s.configs[i].id), num(study::cost_of(s.records[i], cost), "{:.4g}"),
                 num(s.records[i].val_error), values});
  }
  std::string out = table(t, "  ");
  if (rows.size() > most) out += "  ... (" + std::to_string(rows.size() - most) + " more)\n";
  return out;
}

// A configuration's active values by name, each of its own type (from the study's space).
io::Json typed_values(const io::StudyData& s, std::int64_t config) {
  io::Json values = io::Json::object();
  const auto it = std::find_if(s.configs.begin(), s.configs.end(),
                               [&](const auto& c) { return c.id == config; });
  if (it == s.configs.end()) return values;
  const auto row = static_cast<std::size_t>(it - s.configs.begin());
  const auto space =
      space::parse_deck(s.deck_text, s.provenance.deck_path, space::DeckUse::SpaceOnly).space;
  for (std::size_t k = 0; k < s.space.size(); ++k) {
    if (!s.configs[row].active[k]) continue;
    const auto& text = s.configs[row].values[k];
    const auto p = space.find(s.space[k].name);
    try {
      values[s.space[k].name] = p ? io::value_to_json(space[*p].parse(text)) : io::Json(text);
    } catch (const InputError&) {
      values[s.space[k].name] = text;  // a value the deck's space no longer holds: as stored
    }
  }
  return values;
}

void print_json(const study::LoadedStudy& loaded) {
  const auto& s = loaded.data;
  const auto nf = io::NonFinite::Null;
  io::Json j;
  j["name"] = s.provenance.name;
  // A study read while it runs, or stopped: how far it is, and what the partial view can say.
  j["state"] = !loaded.partial ? "finished"
               : loaded.status && loaded.status->state == study::StudyStatus::State::Running
                   ? "running"
                   : "stopped";
  if (loaded.partial) {
    j["partial"] = {{"summary", study::partial_summary(loaded)},
                    {"done", loaded.status->done},
                    {"planned", loaded.status->planned},
                    {"notes", loaded.notes}};
  }
  j["trainings"] = s.n();
  j["metric"] = s.results_info.metric;
  j["format_version"] = s.format_version;
  j["provenance"] = io::to_json(s.provenance, nf);
  j["data_sources"] = io::to_json(s.sources, nf);
  if (!s.class_names.empty()) j["class_names"] = s.class_names;
  j["space"] = io::to_json(s.space, nf);
  {
    std::vector<const Record*> records;
    for (const auto& r : s.records)
      records.push_back(&r);
    const auto sv = study::savings_of(records);
    j["stopped_early"] = {{"trainings", sv.stopped},
                          {"epochs_run", sv.epochs_run},
                          {"epochs_full", sv.epochs_full},
                          {"seconds_run", sv.seconds_run}};
  }
  j["failures"] = io::Json::object();
  for (const auto& [status, e] : failures(s))
    j["failures"][status] = {{"count", e.first}, {"example", e.second}};
  if (s.best) {
    j["best"] = io::to_json(*s.best, nf);
    j["best"]["summary"] = s.best->values;
    j["best"]["values"] = typed_values(s, s.best->config);
  }
  if (s.analysis) j["analysis"] = io::analysis_json(analysis_of(s));  // the shape analyze prints
  if (s.analysis_front) j["analysis_front"] = io::analysis_json(analysis_of(s, *s.analysis_front));
  if (s.pick) {
    j["pick"] = io::to_json(*s.pick, nf);
    j["pick"]["summary"] = s.pick->values;
    j["pick"]["values"] = typed_values(s, s.pick->config);
    j["pick"]["cost_name"] = s.pick_info.cost;
    j["pick"]["limit"] = s.pick_info.limit;
    j["pick"]["rule"] = s.pick_info.rule;
  }
  j["front"] = io::Json::array();
  for (std::size_t i = 0; i < s.n(); ++i) {
    if (s.configs[i].pareto_rank != 1) continue;
    j["front"].push_back({{"config", s.configs[i].id},
                          {"stage", s.configs[i].stage},
                          {"val_error", s.records[i].val_error},
                          {"cost", study::cost_of(s.records[i], s.pick_info.cost)}});
  }
  j["stages"] = io::to_json(s.stages, nf);
  j["decisions"] = io::to_json(s.decisions, nf);
  j["decision_log"] = s.stages_info.log;
  if (s.final) {
    j["final"] = io::to_json(s.final->info, nf);
    j["final"]["rows"] = io::to_json(s.final->rows, nf);
  }
  std::cout << io::json_text(j);
}

void print_text(const study::LoadedStudy& loaded, const std::string& path) {
  const auto& s = loaded.data;
  const auto fails = failures(s);
  std::size_t not_ok = 0;
  for (const auto& [status, e] : fails)
    not_ok += static_cast<std::size_t>(e.first);
  const auto& prov = s.provenance;
  std::cout << "study '" << prov.name << "' (" << path << "): " << s.n() << " trainings, " << not_ok
            << " diverged or failed; " << prov.started << " to "
            << (loaded.partial ? "now" : prov.finished) << "\n";
  std::vector<const Record*> records;
  for (const auto& r : s.records)
    records.push_back(&r);
  if (const auto saved = study::savings_of(records).text(s.n()); !saved.empty())
    std::cout << saved << "\n";
  if (!prov.pruning_mode.empty()) std::cout << "early stopping mode: " << prov.pruning_mode << "\n";
  if (std::isfinite(prov.training_wall)) {
    std::cout << "training wall time: " << num(prov.training_wall, "{:.3g}") << " s on "
              << prov.ranks << (prov.ranks == 1 ? " rank" : " ranks")
              << " (the run that wrote the study file)\n";
  }
  if (loaded.partial) {
    std::cout << "partial: " << study::partial_summary(loaded) << "\n";
    for (const auto& note : loaded.notes)
      std::cout << "  " << note << "\n";
  }
  for (const auto& f : s.sources) {
    std::cout << "data: " << f.path << " (" << f.bytes << " bytes, CRC-32 "
              << fmt::format("{:08x}", f.crc32) << ")\n";
  }
  if (!s.class_names.empty()) {
    std::cout << "classes (labels were names, numbered in sorted order):";
    for (std::size_t k = 0; k < s.class_names.size(); ++k)
      std::cout << (k ? ", " : " ") << k << " = " << s.class_names[k];
    std::cout << "\n";
  }
  if (s.final) {
    std::cout << "optimization (" << s.final->info.strategy << "):";
    for (const auto& st : s.stages)
      std::cout << " " << st.size;
    std::cout << " trainings per stage, then a final retraining of " << s.final->rows.size()
              << " configurations x " << s.final->seeds() << " seeds (stage " << s.stages.size() + 1
              << " in the tables)\n";
  }
  const auto added =
      std::count_if(s.configs.begin(), s.configs.end(), [](const auto& c) { return c.stage == 0; });
  if (added > 0) {
    std::cout << "design.add: " << added
              << " configurations of your own (stage 0 in the tables; left out of the indices)\n";
  }
  if (s.best) {
    const auto& b = *s.best;
    const bool own = b.config >= static_cast<std::int64_t>(study::kAddedFirstId);
    std::cout << "\nbest network: configuration " << b.config
              << (own ? " (one of design.add's)" : "") << ": " << b.values << "\n  validation "
              << s.results_info.metric << " " << num(b.val_error) << ", test " << num(b.test_error)
              << ", " << b.parameters << " parameters, " << num(b.seconds, "{:.3g}")
              << " s of training" << (s.final ? " (means over the final seeds)" : "") << "\n"
              << "  from " << origin(b) << "\n";
  }
  if (s.pick && s.best) {
    std::cout << "\n" << best_and_pick_text(s);
    std::cout
        << "\nthe accuracy-cost front (no other training is better in both), cheapest first:\n"
        << front_table(s, 8);
  }
  if (s.analysis) {
    const auto an = analysis_of(s);
    std::cout << "\nwhat decides landing among the best (alpha = " << an.alpha << ": the " << an.m
              << " best of the"
              << (loaded.partial ? " finished trainings of the first stage"
                  : s.final      ? " first stage (later stages below)"
                                 : " study")
              << "):\n";
    if (const auto w = hsic::goal_set_warning(an); !w.empty()) std::cout << "  " << w << "\n";
    std::cout << ranking_table(an, false, "  ");
    for (const auto& r : an.inputs) {
      if (r.conditional) {
        std::cout << "  " << r.name << " exists in " << r.n
                  << " trainings; whether it exists: HSIC " << num(r.active_hsic, "{:.3e}")
                  << ", p " << num(r.active_pvalue, "{:.2g}") << "\n";
      }
    }
    std::cout << pairs_text(an, 5, "");
  } else {
    std::cout << "\nno sensitivity analysis in this file\n";
  }
  if (s.analysis_front) {
    const auto an = analysis_of(s, *s.analysis_front);
    std::cout
        << "\nwhat decides being on the accuracy-cost front (goal pareto: the first layers of "
           "the front, until they hold alpha = "
        << an.alpha << " of the trainings, " << an.m << " here):\n"
        << ranking_table(an, false, "  ");
  }
  if (!fails.empty()) {
    std::cout << "\nfailures by cause:\n";
    for (const auto& [status, e] : fails)
      std::cout << "  " << status << ": " << e.first << " (e.g. " << e.second << ")\n";
  }
  if (s.stages.size() > 1) {
    // Every stage's indices (stages/hsic over configs/columns, NaN where frozen).
    std::cout << "\nindices stage by stage (largest first; * p < 0.05; frozen inputs left out):\n";
    const auto& columns = s.configs_info.columns;
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
      const auto& st = s.stages[k];
      std::vector<std::size_t> order;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (!std::isnan(st.hsic[c])) order.push_back(c);
      }
      std::stable_sort(order.begin(), order.end(),
                       [&](auto a, auto b) { return st.hsic[a] > st.hsic[b]; });
      std::cout << "  stage " << k + 1 << " (" << st.size << " trainings):";
      if (order.empty()) std::cout << " no analysis (every input frozen, or every training failed)";
      for (auto c : order) {
        const auto it = std::find_if(s.space.begin(), s.space.end(),
                                     [&](const auto& e) { return e.name == columns[c]; });
        const bool conditional = it != s.space.end() && !it->condition.empty();
        std::cout << " " << columns[c] << (conditional ? " (where active)" : "") << " "
                  << num(st.hsic[c], "{:.2e}")
                  << (st.pvalue[c] < hsic::kSignificanceLevel ? " *" : "") << ";";
      }
      std::cout << "\n";
    }
  }
  if (!s.stages_info.log.empty()) {
    std::cout << "\nthe optimizer's decisions:\n";
    for (const auto& l : s.stages_info.log)
      std::cout << "  " << l << "\n";
  }
}

}  // namespace

int cmd_report(const ReportArgs& args, const Context& ctx) {
  const auto loaded = study::load_study(args.study);
  if (ctx.rank != 0) return 0;
  if (args.json) {
    print_json(loaded);
  } else {
    print_text(loaded, args.study);
  }
  return 0;
}

// The file export --h5 writes is never the study's own file; what else it may replace,
// io::check_study_output decides once the study is read.
void check_snapshot_path(const std::string& out, const std::string& study) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::equivalent(out, study, ec) ||
      fs::weakly_canonical(out, ec) == fs::weakly_canonical(study, ec)) {
    throw InputError("hsicho export --h5 " + out +
                     ": that is the study's own file; give another name (a snapshot)");
  }
}

int cmd_export(const ExportArgs& args, const Context& ctx) {
  if (!args.csv && args.h5.empty())
    throw InputError("hsicho export needs --csv (rows to standard output) or --h5 FILE.h5");
  if (!args.h5.empty()) check_snapshot_path(args.h5, args.study);
  const auto loaded = study::load_study(args.study);
  if (ctx.rank != 0) return 0;
  const auto& s = loaded.data;
  if (loaded.partial)
    std::cerr << "hsicho export: a partial study: " << study::partial_summary(loaded) << "\n";
  if (!args.h5.empty()) {
    io::check_study_output(args.h5, s.provenance.name, args.overwrite, "--overwrite");
    io::write_study(args.h5, s);
    return 0;
  }
  // config, stage, the configuration a final retraining trains again, its layer of the
  // accuracy-cost front, the hyperparameters' typed values, then every field of the Record and
  // the metrics, named by the one rule of io::trial_column_names.
  std::vector<std::string> names;
  for (const auto& e : s.space)
    names.push_back(e.name);
  const auto fields = io::record_csv_columns(s.records);
  const auto header = io::trial_column_names(names, fields);
  std::cout << io::csv_line(header) << "\n";
  for (std::size_t i = 0; i < s.n(); ++i) {
    const auto& c = s.configs[i];
    std::vector<std::string> row = {std::to_string(c.id), std::to_string(c.stage),
                                    c.retrains >= 0 ? std::to_string(c.retrains) : "",
                                    std::to_string(c.pareto_rank)};
    row.insert(row.end(), s.configs[i].values.begin(), s.configs[i].values.end());
    const auto cells = io::record_csv_cells(s.records[i], fields);
    row.insert(row.end(), cells.begin(), cells.end());
    std::cout << io::csv_line(row) << "\n";
  }
  return 0;
}

}  // namespace hsicho::cli
