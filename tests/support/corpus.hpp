#pragma once
// Data-driven error corpora (tests/data/bad-*/NAME.EXT + NAME.expected): the
// cases found at run time, and each case's expected one-line error with
// `{dir}` standing for the corpus folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cpsim::testing {

/// The stems of the files in `dir` ending in `extension` (".yaml"), sorted.
inline std::vector<std::string> corpus_cases(const std::filesystem::path& dir,
                                             const std::string& extension) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == extension) names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// NAME.expected in `dir`, without its final newline, `{dir}` replaced by `dir`.
inline std::string expected_error(const std::filesystem::path& dir, const std::string& name) {
  std::ifstream in(dir / (name + ".expected"));
  std::stringstream text;
  text << in.rdbuf();
  std::string expected = text.str();
  if (!expected.empty() && expected.back() == '\n') expected.pop_back();
  for (std::size_t at; (at = expected.find("{dir}")) != std::string::npos;) {
    expected.replace(at, 5, dir.string());
  }
  return expected;
}

/// A GoogleTest name for a case (letters and digits; others become '_').
inline std::string case_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string id = info.param;
  std::replace_if(
      id.begin(), id.end(), [](char c) { return std::isalnum(c) == 0; }, '_');
  return id;
}

}  // namespace cpsim::testing
