#pragma once
// A one-line progress bar, drawn only when the stream is a terminal.
//
//   set-up:   [                                        ] setting up ...
//   stepping: [#########                               ]  23%  step 28/120  6.1s (set-up 2.0s)
//   eta 20.0s
//
// Each redraw overwrites the whole previous line (shorter text is padded),
// so nothing of an earlier, longer line is left behind. The ETA divides the
// remaining count by the rate over the last few seconds, not since the start,
// so a slow set-up or a change of pace does not skew it.
#include <chrono>
#include <cstdint>
#include <deque>
#include <iosfwd>
#include <string>

namespace cpsim::app {

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  /// `unit` names what is counted ("step", "run").
  ProgressBar(std::ostream& out, std::int64_t total, bool enabled, const char* unit = "step");
  /// Shows the set-up phase (building the model) until the first update();
  /// its duration is then shown apart and left out of the rate.
  void setup();
  void update(std::int64_t done);
  void finish();

  /// What the line shows (for tests): `done` of the total after `elapsed`
  /// seconds of counting, `setup` seconds of set-up before them (< 0: none),
  /// `eta` seconds left (< 0: unknown).
  static std::string format_line(std::int64_t done, std::int64_t total, const char* unit,
                                 double elapsed, double setup, double eta);
  /// Seconds left at `rate` per second (< 0 when the rate is unknown).
  static double eta_seconds(std::int64_t done, std::int64_t total, double rate);

 private:
  void draw(const std::string& line);

  struct Sample {
    Clock::time_point time;
    std::int64_t done;
  };
  std::ostream& out_;
  std::int64_t total_;
  bool enabled_;
  const char* unit_;
  Clock::time_point start_;  ///< of counting (after set-up)
  Clock::time_point last_draw_;
  double setup_seconds_ = -1;  ///< < 0: no set-up phase shown
  bool in_setup_ = false;
  std::size_t drawn_width_ = 0;  ///< of the line on screen, to pad over
  std::deque<Sample> recent_;    ///< the draws of the last few seconds
};

}  // namespace cpsim::app
