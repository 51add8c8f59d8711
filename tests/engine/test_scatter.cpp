#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "cpsim/engine/scatter.hpp"

namespace cpsim {
namespace {

const RandomStream split_stream(11, "test.scatter.split");
const RandomStream place_stream(11, "test.scatter.place");

/// Items per slot after one scatter; leaves write only their own slots.
std::vector<std::uint32_t> scatter_counts(std::uint64_t items, std::size_t n, std::uint64_t step) {
  std::vector<std::uint32_t> counts(n, 0);
  scatter_uniform(items, n, split_stream, place_stream, step, [&](const ScatterLeaf& leaf) {
    leaf.for_each_item([&](std::size_t slot) {
      EXPECT_GE(slot, leaf.begin);
      EXPECT_LT(slot, leaf.end);
      ++counts[slot];
    });
  });
  return counts;
}

std::uint64_t total(const std::vector<std::uint32_t>& counts) {
  std::uint64_t sum = 0;
  for (const auto c : counts) sum += c;
  return sum;
}

TEST(ScatterUniform, EveryItemLandsOnceOnASlotInRange) {
  // Sizes with a partial last leaf, a partial last group, and several groups.
  for (const std::size_t n : {std::size_t{1}, std::size_t{7}, scatter_leaf, scatter_leaf + 1,
                              scatter_leaf * scatter_group * 2 + 5}) {
    for (const std::uint64_t items : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{3 * n}}) {
      EXPECT_EQ(total(scatter_counts(items, n, 1)), items) << n << " slots, " << items << " items";
    }
  }
}

TEST(ScatterUniform, VisitsEveryLeafOnceInOrderOfSlots) {
  const std::size_t n = scatter_leaf * 3 + 10;
  std::vector<std::atomic<int>> visits((n + scatter_leaf - 1) / scatter_leaf);
  std::atomic<std::uint64_t> landed{0};
  scatter_uniform(0, n, split_stream, place_stream, 1, [&](const ScatterLeaf& leaf) {
    ++visits[leaf.index];
    EXPECT_EQ(leaf.begin, leaf.index * scatter_leaf);
    EXPECT_EQ(leaf.end, std::min(n, leaf.begin + scatter_leaf));
    landed += leaf.items;
  });
  for (const auto& v : visits) EXPECT_EQ(v.load(), 1);
  EXPECT_EQ(landed.load(), 0U);
}

TEST(ScatterUniform, CountsAreMultinomial) {
  // Over many steps the items on any set of k slots are Binomial(items, k/n):
  // checked for one slot, one leaf and one group of leaves. A split that is
  // not random (say, the expected share) would leave a leaf's or a group's
  // total without variance.
  const std::size_t n = scatter_leaf * scatter_group + 3 * scatter_leaf + 17;
  const std::uint64_t items = 2 * n;
  struct Moments {
    double k = 0;  // slots in the set
    double sum = 0, sum_squares = 0;
  };
  Moments slot{1}, leaf{scatter_leaf}, group{scatter_leaf * scatter_group};
  constexpr int steps = 1500;
  for (int s = 0; s < steps; ++s) {
    const auto counts = scatter_counts(items, n, static_cast<std::uint64_t>(s));
    double in_leaf = 0, in_group = 0;
    for (std::size_t i = 0; i < scatter_leaf * scatter_group; ++i) {
      if (i < scatter_leaf) in_leaf += counts[i];
      in_group += counts[i];
    }
    for (auto [m, x] : {std::pair{&slot, double(counts[5])}, std::pair{&leaf, in_leaf},
                        std::pair{&group, in_group}}) {
      m->sum += x;
      m->sum_squares += x * x;
    }
  }
  for (const Moments* m : {&slot, &leaf, &group}) {
    const double p = m->k / static_cast<double>(n);
    const double mean = static_cast<double>(items) * p;
    const double variance = static_cast<double>(items) * p * (1 - p);
    const double sample_mean = m->sum / steps;
    EXPECT_NEAR(sample_mean, mean, 5 * std::sqrt(variance / steps)) << m->k << " slots";
    EXPECT_NEAR(m->sum_squares / steps - sample_mean * sample_mean, variance, 0.15 * variance)
        << m->k << " slots";
  }
}

TEST(ScatterUniform, LeafTotalsFollowTheSlotShares) {
  // A short last leaf must get items in proportion to its slots.
  const std::size_t n = scatter_leaf * 4 + scatter_leaf / 4;  // last leaf: 1/17 of the slots
  const std::uint64_t items = 10 * n;
  double last = 0;
  constexpr int steps = 500;
  for (int s = 0; s < steps; ++s) {
    const auto counts = scatter_counts(items, n, static_cast<std::uint64_t>(s));
    for (std::size_t i = scatter_leaf * 4; i < n; ++i) last += counts[i];
  }
  const double expected = static_cast<double>(items) / 17.0;
  const double sd = std::sqrt(static_cast<double>(items) * (1.0 / 17) * (16.0 / 17) / steps);
  EXPECT_NEAR(last / steps, expected, 5 * sd);
}

TEST(ScatterUniform, IdenticalAtAnyThreadCount) {
  const oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism, 4);
  const std::size_t n = scatter_leaf * scatter_group * 3 + 101;
  std::vector<std::uint32_t> reference;
  for (const int threads : {1, 2, 4}) {
    oneapi::tbb::task_arena arena(threads);
    std::vector<std::uint32_t> counts;
    arena.execute([&] { counts = scatter_counts(n / 2, n, 7); });
    if (reference.empty()) {
      reference = counts;
    } else {
      EXPECT_EQ(counts, reference) << threads << " threads";
    }
  }
  EXPECT_NE(scatter_counts(n / 2, n, 8), reference);  // the step keys the draws
}

}  // namespace
}  // namespace cpsim
