// Hooks are the study layer's code that runs inside a training: a rung's decision (its rung
// log), the journal append when a fused member ends. What a hook throws is a fault of the run (a
// full disk, a damaged journal), never of the training: it must end the run with the resume
// command, not become a failed result. So a hook's exception crosses the trainer's own
// `catch (const std::exception&)` (which turns LibTorch errors and out-of-memory into results)
// wrapped in a HookFault, which is not a std::exception, and leaves the trainer as thrown.
#pragma once

#include <exception>
#include <utility>

namespace hsicho::train {

struct HookFault {
  std::exception_ptr error;
};

// Calls a hook; whatever it throws travels as a HookFault.
template <class F>
decltype(auto) call_hook(F&& hook) {
  try {
    return std::forward<F>(hook)();
  } catch (...) {
    throw HookFault{std::current_exception()};
  }
}

// Runs a trainer's body; a hook's fault leaves it as the hook threw it.
template <class F>
decltype(auto) rethrow_hook_faults(F&& body) {
  try {
    return std::forward<F>(body)();
  } catch (const HookFault& fault) {
    std::rethrow_exception(fault.error);
  }
}

}  // namespace hsicho::train
