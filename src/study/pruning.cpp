#include "hsicho/study/pruning.hpp"

#include <algorithm>
#include <cmath>

#include "hsicho/error.hpp"
#include "hsicho/external/command.hpp"
#include "hsicho/space/keys.hpp"

namespace hsicho::study {

PruningSettings read_pruning(const space::Deck& deck) {
  PruningSettings p;
  const space::Block& b = deck.pruning;
  if (!b.present) return p;
  p.enabled = true;
  auto one = [&](const std::string& key) -> const space::Setting* {
    const auto* s = b.find(key);
    if (s && s->is_list && key != "rungs")
      throw InputError(s->mark, "pruning." + key + " must be a single value");
    return s;
  };
  if (auto v = space::read_key<int>(b, "min_epochs")) p.min_epochs = *v;
  if (auto v = space::read_key<double>(b, "factor")) p.factor = *v;
  if (const auto* s = b.find("keep")) {
    p.keep.clear();
    const auto& spec = space::key_spec("pruning", "keep");
    for (const auto& t : s->is_list ? s->list : std::vector<std::string>{s->text}) {
      try {
        p.keep.push_back(space::key_number(spec, t));
      } catch (const space::KeyValueError& e) {
        throw InputError(s->mark, std::string("pruning.keep ") + e.what());
      }
    }
    if (p.keep.empty()) throw InputError(s->mark, "pruning.keep lists nothing; e.g. [3, 2, 1.5]");
  }
  if (auto v = space::read_key<std::size_t>(b, "min_trainings")) p.min_trainings = *v;
  const auto mode = space::read_key<std::string>(b, "mode").value_or(
      space::key_default<std::string>("pruning", "mode"));
  p.ordered = mode == "ordered";
  p.halving = mode == "halving";
  if (p.halving && deck.external && !external::read_command(deck).checkpoint) {
    throw InputError(b.find("mode")->mark,
                     "pruning.mode: halving pauses trainings at each rung and continues them "
                     "later: a training.command must save and load its state for that (the "
                     "checkpoint contract, docs/driver.md); say it does with training.checkpoint: "
                     "true, or use mode: ordered");
  }
  if (const auto* s = one("grace")) {
    const auto v =
        external::parse_duration(space::key_text(space::key_spec("pruning", "grace"), s->text));
    if (!v)
      throw InputError(s->mark, "pruning.grace: '" + s->text + "' is not a duration; e.g. 10s");
    p.grace = *v;
  }
  if (const auto* s = b.find("rungs")) {
    const auto& spec = space::key_spec("pruning", "rungs");
    for (const auto& t : s->is_list ? s->list : std::vector<std::string>{s->text}) {
      try {
        p.rungs.push_back(static_cast<int>(space::key_whole(spec, t)));
      } catch (const space::KeyValueError& e) {
        throw InputError(s->mark, std::string("pruning.rungs ") + e.what());
      }
    }
    if (!std::is_sorted(p.rungs.begin(), p.rungs.end()) ||
        std::adjacent_find(p.rungs.begin(), p.rungs.end()) != p.rungs.end())
      throw InputError(s->mark, "pruning.rungs must grow: e.g. [3, 9, 27]");
    if (b.has("min_epochs") || b.has("factor"))
      throw InputError(s->mark, "give pruning.rungs, or min_epochs and factor, not both");
  }
  // auto: successive halving wherever the trainings can pause and continue (it stops the same
  // hopeless trainings with less wall time: docs/early_stopping.md, "Which to use"), ordered
  // where they cannot (a command without the checkpoint contract, or without rungs).
  if (mode == "auto") {
    p.halving = !deck.external || (external::read_command(deck).checkpoint && !p.rungs.empty());
    p.ordered = !p.halving;
  }
  if (p.halving && deck.external && p.rungs.empty()) {
    throw InputError(b.find("mode")->mark,
                     "pruning.mode: halving with a training.command needs pruning.rungs (hsicho "
                     "does not know how many epochs your command trains); e.g. rungs: [3, 9]");
  }
  return p;
}

std::vector<int> rungs_for(const PruningSettings& p, int epochs) {
  std::vector<int> out;
  if (!p.enabled) return out;
  if (!p.rungs.empty()) {
    for (int r : p.rungs) {
      if (r < epochs) out.push_back(r);
    }
    return out;
  }
  for (double r = p.min_epochs; r < epochs; r *= p.factor) {
    const int e = static_cast<int>(std::lround(r));
    if (out.empty() || e > out.back()) out.push_back(e);
  }
  return out;
}

double keep_at(const PruningSettings& p, std::size_t rung) {
  return p.keep.empty() ? 1.0 : p.keep[std::min(rung, p.keep.size() - 1)];
}

namespace {

// The place in the sorted errors of `others` others of the rung's threshold: the kept fraction,
// widened by two standard errors of a quantile estimated from n errors, so that a training is
// stopped only when it is clearly outside it (few others: a wide margin).
std::size_t threshold_place(std::size_t others, double alpha, const PruningSettings& p,
                            std::size_t rung) {
  const double kept = std::min(1.0, keep_at(p, rung) * alpha);
  const double n = static_cast<double>(others);
  const double level = std::min(1.0, kept + 2 * std::sqrt(kept * (1 - kept) / n));
  return static_cast<std::size_t>(std::floor(level * static_cast<double>(others - 1)));
}

}  // namespace

bool rung_can_stop(std::size_t others, std::size_t rivals, double alpha, const PruningSettings& p,
                   std::size_t rung) {
  if (others < p.min_trainings || others == 0) return false;
  // At most `rivals` errors below a training's own: the threshold sorted(others)[k] is then at
  // or above it whenever rivals <= k.
  return rivals > threshold_place(others, alpha, p, rung);
}

bool goes_on(double error, std::vector<double> others, double alpha, const PruningSettings& p,
             std::size_t rung, double* threshold) {
  if (threshold) *threshold = NAN;
  if (others.size() < p.min_trainings) return true;
  std::sort(others.begin(), others.end());
  const double t = others[threshold_place(others.size(), alpha, p, rung)];
  if (threshold) *threshold = t;
  return !(error > t);  // a NaN error goes on: not ours to judge
}

}  // namespace hsicho::study
