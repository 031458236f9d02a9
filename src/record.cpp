#include "hsicho/record.hpp"

#include <limits>

namespace hsicho {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Ok:
      return "ok";
    case Outcome::Diverged:
      return "diverged";
    case Outcome::Failed:
      return "failed";
    case Outcome::Stopped:
      return "stopped";
  }
  return "?";
}

std::optional<Outcome> outcome_from(const std::string& text) {
  for (auto o : {Outcome::Ok, Outcome::Diverged, Outcome::Failed, Outcome::Stopped}) {
    if (text == outcome_name(o)) return o;
  }
  return std::nullopt;
}

double Record::goal_error() const {
  return ok() ? val_error : std::numeric_limits<double>::infinity();
}

std::string Record::outcome_text() const {
  return std::string(outcome_name(status)) + (cause.empty() ? "" : " (" + cause + ")");
}

}  // namespace hsicho
