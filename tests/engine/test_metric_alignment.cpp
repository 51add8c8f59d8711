// The union layout a study stores when its variants declare different
// metrics (a policy's spending in a reform, none in the baseline).
#include <gtest/gtest.h>

#include <cmath>

#include "cpsim/engine/metric_alignment.hpp"

namespace cpsim {
namespace {

MetricSet with_policies(const std::vector<std::string>& instances) {
  MetricSet set;
  set.add_real("gini", "1", "Gini");
  if (!instances.empty()) {
    const std::size_t policy = set.add_dimension("policy", instances);
    const Metric<double> spending = set.add_real("policy_spending", "RMB/month", "spent", {policy});
    set.declare_undefined_at_step0(spending, "no month lived");
  }
  set.add_integer("count", "persons", "people");
  return set;
}

std::pair<std::vector<double>, std::vector<std::int64_t>> remap(const MetricSet& from,
                                                                const MetricSet& to,
                                                                std::vector<double> reals,
                                                                std::vector<std::int64_t> ints,
                                                                bool first_row) {
  std::pair<std::vector<double>, std::vector<std::int64_t>> out;
  MetricRemap(from, to).apply(reals, ints, first_row, out.first, out.second);
  return out;
}

TEST(MetricAlignment, UnionHasEveryInstanceAndAbsentOnesAreZero) {
  const MetricSet baseline = with_policies({});
  const MetricSet pension = with_policies({"rural_pension"});
  const MetricSet both = with_policies({"dibao", "rural_pension"});
  const std::vector<const MetricSet*> sets = {&baseline, &pension, &both};
  const MetricSet all = union_metrics(sets);
  ASSERT_EQ(all.specs().size(), 3U);
  const MetricSpec& spending = all.spec(all.find("policy_spending"));
  EXPECT_EQ(all.dimensions()[spending.dimensions[0]].labels,
            (std::vector<std::string>{"rural_pension", "dibao"}));
  EXPECT_EQ(spending.undefined_at_step0, "no month lived");

  // The baseline spends nothing on either instance; NaN at step 0.
  auto [reals, ints] = remap(baseline, all, {0.3}, {7}, false);
  EXPECT_EQ(reals, (std::vector<double>{0.3, 0.0, 0.0}));
  EXPECT_EQ(ints, (std::vector<std::int64_t>{7}));
  auto [first, first_ints] = remap(baseline, all, {0.3}, {7}, true);
  EXPECT_TRUE(std::isnan(first[1]) && std::isnan(first[2]));
  // `both` lists dibao first; the union lists rural_pension first (first seen).
  auto [mixed, mixed_ints] = remap(both, all, {0.4, 10.0, 20.0}, {3}, false);
  EXPECT_EQ(mixed, (std::vector<double>{0.4, 20.0, 10.0}));
  EXPECT_FALSE(MetricRemap(both, all).identity());
  EXPECT_TRUE(MetricRemap(all, all).identity());
}

TEST(MetricAlignment, RefusesAMetricWhoseUnitDiffers) {
  MetricSet a;
  a.add_real("income", "RMB/month", "x");
  MetricSet b;
  b.add_real("income", "RMB/year", "x");
  const std::vector<const MetricSet*> sets = {&a, &b};
  EXPECT_THROW((void)union_metrics(sets), std::invalid_argument);
}

}  // namespace
}  // namespace cpsim
