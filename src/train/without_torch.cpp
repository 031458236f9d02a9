// The training API for hsicho-mpi-command, the MPI program of decks whose training is the user's
// command (training.command): it links neither LibTorch nor its ~300 shared libraries, which take
// about 0.8 s to load at every start of a rank. The front end (src/main_light.cpp) sends a deck
// with built-in networks to hsicho-mpi instead, so these are reached only by a deck that changed
// between the two: they refuse, and say where the built-in training is.
#include <stdexcept>

#include "hsicho/error.hpp"
#include "hsicho/train/fused.hpp"
#include "hsicho/train/trainer.hpp"

namespace hsicho::train {
namespace {

[[noreturn]] void no_torch() {
  throw InputError(
      "this deck trains built-in networks, which hsicho-mpi-command (the program for decks with "
      "a training.command) cannot: run it through hsicho, which starts hsicho-mpi for it");
}

}  // namespace

Result train_one(const TrainSpec&, const DataSet&, int) {
  no_torch();
}

std::optional<Result> train_one(const TrainSpec&, const DataSet&, int, const Hooks&) {
  no_torch();
}

PausableResult train_pausable(const TrainSpec&, const DataSet&, int, const Hooks&, const Pausing&) {
  no_torch();
}

std::int64_t count_parameters(const ModelSpec&, const DataSet&) {
  no_torch();
}

std::string choose_device(const std::string& requested, int) {
  if (requested == "cpu" || requested == "auto") return "cpu";
  no_torch();
}

bool train_group(const std::vector<TrainSpec>&, const Group&, const DataSet&, int,
                 const GroupHooks&, bool) {
  no_torch();
}

}  // namespace hsicho::train
