// Waiting for something another process does (a rung reached by the trainings before this one, a
// command that runs): sleeps that double from a first one up to 20 ms, so that a short wait
// costs little and a long one little CPU. One place for the rule.
#pragma once

#include <time.h>

#include <algorithm>

namespace hsicho {

class Backoff {
 public:
  explicit Backoff(long first_ns = 500000) : nap_(first_ns) {}
  void wait() {
    struct timespec ts {
      0, nap_
    };
    nanosleep(&ts, nullptr);
    nap_ = std::min(nap_ * 2, 20000000L);
  }

 private:
  long nap_;  // nanoseconds
};

}  // namespace hsicho
