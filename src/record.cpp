#include "hsicho/record.hpp"

namespace hsicho {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::Ok:
      return "ok";
    case Outcome::Diverged:
      return "diverged";
    case Outcome::Failed:
      return "failed";
  }
  return "?";
}

std::optional<Outcome> outcome_from(const std::string& text) {
  for (auto o : {Outcome::Ok, Outcome::Diverged, Outcome::Failed}) {
    if (text == outcome_name(o)) return o;
  }
  return std::nullopt;
}

std::string Record::outcome_text() const {
  return std::string(outcome_name(status)) + (cause.empty() ? "" : " (" + cause + ")");
}

}  // namespace hsicho
