#pragma once
// SIGINT/SIGTERM ask a run to stop at the end of the current step; the run
// then writes a valid file marked incomplete. Installed for the lifetime of
// this object; the previous handlers come back afterwards.
#include <csignal>

namespace cpsim::app {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  [[nodiscard]] static bool requested() noexcept;
  /// The signal that asked to stop, or 0.
  [[nodiscard]] static int signal_number() noexcept;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

}  // namespace cpsim::app
