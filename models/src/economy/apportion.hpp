#pragma once
// Whole numbers in proportion to weights (the largest-remainder method):
// the household table's copies of each row, the region table's residents of
// each region. Deterministic and serial, so nothing depends on threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace cpsim::models::economy {

/// `total` (a whole number) split in proportion to `weight` (>= 0, summing
/// to more than 0): each entry gets the floor of its share, and the entries
/// with the largest remainders one more each (equal remainders: the earlier
/// entry first) until the parts sum to `total`.
inline std::vector<std::uint64_t> apportion(const std::vector<double>& weight, double total) {
  double weights = 0;
  for (const double w : weight) weights += w;
  std::vector<std::uint64_t> parts(weight.size());
  std::vector<std::pair<double, std::size_t>> remainder(weight.size());
  double assigned = 0;
  for (std::size_t r = 0; r < weight.size(); ++r) {
    const double share = total * weight[r] / weights;
    const double whole = std::floor(share);
    parts[r] = static_cast<std::uint64_t>(whole);
    assigned += whole;
    remainder[r] = {-(share - whole), r};
  }
  std::stable_sort(remainder.begin(), remainder.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t j = 0; assigned < total && j < remainder.size(); ++j, assigned += 1) {
    ++parts[remainder[j].second];
  }
  return parts;
}

}  // namespace cpsim::models::economy
