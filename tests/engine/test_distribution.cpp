#include <gtest/gtest.h>

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/random.hpp"

namespace cpsim {
namespace {

TEST(Gini, HandComputedVectors) {
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{1, 1, 1, 1}), 0.0);
  // One agent holds everything: (n - 1) / n.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{0, 0, 0, 1}), 0.75);
  // Mean absolute difference 20/16 over twice the mean 5: 0.25.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{4, 1, 3, 2}), 0.25);
  // {1, 2, 3}: sum |xi - xj| = 8, 2 n^2 mu = 36.
  EXPECT_NEAR(gini(std::vector<double>{3, 1, 2}), 8.0 / 36.0, 1e-15);
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{}), 0.0);
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{0, 0}), 0.0);
}

TEST(Gini, WeightsActAsReplication) {
  const std::vector<double> values{1, 5, 2};
  const std::vector<double> weights{2, 1, 3};
  const std::vector<double> replicated{1, 1, 5, 2, 2, 2};
  EXPECT_NEAR(Distribution(values, weights).gini(), gini(replicated), 1e-15);
  EXPECT_NEAR(Distribution(values, weights).mean(), 13.0 / 6.0, 1e-15);
}

TEST(Distribution, LorenzSharesOfOneToTen) {
  std::vector<double> v;
  for (int i = 1; i <= 10; ++i) v.push_back(i);
  const Distribution d(v);
  EXPECT_NEAR(d.top_share(0.1), 10.0 / 55.0, 1e-15);
  EXPECT_NEAR(d.lorenz(0.4), 10.0 / 55.0, 1e-15);
  EXPECT_NEAR(d.palma(), 1.0, 1e-12);
  EXPECT_NEAR(d.share_between(0.2, 0.4), 7.0 / 55.0, 1e-15);
  // Halfway through the 5th agent: 1+2+3+4 + 0.5*5.
  EXPECT_NEAR(d.lorenz(0.45), 12.5 / 55.0, 1e-15);
  EXPECT_DOUBLE_EQ(d.median(), 5.0);
  EXPECT_DOUBLE_EQ(d.share_below(3.0), 0.2);
  EXPECT_DOUBLE_EQ(d.share_in(3.0, 6.0), 0.3);
}

TEST(Distribution, PersonWeightedMedianAndPoverty) {
  // Households with per-capita incomes 10, 20, 100 and 1, 1, 3 members:
  // 5 persons, the median person (3rd) lives in the 100 household.
  const Distribution d(std::vector<double>{100, 10, 20}, std::vector<double>{3, 1, 1});
  EXPECT_DOUBLE_EQ(d.median(), 100.0);
  EXPECT_DOUBLE_EQ(d.share_below(0.5 * d.median()), 0.4);
}

TEST(Theil, DecomposesExactlyIntoWithinAndBetween) {
  const std::vector<double> values{1, 2, 3, 10, 20, 30};
  const std::vector<double> weights{1, 2, 1, 1, 2, 1};
  const std::vector<std::uint32_t> group{0, 0, 0, 1, 1, 1};
  const auto t = theil(values, weights, group, 2);
  // Direct: T = (1/W) sum w (x/mu) ln(x/mu).
  double w = 0, total = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    w += weights[i];
    total += weights[i] * values[i];
  }
  const double mu = total / w;
  double direct = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    direct += weights[i] * (values[i] / mu) * std::log(values[i] / mu);
  }
  direct /= w;
  EXPECT_NEAR(t.total, direct, 1e-12);
  EXPECT_NEAR(t.within + t.between, t.total, 1e-15);
  EXPECT_GT(t.between, 0.0);
  EXPECT_NEAR(t.group_share[0] + t.group_share[1], 1.0, 1e-15);
  // Group 1 is group 0 times ten: equal within-group inequality.
  EXPECT_NEAR(t.group_theil[0], t.group_theil[1], 1e-12);
}

TEST(Theil, EqualValuesGiveZero) {
  const std::vector<double> values(50, 7.0), weights(50, 1.0);
  const std::vector<std::uint32_t> group(50, 0);
  EXPECT_NEAR(theil(values, weights, group, 1).total, 0.0, 1e-14);
}

template <class F>
auto with_threads(int threads, F&& f) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute(f);
}

TEST(Distribution, SortIsTheStableSortOverManyBlocks) {
  // More than three of the radix sort's 65,536-key blocks; few distinct
  // values (ties), negative values and both zeros; each weight names its
  // input position, so the sorted weights show whether ties kept their order.
  const RandomStream s(5, "ties");
  constexpr std::size_t n = 200003;
  std::vector<double> values(n), weights(n);
  for (std::size_t i = 0; i < n; ++i) {
    values[i] = static_cast<double>(static_cast<std::int64_t>(s.index(i, 0, 41)) - 20) * 0.25;
    if (i % 1000 == 0) values[i] = (i % 2000 == 0) ? -0.0 : 0.0;
    weights[i] = static_cast<double>(i);
  }
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  for (const int threads : {1, 2, 4}) {
    const auto d = with_threads(threads, [&] { return Distribution(values, weights); });
    for (std::size_t k = 0; k < n; ++k) {
      ASSERT_EQ(d.sorted_values()[k], values[order[k]]) << k << " at " << threads;
      ASSERT_EQ(d.sorted_weights()[k], weights[order[k]]) << k << " at " << threads;
    }
  }
}

TEST(Distribution, AssignReusesMemoryWithoutStaleEntries) {
  // A Distribution reused step after step (weighted, then unweighted, then
  // smaller) must give exactly what a fresh one gives: nothing of an earlier
  // sort's keys or weights may survive in the reused arrays.
  const RandomStream s(9, "reuse");
  const auto draw = [&](std::size_t n, std::uint64_t step) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = s.uniform(i, step) * 100.0;
    return v;
  };
  Distribution reused;
  const auto big = draw(150000, 1), big_weights = draw(150000, 2);
  reused.assign(big, big_weights);
  const Distribution fresh_big(big, big_weights);
  EXPECT_EQ(reused.gini(), fresh_big.gini());
  EXPECT_EQ(reused.median(), fresh_big.median());

  const auto small = draw(70001, 3);
  reused.assign(small);
  const Distribution fresh_small(small);
  ASSERT_EQ(reused.sorted_values().size(), small.size());
  EXPECT_EQ(reused.gini(), fresh_small.gini());
  EXPECT_EQ(reused.top_share(0.1), fresh_small.top_share(0.1));
  EXPECT_EQ(reused.total_weight(), static_cast<double>(small.size()));
  EXPECT_TRUE(std::equal(reused.sorted_values().begin(), reused.sorted_values().end(),
                         fresh_small.sorted_values().begin()));

  const auto tiny = draw(5, 4), tiny_weights = draw(5, 5);
  reused.assign(tiny, tiny_weights);
  const Distribution fresh_tiny(tiny, tiny_weights);
  EXPECT_EQ(reused.gini(), fresh_tiny.gini());
  EXPECT_TRUE(std::equal(reused.sorted_weights().begin(), reused.sorted_weights().end(),
                         fresh_tiny.sorted_weights().begin()));
}

/// Every statistic a model reads, bit for bit (memcmp: NaN and -0 count).
std::vector<double> statistics_of(const Distribution& d) {
  return {d.gini(),
          d.mean(),
          d.total(),
          d.total_weight(),
          d.top_share(0.1),
          d.lorenz(0.4),
          d.share_between(0.2, 0.4),
          d.median(),
          d.quantile(0.9),
          d.share_below(3.0),
          d.share_in(1.0, 4.5)};
}

TEST(Distribution, CountingPathEqualsTheRadixSortExactly) {
  // assign_integers() counts small-range integers; assign() of the same
  // doubles radix-sorts them. Both must give the same sorted values and the
  // same statistics to the last bit, for ranges that count and ranges that
  // do not (the fallback), negative values, and units other than 1; with
  // unit 1 and small sums the counting path sums in integers (exact, so the
  // same doubles), else in doubles as assign() does.
  const RandomStream s(13, "counting");
  struct Case {
    std::size_t n;
    std::int64_t low, width;  ///< values uniform in [low, low + width)
    double unit;
  };
  const std::vector<Case> cases = {{1000, 0, 8, 1.0},
                                   {1000, 0, 3, 1.0},
                                   {1, 5, 1, 1.0},
                                   {7, -3, 5, 1.0},
                                   {50000, 0, 40, 0.25},
                                   {20000, -500, 1000, 0.01},
                                   {3000, 0, 1000000, 1.0},
                                   {4096, 1000000000000, 2000, 1.0},
                                   {2000, -(std::int64_t{1} << 62), std::int64_t{1} << 62, 1.0},
                                   {100000, 0, 100, 1.0 / 3.0},
                                   {200000, 0, 30, 1.0},
                                   {3000, -2000000, 3500, 1.0}};
  Distribution counted;  // reused across cases, as a model reuses it
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const Case& k = cases[c];
    std::vector<std::int64_t> values(k.n);
    std::vector<double> doubles(k.n);
    for (std::size_t i = 0; i < k.n; ++i) {
      values[i] =
          k.low + static_cast<std::int64_t>(s.index(i, c, static_cast<std::uint64_t>(k.width)));
      doubles[i] = static_cast<double>(values[i]) * k.unit;
    }
    counted.assign_integers(values, k.unit);
    const Distribution sorted(doubles);
    ASSERT_EQ(counted.sorted_values().size(), k.n) << "case " << c;
    EXPECT_TRUE(std::equal(counted.sorted_values().begin(), counted.sorted_values().end(),
                           sorted.sorted_values().begin()))
        << "case " << c;
    const auto a = statistics_of(counted);
    const auto b = statistics_of(sorted);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << "case " << c;
  }
  counted.assign_integers(std::vector<std::int64_t>{});
  EXPECT_EQ(counted.gini(), 0.0);
  EXPECT_EQ(counted.total_weight(), 0.0);
  EXPECT_THROW(counted.assign_integers(std::vector<std::int64_t>{1, 2}, 0.0),
               std::invalid_argument);
  EXPECT_THROW(counted.assign_integers(std::vector<std::int64_t>{1, 2}, -1.0),
               std::invalid_argument);
}

TEST(Distribution, CountingPathHandComputedGini) {
  Distribution d;
  d.assign_integers(std::vector<std::int64_t>{0, 0, 0, 1});
  EXPECT_DOUBLE_EQ(d.gini(), 0.75);
  d.assign_integers(std::vector<std::int64_t>{4, 1, 3, 2});
  EXPECT_DOUBLE_EQ(d.gini(), 0.25);
  EXPECT_DOUBLE_EQ(d.top_share(0.25), 0.4);
}

TEST(Determinism, StatisticsAreBitIdenticalAcrossThreadCounts) {
  const RandomStream s(1, "values");
  std::vector<double> values(300000), weights(300000);
  std::vector<std::uint32_t> group(300000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = std::exp(3 * s.normal(i, 0));
    weights[i] = 1 + static_cast<double>(s.index(i, 1, 5));
    group[i] = static_cast<std::uint32_t>(i % 2);
  }
  auto compute = [&] {
    const Distribution d(values, weights);
    const auto t = theil(values, weights, group, 2);
    const double sum =
        deterministic_sum<double>(values.size(), [&](std::size_t i) { return values[i]; });
    return std::vector<double>{d.gini(), d.top_share(0.1), d.palma(), t.total, t.between, sum};
  };
  const auto one = with_threads(1, compute);
  for (const int threads : {2, 4}) {
    const auto many = with_threads(threads, compute);
    ASSERT_EQ(one.size(), many.size());
    EXPECT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(double)), 0)
        << threads << " threads";
  }
}

}  // namespace
}  // namespace cpsim
