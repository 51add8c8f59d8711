// The progress bar of `cpsim run` and `cpsim study`: what one line says, and
// that each redraw covers the previous line completely.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "progress.hpp"

namespace cpsim::app {
namespace {

TEST(ProgressBar, LineShowsCountTimesSetUpAndEta) {
  const std::string line = ProgressBar::format_line(30, 120, "step", 6.04, 2.0, 18.0);
  EXPECT_EQ(line.find("[##########          "), 0U) << line;  // 25 % of 40
  EXPECT_NE(line.find(" 25%  step 30/120  6.0s (set-up 2.0s)  eta 18.0s"), std::string::npos)
      << line;
  EXPECT_EQ(line.back(), 's');
  // No set-up phase shown, an unknown rate, and the end (no eta at all).
  EXPECT_NE(ProgressBar::format_line(0, 5, "run", 0.0, -1, -1).find("run 0/5  0.0s  eta ?"),
            std::string::npos);
  const std::string done = ProgressBar::format_line(5, 5, "run", 9.0, -1, 0);
  EXPECT_EQ(done.find("eta"), std::string::npos) << done;
}

TEST(ProgressBar, EtaUsesTheGivenRate) {
  EXPECT_DOUBLE_EQ(ProgressBar::eta_seconds(30, 120, 10.0), 9.0);
  EXPECT_LT(ProgressBar::eta_seconds(30, 120, 0.0), 0.0);
}

TEST(ProgressBar, RedrawsPadOverTheLongerPreviousLine) {
  std::ostringstream out;
  ProgressBar bar(out, 4, /*enabled=*/true);
  bar.setup();  // "setting up ..." is longer than some stepping lines
  for (int step = 0; step <= 4; ++step) {
    bar.update(step);
    std::this_thread::sleep_for(std::chrono::milliseconds(110));  // past the redraw limit
  }
  bar.finish();
  std::string text = out.str();
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  // Every line drawn is at least as wide as the one before it was.
  std::size_t previous = 0;
  std::size_t draws = 0;
  for (std::size_t at = text.find('\r'); at != std::string::npos; ++draws) {
    const std::size_t next = text.find('\r', at + 1);
    const std::string line = text.substr(at + 1, next == std::string::npos ? next : next - at - 1);
    EXPECT_GE(line.size(), previous) << '"' << line << '"';
    previous = line.size();
    at = next;
  }
  EXPECT_EQ(draws, 6U);  // set-up and five steps
  EXPECT_NE(text.find("setting up"), std::string::npos);
  EXPECT_NE(text.find("(set-up "), std::string::npos);
  EXPECT_NE(text.find("step 4/4"), std::string::npos);
}

TEST(ProgressBar, DrawsNothingWhenDisabled) {
  std::ostringstream out;
  ProgressBar bar(out, 10, /*enabled=*/false);
  bar.setup();
  bar.update(5);
  bar.finish();
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace cpsim::app
