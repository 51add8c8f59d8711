#include "progress.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace cpsim::app {

ProgressBar::ProgressBar(std::ostream& out, std::int64_t total, bool enabled, const char* unit)
    : out_(out),
      total_(total > 0 ? total : 1),
      enabled_(enabled),
      unit_(unit),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(std::int64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redrawing costs a write per step; ten times a second is plenty.
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int width = 40;
  const double fraction = static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * width);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0.0;
  char tail[96];
  std::snprintf(tail, sizeof tail, "] %3.0f%%  %s %lld/%lld  %.1fs  eta %.1fs", fraction * 100,
                unit_, static_cast<long long>(done), static_cast<long long>(total_), elapsed, eta);
  out_ << '\r' << '[' << std::string(static_cast<std::size_t>(filled), '#')
       << std::string(static_cast<std::size_t>(width - filled), ' ') << tail << std::flush;
}

void ProgressBar::finish() {
  if (enabled_) out_ << '\n' << std::flush;
}

}  // namespace cpsim::app
