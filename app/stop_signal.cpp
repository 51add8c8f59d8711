#include "stop_signal.hpp"

namespace cpsim::app {
namespace {
volatile std::sig_atomic_t stop_signal_received = 0;

extern "C" void on_stop_signal(int signal) { stop_signal_received = signal; }
}  // namespace

StopSignal::StopSignal() {
  stop_signal_received = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool StopSignal::requested() noexcept { return stop_signal_received != 0; }
int StopSignal::signal_number() noexcept { return static_cast<int>(stop_signal_received); }

}  // namespace cpsim::app
