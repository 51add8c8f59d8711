#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/simulation.hpp"

namespace cpsim {
namespace {

class Collect final : public StepObserver {
 public:
  explicit Collect(std::int64_t stop_after = -1) : stop_after_(stop_after) {}
  bool on_step(const Simulation&, std::int64_t step, const MetricRow& row) override {
    steps.push_back(step);
    rows.push_back(row);
    return step != stop_after_;
  }
  std::vector<std::int64_t> steps;
  std::vector<MetricRow> rows;

 private:
  std::int64_t stop_after_;
};

TEST(Simulation, RunsPhasesInOrderAndMeasuresEveryStep) {
  Simulation sim(1, 4);
  std::vector<std::string> log;
  sim.add_phase("first",
                [&](const StepContext& c) { log.push_back("a" + std::to_string(c.step)); });
  sim.add_phase(
      "yearly", [&](const StepContext& c) { log.push_back("y" + std::to_string(c.step)); }, 2);
  const auto counter = sim.metrics().add_integer("log_size", "1", "entries in the log");
  sim.add_measurement([&](const StepContext&, MetricRow& row) {
    row.set(counter, static_cast<std::int64_t>(log.size()));
  });
  Collect observer;
  EXPECT_EQ(sim.run(1, observer), 4);
  EXPECT_EQ(log, (std::vector<std::string>{"a1", "a2", "y2", "a3", "a4", "y4"}));
  EXPECT_EQ(observer.steps, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(observer.rows[0].get(counter), 0);
  EXPECT_EQ(observer.rows[2].get(counter), 3);
}

TEST(Simulation, AgentPhasesCoverEveryAgentOnce) {
  Simulation sim(1, 3);
  AgentTable& table = sim.add_table("agents");
  table.create(100000);
  const auto visits = table.add_column<std::int32_t>({"visits", "1", ""});
  sim.add_agent_phase("visit", table, [&](const StepContext&, std::size_t b, std::size_t e) {
    auto v = table[visits];
    for (std::size_t i = b; i < e; ++i) ++v[i];
  });
  Collect observer;
  sim.run(2, observer);
  for (const std::int32_t v : table[visits]) ASSERT_EQ(v, 3);
}

TEST(Simulation, ObserverCanStopTheRun) {
  Simulation sim(1, 10);
  Collect observer(3);
  EXPECT_EQ(sim.run(1, observer), 3);
  EXPECT_EQ(observer.steps.back(), 3);
}

TEST(Simulation, NonFiniteMetricStopsTheRunNamingStepAndMetric) {
  Simulation sim(1, 10);
  const auto ratio = sim.metrics().add_real("income_ratio", "1", "urban over rural");
  sim.add_measurement([&](const StepContext& c, MetricRow& row) {
    row.set(ratio, c.step == 2 ? std::nan("") : 1.0);
  });
  Collect observer;
  try {
    sim.run(1, observer);
    FAIL() << "expected a SimulationError";
  } catch (const SimulationError& e) {
    EXPECT_STREQ(e.what(), "step 2: metric 'income_ratio' is NaN");
  }
}

TEST(Simulation, AMetricDeclaredUndefinedAtStepZeroIsNaNThereOnly) {
  Simulation sim(1, 3);
  const auto sector = sim.metrics().add_dimension("sector", {"tea", "digital"});
  const auto income = sim.metrics().add_real("income", "RMB", "income this month");
  const auto shares = sim.metrics().add_real("share", "1", "share by sector", {sector});
  const auto wealth = sim.metrics().add_real("wealth", "RMB", "a stock, defined at step 0");
  sim.metrics().declare_undefined_at_step0(income, "no month has been lived");
  sim.metrics().declare_undefined_at_step0(shares, "no month has been lived");
  // The model measures a number at step 0 as well (a 0, say): the engine
  // records NaN there all the same.
  sim.add_measurement([&](const StepContext& c, MetricRow& row) {
    row.set(income, 10.0 * static_cast<double>(c.step));
    row.set(shares, 0, 0.25);
    row.set(shares, 1, 0.75);
    row.set(wealth, 100.0);
  });
  Collect observer;
  EXPECT_EQ(sim.run(1, observer), 3);
  EXPECT_TRUE(std::isnan(observer.rows[0].get(income)));
  EXPECT_TRUE(std::isnan(observer.rows[0].get(shares, 0)));
  EXPECT_TRUE(std::isnan(observer.rows[0].get(shares, 1)));
  EXPECT_EQ(observer.rows[0].get(wealth), 100.0);
  for (std::size_t step = 1; step <= 3; ++step) {
    EXPECT_EQ(observer.rows[step].get(income), 10.0 * static_cast<double>(step));
    EXPECT_EQ(observer.rows[step].get(shares, 1), 0.75);
  }
  EXPECT_EQ(sim.metrics().spec(income.index).undefined_at_step0, "no month has been lived");
  EXPECT_EQ(undefined_note(sim.metrics().spec(income.index)),
            "NaN at step 0: no month has been lived");
  EXPECT_EQ(undefined_note(sim.metrics().spec(wealth.index)), "");
}

TEST(Simulation, ANaNTheModelDidNotDeclareIsStillAnError) {
  // Undeclared, at step 0: an error.
  {
    Simulation sim(1, 3);
    const auto ratio = sim.metrics().add_real("ratio", "1", "urban over rural");
    sim.add_measurement([&](const StepContext& c, MetricRow& row) {
      row.set(ratio, c.step == 0 ? std::nan("") : 1.0);
    });
    Collect observer;
    try {
      sim.run(1, observer);
      FAIL() << "expected a SimulationError";
    } catch (const SimulationError& e) {
      EXPECT_STREQ(e.what(), "step 0: metric 'ratio' is NaN");
    }
  }
  // Declared undefined at step 0, NaN at a later step: an error.
  {
    Simulation sim(1, 3);
    const auto ratio = sim.metrics().add_real("ratio", "1", "urban over rural");
    sim.metrics().declare_undefined_at_step0(ratio, "no month has been lived");
    sim.add_measurement([&](const StepContext& c, MetricRow& row) {
      row.set(ratio, c.step == 2 ? std::nan("") : 1.0);
    });
    Collect observer;
    try {
      sim.run(1, observer);
      FAIL() << "expected a SimulationError";
    } catch (const SimulationError& e) {
      EXPECT_STREQ(e.what(), "step 2: metric 'ratio' is NaN");
    }
  }
}

TEST(Simulation, AMetricDeclaredUndefinedWhereAConditionHoldsMayBeNaNAtAnyStep) {
  Simulation sim(1, 4);
  const auto group = sim.metrics().add_dimension("group", {"urban", "rural"});
  const auto mean = sim.metrics().add_real("mean_skill", "1", "mean over a group", {group});
  sim.metrics().declare_undefined_where(mean, "the group is empty");
  // The rural group is empty at steps 2 and 3: the model says so with NaN.
  sim.add_measurement([&](const StepContext& c, MetricRow& row) {
    row.set(mean, 0, 1.0);
    row.set(mean, 1, c.step == 2 || c.step == 3 ? std::nan("") : 0.5);
  });
  Collect observer;
  EXPECT_EQ(sim.run(1, observer), 4);
  for (std::size_t step = 0; step <= 4; ++step) {
    EXPECT_EQ(observer.rows[step].get(mean, 0), 1.0);
    EXPECT_EQ(std::isnan(observer.rows[step].get(mean, 1)), step == 2 || step == 3) << step;
  }
  EXPECT_EQ(undefined_note(sim.metrics().spec(mean.index)), "NaN where the group is empty");
  // Both declarations: one attribute naming both.
  MetricSet set;
  const auto ratio = set.add_real("ratio", "1", "urban over rural");
  set.declare_undefined_at_step0(ratio, "no month has been lived");
  set.declare_undefined_where(ratio, "no rural resident has an income");
  EXPECT_EQ(undefined_note(set.spec(ratio.index)),
            "NaN at step 0: no month has been lived; NaN where no rural resident has an income");
  EXPECT_THROW(set.declare_undefined_where(ratio, ""), std::logic_error);
  const auto count = set.add_integer("count", "persons", "a count");
  (void)count;
}

TEST(Simulation, AnInfinityIsAnErrorEvenInAMetricThatMayBeUndefined) {
  Simulation sim(1, 3);
  const auto ratio = sim.metrics().add_real("ratio", "1", "urban over rural");
  sim.metrics().declare_undefined_where(ratio, "no rural income");
  sim.add_measurement([&](const StepContext& c, MetricRow& row) {
    row.set(ratio, c.step == 2 ? std::numeric_limits<double>::infinity() : 1.0);
  });
  Collect observer;
  try {
    sim.run(1, observer);
    FAIL() << "expected a SimulationError";
  } catch (const SimulationError& e) {
    EXPECT_STREQ(e.what(), "step 2: metric 'ratio' is infinite");
  }
}

TEST(MetricSet, UndefinedAtStepZeroNeedsAReason) {
  MetricSet set;
  const auto income = set.add_real("income", "RMB", "income this month");
  EXPECT_THROW(set.declare_undefined_at_step0(income, ""), std::logic_error);
  EXPECT_TRUE(set.spec(income.index).undefined_at_step0.empty());
}

TEST(MetricSet, ArrayMetricsUseTheirDimensions) {
  MetricSet set;
  const auto sector = set.add_dimension("sector", {"digital", "services", "tea"});
  const auto gdp = set.add_real("gdp", "RMB", "value added", {sector});
  const auto flows = set.add_integer("flows", "fen", "flow matrix", {sector, sector});
  EXPECT_EQ(set.spec(gdp.index).size, 3U);
  EXPECT_EQ(set.spec(flows.index).size, 9U);
  MetricRow row(set);
  row.set(gdp, 2, 5.0);
  row.set(flows, 8, 7);
  EXPECT_EQ(row.get(gdp, 2), 5.0);
  EXPECT_EQ(row.get(flows, 8), 7);
  EXPECT_THROW(row.set(gdp, 3, 1.0), std::out_of_range);
  EXPECT_THROW(set.add_real("gdp", "", ""), std::logic_error);
}

}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {
TEST(Simulation, ErrorsInAPhaseNameTheStepAndThePhase) {
  Simulation sim(1, 5);
  sim.add_phase("pay_wages", [](const StepContext& c) {
    if (c.step == 3) throw SimulationError("money overflow in households[7]");
  });
  Collect observer;
  try {
    sim.run(1, observer);
    FAIL() << "expected a SimulationError";
  } catch (const SimulationError& e) {
    EXPECT_STREQ(e.what(), "step 3, phase 'pay_wages': money overflow in households[7]");
  }
}
}  // namespace
}  // namespace cpsim
