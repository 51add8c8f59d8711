#pragma once
// Walker's alias method (Vose's construction): O(1) draws of an index with
// probability proportional to a weight. Built sequentially, so the table and
// therefore every draw are identical at any thread count.
#include <cstdint>
#include <span>
#include <vector>

#include "cpsim/engine/random.hpp"

namespace cpsim::models::economy {

class AliasTable {
 public:
  AliasTable() = default;
  /// Weights >= 0; entries with weight 0 are never drawn. Empty if all are 0.
  explicit AliasTable(std::span<const double> weights) { build(weights); }

  void build(std::span<const double> weights) {
    const std::size_t n = weights.size();
    probability_.assign(n, 0.0);
    alias_.assign(n, 0);
    double total = 0;
    for (const double w : weights) total += w > 0 ? w : 0.0;
    total_ = total;
    if (n == 0 || !(total > 0)) return;
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    small.reserve(n);
    large.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = (weights[i] > 0 ? weights[i] : 0.0) * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back();
      small.pop_back();
      const std::uint32_t l = large.back();
      probability_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (const std::uint32_t l : large) probability_[l] = 1.0;
    // Leftovers from rounding: a weight-0 entry must never be drawn, so send
    // its column to a positive entry.
    for (const std::uint32_t s : small) probability_[s] = 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(weights[i] > 0) && probability_[i] >= 1.0) {
        probability_[i] = 0.0;
        alias_[i] = first_positive(weights);
      }
    }
  }

  [[nodiscard]] bool empty() const { return !(total_ > 0); }
  [[nodiscard]] double total() const { return total_; }

  /// An index drawn from two random words.
  [[nodiscard]] std::uint32_t draw(std::uint64_t word_column, std::uint64_t word_coin) const {
    const auto column = static_cast<std::uint32_t>(to_index(word_column, probability_.size()));
    return to_unit_interval(word_coin) < probability_[column] ? column : alias_[column];
  }

 private:
  static std::uint32_t first_positive(std::span<const double> weights) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] > 0) return static_cast<std::uint32_t>(i);
    }
    return 0;
  }
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
  double total_ = 0;
};

}  // namespace cpsim::models::economy
