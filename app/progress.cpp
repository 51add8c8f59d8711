#include "progress.hpp"

#include <cstdio>
#include <ostream>
#include <string>

namespace cpsim::app {

namespace {

/// The rate is measured over about this many seconds of recent draws.
constexpr double rate_window_seconds = 10.0;
constexpr int bar_width = 40;

double seconds(ProgressBar::Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, std::int64_t total, bool enabled, const char* unit)
    : out_(out),
      total_(total > 0 ? total : 1),
      enabled_(enabled),
      unit_(unit),
      start_(Clock::now()),
      last_draw_(start_) {}

void ProgressBar::setup() {
  in_setup_ = true;
  start_ = Clock::now();
  if (enabled_)
    draw(format_line(0, total_, unit_, 0, -1, -1).substr(0, bar_width + 2) + " setting up ...");
}

std::string ProgressBar::format_line(std::int64_t done, std::int64_t total, const char* unit,
                                     double elapsed, double setup, double eta) {
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  const int filled = static_cast<int>(fraction * bar_width);
  char text[160];
  std::snprintf(text, sizeof text, "] %3.0f%%  %s %lld/%lld  %.1fs", fraction * 100, unit,
                static_cast<long long>(done), static_cast<long long>(total), elapsed);
  std::string line(1, '[');
  line.append(static_cast<std::size_t>(filled), '#');
  line.append(static_cast<std::size_t>(bar_width - filled), ' ');
  line += text;
  if (setup >= 0) {
    std::snprintf(text, sizeof text, " (set-up %.1fs)", setup);
    line += text;
  }
  if (done < total) {
    if (eta >= 0) {
      std::snprintf(text, sizeof text, "  eta %.1fs", eta);
      line += text;
    } else {
      line += "  eta ?";
    }
  }
  return line;
}

double ProgressBar::eta_seconds(std::int64_t done, std::int64_t total, double rate) {
  if (!(rate > 0)) return -1;
  return static_cast<double>(total - done) / rate;
}

void ProgressBar::update(std::int64_t done) {
  bool first = false;
  if (in_setup_) {
    // The first update ends the set-up: counting starts now.
    in_setup_ = false;
    first = true;
    const auto now = Clock::now();
    setup_seconds_ = seconds(now - start_);
    start_ = now;
    recent_.push_back({now, done});
  }
  if (!enabled_) return;
  const auto now = Clock::now();
  // Redrawing costs a write per step; ten times a second is plenty.
  if (!first && done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  if (recent_.empty()) recent_.push_back({start_, 0});
  recent_.push_back({now, done});
  while (recent_.size() > 2 && seconds(now - recent_[1].time) >= rate_window_seconds) {
    recent_.pop_front();
  }
  const Sample& oldest = recent_.front();
  const double span = seconds(now - oldest.time);
  const double rate = span > 0 ? static_cast<double>(done - oldest.done) / span : 0.0;
  draw(format_line(done, total_, unit_, seconds(now - start_), setup_seconds_,
                   eta_seconds(done, total_, rate)));
}

void ProgressBar::draw(const std::string& line) {
  // Pad over whatever remains of a longer previous line.
  const std::size_t pad = drawn_width_ > line.size() ? drawn_width_ - line.size() : 0;
  out_ << '\r' << line << std::string(pad, ' ') << std::flush;
  drawn_width_ = line.size();
}

void ProgressBar::finish() {
  if (enabled_ && drawn_width_ > 0) out_ << '\n' << std::flush;
}

}  // namespace cpsim::app
