#include "hsicho/study/front.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "hsicho/space/value.hpp"
#include "hsicho/study/best.hpp"

namespace hsicho::study {

double cost_of(const Record& r, const std::string& cost) {
  if (cost == "parameters") return r.parameters > 0 ? static_cast<double>(r.parameters) : NAN;
  if (cost == "flops") return r.flops > 0 ? static_cast<double>(r.flops) : NAN;
  if (cost == "seconds") return r.seconds > 0 ? r.seconds : NAN;
  if (cost.rfind("metric:", 0) == 0) {
    const auto it = r.metrics.find(cost.substr(7));
    return it == r.metrics.end() ? NAN : it->second;
  }
  return NAN;
}

std::string cost_problem(const std::string& cost) {
  if (cost == "parameters" || cost == "flops" || cost == "seconds") return "";
  if (cost.rfind("metric:", 0) == 0 && cost.size() > 7) return "";
  return "must be parameters, flops, seconds or metric:NAME, got '" + cost + "'";
}

std::vector<int> pareto_layers(const std::vector<double>& error, const std::vector<double>& cost) {
  const std::size_t n = error.size();
  std::vector<int> layer(n, 0);
  std::vector<std::size_t> left;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(error[i]) && std::isfinite(cost[i])) left.push_back(i);
  }
  // By error, then cost: a point can be beaten only by one before it.
  std::sort(left.begin(), left.end(), [&](auto a, auto b) {
    return error[a] != error[b] ? error[a] < error[b] : cost[a] < cost[b];
  });
  for (int l = 1; !left.empty(); ++l) {
    std::vector<std::size_t> rest;
    double min_cost = INFINITY, error_at_min = INFINITY;
    for (auto i : left) {
      const bool beaten = min_cost < cost[i] || (min_cost == cost[i] && error_at_min < error[i]);
      if (beaten) {
        rest.push_back(i);
        continue;
      }
      layer[i] = l;
      if (cost[i] < min_cost) min_cost = cost[i], error_at_min = error[i];
    }
    left.swap(rest);
  }
  return layer;
}

std::optional<std::size_t> cheapest_within(const std::vector<double>& error,
                                           const std::vector<double>& cost, double limit) {
  std::optional<std::size_t> pick;
  for (std::size_t i = 0; i < error.size(); ++i) {
    if (!(error[i] <= limit) || !std::isfinite(cost[i])) continue;
    if (!pick || cost[i] < cost[*pick] || (cost[i] == cost[*pick] && error[i] < error[*pick]))
      pick = i;
  }
  return pick;
}

std::vector<std::size_t> front_finalists(const std::vector<double>& error,
                                         const std::vector<double>& cost, std::size_t top,
                                         double limit) {
  std::vector<std::size_t> chosen;
  for (std::size_t i = 0; i < error.size(); ++i) {
    if (std::isfinite(error[i])) chosen.push_back(i);
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [&](auto a, auto b) { return error[a] < error[b]; });
  if (chosen.size() > top) chosen.resize(top);
  if (chosen.empty()) return chosen;
  // The cheapest within the limit is on the front's first layer (nothing cheaper is as good).
  if (const auto cheap = cheapest_within(error, cost, limit);
      cheap && std::find(chosen.begin(), chosen.end(), *cheap) == chosen.end())
    chosen.push_back(*cheap);
  return chosen;
}

void add_front(io::StudyData& s, const hsic::Options& options, bool make_pick_best) {
  const std::size_t n = s.n();
  std::vector<double> error(n), cost(n);
  for (std::size_t i = 0; i < n; ++i) {
    error[i] = s.records[i].goal_error();
    cost[i] = cost_of(s.records[i], options.cost);
  }
  const auto layers = pareto_layers(error, cost);
  for (std::size_t i = 0; i < n; ++i)
    s.configs[i].pareto_rank = layers[i];

  // The pick, among what pick_best chooses from.
  std::vector<Trained> trained;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = s.configs[i];
    std::optional<std::size_t> retrains;
    if (c.retrains >= 0) retrains = static_cast<std::size_t>(c.retrains);
    trained.push_back({static_cast<std::size_t>(c.id), &s.records[i], retrains});
  }
  auto row_of = [&](std::int64_t id) -> const io::ConfigRow* {
    for (const auto& c : s.configs) {
      if (c.id == id && c.retrains < 0) return &c;
    }
    return nullptr;
  };
  auto describe = [&](io::Best& b) {
    const auto* row = row_of(b.config);
    if (!row) return;
    b.stage = row->stage;
    const auto i = static_cast<std::size_t>(row - s.configs.data());
    if (std::isnan(b.cost)) b.cost = cost_of(s.records[i], options.cost);
    if (b.values.empty()) {
      for (std::size_t k = 0; k < s.space.size(); ++k) {
        if (row->active[k])
          b.values += (b.values.empty() ? "" : " ") + s.space[k].name + "=" +
                      space::to_display(row->values[k]);
      }
    }
  };
  if (auto p = pick_cheapest(trained, options.cost, options.tolerance)) {
    describe(p->chosen);
    s.pick = p->chosen;
    s.pick_info = {options.cost, p->limit, p->rule};
    if (make_pick_best) s.best = p->chosen;
  }
  if (s.best) describe(*s.best);

  // "On the front": the goal set of the first layers, over the first stage's rows.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (s.configs[i].stage == 1) rows.push_back(i);
  }
  const std::size_t d = s.configs_info.columns.size();
  std::vector<double> e(rows.size()), c(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    e[r] = error[rows[r]], c[r] = cost[rows[r]];
  const auto stage_layers = pareto_layers(e, c);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(d));
  Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t k = 0; k < d; ++k)
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) =
          s.configs[rows[r]].normalized[k];
    // The layer is the "error" of this goal: Z = 1 for the layers taken until they hold the
    // alpha fraction (the lower alpha-quantile of the layers is the last one taken).
    y[static_cast<Eigen::Index>(r)] = stage_layers[r] > 0 ? stage_layers[r] : INFINITY;
  }
  hsic::Options o = options;
  o.smooth_goal = 0;
  o.global = false;
  try {
    if (rows.size() < 4 || !(y.array() < INFINITY).any())
      throw std::invalid_argument("too few trainings");
    const auto an = hsic::analyze(x, y, s.configs_info.columns, o);
    s.analysis_front = io::store_analysis(an, o);
  } catch (const std::invalid_argument&) {
    s.analysis_front.reset();  // no front to speak of (no cost known, or every training failed)
  }
}

}  // namespace hsicho::study
