#pragma once
// The assertion that two runs wrote the same results: every numeric dataset
// of one file is in the other with the same bytes, and there are no others
// (attributes such as threads, ranks or the command line may differ).
#include <gtest/gtest.h>

#include <string>

#include "support/hdf5_read.hpp"

namespace cpsim::testing {

/// Every dataset of `expected_path` is in `actual_path` with the same bytes,
/// and there are no others.
inline void expect_same_datasets(const std::string& expected_path, const std::string& actual_path) {
  const DatasetBytes expected = read_all_datasets(expected_path);
  const DatasetBytes actual = read_all_datasets(actual_path);
  ASSERT_FALSE(expected.empty()) << expected_path;
  ASSERT_EQ(expected.size(), actual.size()) << actual_path;
  for (const auto& [name, bytes] : expected) {
    const auto found = actual.find(name);
    ASSERT_NE(found, actual.end()) << actual_path << " lacks " << name;
    EXPECT_TRUE(found->second == bytes) << actual_path << ": " << name << " differs";
  }
}

}  // namespace cpsim::testing
