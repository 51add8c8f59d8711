#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <vector>

#include "cpsim/engine/random.hpp"

namespace cpsim {
namespace {

TEST(StreamId, IsFnv1aOfTheName) {
  // Published FNV-1a 64 test vectors: stream ids must never change between
  // builds, or saved seeds would stop reproducing runs.
  EXPECT_EQ(stream_id(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(stream_id("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(stream_id("foobar"), 0x85944171f73967e8ULL);
}

TEST(RandomStream, DrawIsAPureFunctionOfItsKeyAndCounter) {
  const RandomStream a(42, "labour.search");
  const RandomStream b(42, "labour.search");
  EXPECT_EQ(a.block(7, 3, 1), b.block(7, 3, 1));
  EXPECT_NE(a.block(7, 3, 1), a.block(7, 3, 2));
  EXPECT_NE(a.block(7, 3, 1), a.block(8, 3, 1));
  EXPECT_NE(a.block(7, 3, 1), a.block(7, 4, 1));
  EXPECT_NE(a.block(7, 3, 1), RandomStream(43, "labour.search").block(7, 3, 1));
  EXPECT_NE(a.block(7, 3, 1), RandomStream(42, "labour.search2").block(7, 3, 1));
}

TEST(RandomStream, WordsAreTheBlocksWords) {
  const RandomStream s(1, "x");
  const RandomBlock block = s.block(5, 9, 2);
  for (std::uint64_t k = 0; k < 4; ++k) EXPECT_EQ(s.word(5, 9, 8 + k), block[k]);
}

TEST(RandomStream, UniformHasTheRightMeanAndRange) {
  const RandomStream s(3, "u");
  double sum = 0;
  constexpr int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform(static_cast<std::uint64_t>(i), 0);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.003);  // sd of the mean is 0.00065
}

TEST(RandomStream, IndexIsUniformByChiSquare) {
  const RandomStream s(11, "i");
  constexpr std::uint64_t bins = 10;
  constexpr int n = 100000;
  std::vector<int> counts(bins);
  for (int i = 0; i < n; ++i) ++counts[s.index(static_cast<std::uint64_t>(i), 1, bins)];
  double chi2 = 0;
  const double expected = static_cast<double>(n) / bins;
  for (const int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 27.88);  // 99.9 % quantile of chi-square with 9 degrees of freedom
}

TEST(RandomStream, NormalHasUnitVariance) {
  const RandomStream s(5, "n");
  double sum = 0, sum2 = 0;
  constexpr int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double z = s.normal(static_cast<std::uint64_t>(i), 0);
    sum += z;
    sum2 += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.015);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
}

TEST(UniformBatch, DrawsAreTheDigitsOfLemiresDrawOnTheProduct) {
  // candidate * P = 2^64 D + L with D = x0 r1 r2 + x1 r2 + x2: the draws are
  // D's mixed-radix digits, kept exactly when L >= 2^64 mod P, else the next
  // candidate decides.
  __extension__ using uint128 = unsigned __int128;
  const RandomStream s(17, "batch");
  const std::array<std::uint64_t, 3> ranges{3, 7, 1000};
  const std::uint64_t product = 21000;
  const std::uint64_t threshold = (0 - product) % product;
  int rejected = 0;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    // Every 1,000th candidate is forced into the rejection region.
    std::uint64_t first = s.word(i, 0);
    if (i % 1000 == 0) first = 0;
    const std::uint64_t second = s.word(i, 1);
    int calls = 0;
    const auto draws = uniform_batch(ranges, [&](std::uint64_t r) {
      ++calls;
      return r == 0 ? first : second;
    });
    const uint128 scaled = static_cast<uint128>(first) * product;
    const bool keep = static_cast<std::uint64_t>(scaled) >= threshold;
    const auto digits =
        static_cast<std::uint64_t>((static_cast<uint128>(keep ? first : second) * product) >> 64);
    ASSERT_EQ(draws[0] * 7000 + draws[1] * 1000 + draws[2], digits) << i;
    ASSERT_LT(draws[0], 3U);
    ASSERT_LT(draws[1], 7U);
    ASSERT_LT(draws[2], 1000U);
    ASSERT_EQ(calls, keep ? 1 : 2) << i;
    rejected += keep ? 0 : 1;
  }
  EXPECT_EQ(rejected, 20);  // the forced ones; otherwise rejection has probability < 2^-49
}

TEST(UniformBatch, SingleRangeRejectsExactlyBelowTwoToThe64ModN) {
  // 2^64 mod 3 = 1: only the candidate 0 is rejected (its low half is 0).
  int calls = 0;
  const auto draw = uniform_batch(std::array<std::uint64_t, 1>{3}, [&](std::uint64_t r) {
    ++calls;
    return r == 0 ? std::uint64_t{0} : std::uint64_t{1} << 63;
  });
  EXPECT_EQ(draw[0], 1U);  // 2^63 * 3 = 2^64 + 2^63
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(uniform_batch(std::array<std::uint64_t, 1>{3},
                          [](std::uint64_t) { return std::uint64_t{1}; })[0],
            0U);  // low half 3 >= 1: kept
  EXPECT_EQ(uniform_batch(std::array<std::uint64_t, 1>{1},
                          [](std::uint64_t) { return ~std::uint64_t{0}; })[0],
            0U);
}

TEST(UniformBatch, PairsAreJointlyUniformByChiSquare) {
  const RandomStream s(19, "pairs");
  constexpr std::uint64_t a = 4, b = 5;
  constexpr int n = 100000;
  std::vector<int> counts(a * b);
  for (int i = 0; i < n; ++i) {
    const auto d = uniform_batch(std::array<std::uint64_t, 2>{a, b}, [&](std::uint64_t r) {
      return s.word(static_cast<std::uint64_t>(i), 0, r);
    });
    ++counts[d[0] * b + d[1]];
  }
  double chi2 = 0;
  const double expected = static_cast<double>(n) / (a * b);
  for (const int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 43.82);  // 99.9 % quantile of chi-square with 19 degrees of freedom
}

TEST(KeyedPermutation, IsABijectionForAwkwardSizes) {
  const RandomStream s(9, "perm");
  for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 5ULL, 7ULL, 100ULL, 4096ULL, 4097ULL, 65537ULL}) {
    const KeyedPermutation p(n, s, 4);
    std::vector<std::uint64_t> image(n);
    for (std::uint64_t i = 0; i < n; ++i) image[i] = p(i);
    std::sort(image.begin(), image.end());
    for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(image[i], i) << "n = " << n;
  }
}

TEST(KeyedPermutation, ChangesWithStepAndStaysForTheSameKey) {
  const RandomStream s(9, "perm");
  const KeyedPermutation a(1000, s, 1), b(1000, s, 1), c(1000, s, 2);
  int same_as_c = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ASSERT_EQ(a(i), b(i));
    same_as_c += a(i) == c(i) ? 1 : 0;
  }
  EXPECT_LT(same_as_c, 10);  // about 1 fixed point expected between two random orders
}

TEST(KeyedPermutation, PositionsAreUniform) {
  // Where element 0 lands, over many steps, should be uniform over 8 slots.
  const RandomStream s(2, "perm");
  constexpr std::uint64_t n = 8;
  constexpr int trials = 40000;
  std::vector<int> counts(n);
  for (int t = 0; t < trials; ++t) {
    const KeyedPermutation p(n, s, static_cast<std::uint64_t>(t));
    for (std::uint64_t i = 0; i < n; ++i) {
      if (p(i) == 0) ++counts[i];
    }
  }
  double chi2 = 0;
  const double expected = static_cast<double>(trials) / n;
  for (const int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 24.32);  // 99.9 % quantile, 7 degrees of freedom
}

}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {
TEST(KeyedPermutation, LargeDomainImagesAreUniform) {
  // The Feistel branch (n > small_domain): where position 0 and position
  // n - 1 land, over many steps, binned into 10 equal slices.
  const RandomStream s(4, "perm");
  constexpr std::uint64_t n = 100000;
  constexpr int trials = 30000;
  constexpr std::uint64_t bins = 10;
  for (const std::uint64_t position : {std::uint64_t{0}, n - 1}) {
    std::vector<int> counts(bins);
    for (int t = 0; t < trials; ++t) {
      ++counts[KeyedPermutation(n, s, static_cast<std::uint64_t>(t))(position) * bins / n];
    }
    double chi2 = 0;
    const double expected = static_cast<double>(trials) / bins;
    for (const int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    EXPECT_LT(chi2, 27.88) << "position " << position;  // 99.9 %, 9 degrees of freedom
  }
}
}  // namespace
}  // namespace cpsim
