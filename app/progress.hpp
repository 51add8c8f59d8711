#pragma once
// A one-line progress bar, drawn only when the stream is a terminal.
#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace cpsim::app {

class ProgressBar {
 public:
  /// `unit` names what is counted ("step", "run").
  ProgressBar(std::ostream& out, std::int64_t total, bool enabled, const char* unit = "step");
  void update(std::int64_t done);
  void finish();

 private:
  std::ostream& out_;
  std::int64_t total_;
  bool enabled_;
  const char* unit_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace cpsim::app
