// The assignment of a study's runs to parts (`cpsim study --part I/N`,
// docs/studies.md "Parts on a cluster") and the parsing of --part.
#include "cpsim/engine/study_parts.hpp"

#include <gtest/gtest.h>

#include "cpsim/engine/errors.hpp"

namespace cpsim {
namespace {

TEST(StudyParts, BlocksAreContiguousCoverEveryRunOnceAndDifferByAtMostOne) {
  for (const std::size_t runs : {1U, 2U, 7U, 32U, 1000U, 999'999U}) {
    for (const std::int64_t count : {1, 2, 3, 7, 16, 1000}) {
      if (static_cast<std::size_t>(count) > runs) continue;
      std::size_t next = 0;
      std::size_t smallest = runs;
      std::size_t largest = 0;
      for (std::int64_t index = 1; index <= count; ++index) {
        const RunBlock block = part_runs(runs, {index, count});
        EXPECT_EQ(block.first, next) << runs << " runs, part " << index << "/" << count;
        EXPECT_GT(block.size(), 0U);
        smallest = std::min(smallest, block.size());
        largest = std::max(largest, block.size());
        next = block.last;
      }
      EXPECT_EQ(next, runs) << runs << " runs in " << count << " parts";
      EXPECT_LE(largest - smallest, 1U);
    }
  }
  // The documented formula: part I of N holds floor((I-1) runs / N) .. floor(I runs / N) - 1.
  EXPECT_EQ(part_runs(9, {2, 4}).first, 2U);
  EXPECT_EQ(part_runs(9, {2, 4}).last, 4U);
  EXPECT_EQ(part_runs(9, {4, 4}).first, 6U);
  EXPECT_EQ(part_runs(9, {4, 4}).last, 9U);
}

TEST(StudyParts, ParsesIOfNAndRefusesWhatCannotBeAPart) {
  const PartNumber part = parse_part("3/8", 32);
  EXPECT_EQ(part.index, 3);
  EXPECT_EQ(part.count, 8);
  EXPECT_EQ(parse_part("32/32", 32).index, 32);
  const auto message = [](const std::string& text) {
    try {
      (void)parse_part(text, 32);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("0/8"), "--part: expected 1 <= I <= N, found 0/8");
  EXPECT_EQ(message("9/8"), "--part: expected 1 <= I <= N, found 9/8");
  EXPECT_EQ(message("1/33"),
            "--part: the study has 32 runs, fewer than 33 parts (every part holds at least one "
            "run)");
  for (const char* bad : {"", "3", "3/", "/8", "a/8", "3/8x", "-1/8", "3/-8", "3//8", " 3/8"}) {
    EXPECT_NE(message(bad).find("--part: expected"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace cpsim
