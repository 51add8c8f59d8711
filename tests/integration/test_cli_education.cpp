// Education and skill parameters of the district economy from a scenario
// file: a negative intergenerational elasticity, an education share above 1
// or above the maximum share is refused with one line naming the file, line,
// column and key path, exit 2, and no output file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;

void expect_refused(const std::string& parameters, const std::string& message) {
  const TempDir dir;
  const auto scenario = dir.file("education.yaml");
  std::ofstream(scenario) << "extends: " << source_dir
                          << "/scenarios/xihu-small.yaml\nparameters:\n"
                          << parameters;
  const auto out = dir.file("education.h5");
  const auto r = run_cpsim("run " + scenario + " -o " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind(scenario + ":" + message, 0), 0U) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST(CliEducation, NegativeIntergenerationalElasticityIsRefused) {
  expect_refused("  skills:\n    intergenerational_elasticity: -0.2\n",
                 "4:35: parameters.skills.intergenerational_elasticity: expected >= 0, found -0.2");
}

TEST(CliEducation, EducationShareAboveOneIsRefused) {
  expect_refused("  education:\n    private_share: 1.5\n",
                 "4:20: parameters.education.private_share: expected <= 1, found 1.5");
}

TEST(CliEducation, EducationShareAboveTheMaximumIsRefused) {
  expect_refused("  education:\n    private_share: 0.2\n    max_share: 0.1\n",
                 "4:20: parameters.education.private_share: must not exceed education.max_share");
}

}  // namespace
}  // namespace cpsim
