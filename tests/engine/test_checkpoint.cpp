// The engine's checkpoint seam without the command line: a model with state
// in a table that grows (every column type) and in its own members, stopped
// after step k, checkpointed, rebuilt and restored, goes on to the state and
// metrics of the run that never stopped.
#include "cpsim/engine/checkpoint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

using testing::TempDir;

/// Every step: draws from a stream, appends an agent, accumulates a sum and
/// keeps a running list; all of it must survive a restart.
class GrowingModel final : public Model {
 public:
  void build(Simulation& simulation, const Parameters& /*parameters*/) override {
    table_ = &simulation.add_table("agents");
    table_->create(3);
    small_ = table_->add_column<std::int8_t>({"small", "1", ""});
    wide_ = table_->add_column<std::uint64_t>({"wide", "1", ""});
    real_ = table_->add_column<double>({"real", "1", ""});
    single_ = table_->add_column<float>({"single", "1", ""});
    sum_metric_ = simulation.metrics().add_integer("sum", "1", "running sum");
    count_metric_ = simulation.metrics().add_integer("agents", "1", "agents");
    simulation.add_phase("grow", [this](const StepContext& c) {
      const RandomStream stream = c.stream("grow");
      const auto step = static_cast<std::uint64_t>(c.step);
      const std::vector<AgentId> id{IdAllocator::make(0, static_cast<std::uint32_t>(step))};
      table_->append(id);
      const std::size_t last = table_->size() - 1;
      (*table_)[small_][last] = static_cast<std::int8_t>(stream.index(0, step, 100));
      (*table_)[wide_][last] = stream.word(1, step);
      (*table_)[real_][last] = stream.uniform(2, step);
      (*table_)[single_][last] = static_cast<float>(stream.uniform(3, step));
      sum_ += static_cast<std::int64_t>(stream.index(4, step, 1000));
      seen_.push_back(static_cast<std::uint32_t>(sum_ % 97));
      started_ = true;
    });
    simulation.add_measurement([this](const StepContext&, MetricRow& row) {
      row.set(sum_metric_, sum_ + static_cast<std::int64_t>(seen_.size()));
      row.set(count_metric_, static_cast<std::int64_t>(table_->size()));
    });
  }
  void save_state(StateWriter& writer) const override { fields(*this, writer); }
  void restore_state(StateReader& reader) override { fields(*this, reader); }

  std::int64_t sum_ = 0;
  std::vector<std::uint32_t> seen_;
  bool started_ = false;

 private:
  template <class Self, class Archive>
  static void fields(Self& self, Archive& archive) {
    Archive group = archive.group("growth");
    group.field("sum", self.sum_);
    group.field("seen", self.seen_);
    group.field("started", self.started_);
  }

  AgentTable* table_ = nullptr;
  Column<std::int8_t> small_;
  Column<std::uint64_t> wide_;
  Column<double> real_;
  Column<float> single_;
  Metric<std::int64_t> sum_metric_, count_metric_;
};

class Rows final : public StepObserver {
 public:
  explicit Rows(std::int64_t stop_after = -1) : stop_after_(stop_after) {}
  bool on_step(const Simulation&, std::int64_t step, const MetricRow& row) override {
    steps.push_back(step);
    integers.emplace_back(row.integers().begin(), row.integers().end());
    return step != stop_after_;
  }
  std::vector<std::int64_t> steps;
  std::vector<std::vector<std::int64_t>> integers;

 private:
  std::int64_t stop_after_;
};

Scenario growing_scenario(std::int64_t steps) {
  Scenario scenario;
  scenario.model = "growing";
  scenario.name = "growing";
  scenario.seed = 11;
  scenario.steps = steps;
  scenario.resolved_yaml = "model: growing\nsteps: " + std::to_string(steps) + "\n";
  return scenario;
}

std::unique_ptr<Simulation> built(const Scenario& scenario) {
  auto simulation = std::make_unique<Simulation>(scenario.seed, scenario.steps);
  simulation->build(std::make_unique<GrowingModel>(), Parameters{});
  return simulation;
}

TEST(Checkpoint, RestoredSimulationGoesOnLikeTheStraightOne) {
  const Scenario scenario = growing_scenario(10);
  auto straight = built(scenario);
  Rows straight_rows;
  ASSERT_EQ(straight->run(1, straight_rows), 10);

  const TempDir dir;
  const std::filesystem::path path = dir.path() / "growing.ckpt.h5";
  auto first = built(scenario);
  Rows first_rows(4);
  ASSERT_EQ(first->run(2, first_rows), 4);
  write_checkpoint(path, *first, scenario, nullptr, "test");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".partial"));

  const CheckpointHeader header = read_checkpoint_header(path);
  EXPECT_EQ(header.step, 4);
  EXPECT_FALSE(header.has_history);
  EXPECT_EQ(header.scenario_hash, scenario_hash(scenario.resolved_yaml));
  EXPECT_NO_THROW(check_checkpoint_scenario(header, scenario, path));
  EXPECT_THROW(check_checkpoint_scenario(header, growing_scenario(11), path), ScenarioError);

  auto restarted = built(scenario);
  restore_checkpoint(path, *restarted);
  EXPECT_EQ(restarted->current_step(), 4);
  EXPECT_EQ(restarted->tables()[0]->size(), 7U);  // 3 built, 4 grown
  Rows rest;
  ASSERT_EQ(restarted->run(2, rest), 10);
  // Steps 5..10 only: the initial state is not measured again.
  ASSERT_EQ(rest.steps, (std::vector<std::int64_t>{5, 6, 7, 8, 9, 10}));
  for (std::size_t k = 0; k < rest.steps.size(); ++k) {
    EXPECT_EQ(rest.integers[k], straight_rows.integers[5 + k]) << "step " << rest.steps[k];
  }
  const auto& a = *straight->tables()[0];
  const auto& b = *restarted->tables()[0];
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(std::equal(a.ids().begin(), a.ids().end(), b.ids().begin()));
  for (std::size_t c = 0; c < a.column_count(); ++c) {
    EXPECT_TRUE(a.column_data(c) == b.column_data(c)) << a.column_info(c).name;
  }
}

TEST(Checkpoint, StateArraysMustMatchByNameTypeAndLength) {
  const Scenario scenario = growing_scenario(3);
  auto simulation = built(scenario);
  Rows rows;
  simulation->run(1, rows);
  const TempDir dir;
  const std::filesystem::path path = dir.path() / "c.h5";
  write_checkpoint(path, *simulation, scenario, nullptr, "test");

  // The file's arrays read back through a StateReader of the wrong shapes.
  class Probe final : public Model {
   public:
    explicit Probe(int mode) : mode_(mode) {}
    void build(Simulation& s, const Parameters& p) override { inner_.build(s, p); }
    void restore_state(StateReader& reader) override {
      StateReader group = reader.group("growth");
      if (mode_ == 0) {
        double wrong_type = 0;
        group.field("sum", wrong_type);
      } else if (mode_ == 1) {
        std::array<std::uint32_t, 2> wrong_length{};
        group.field("seen", wrong_length);
      } else {
        std::int64_t missing = 0;
        group.field("absent", missing);
      }
    }

   private:
    GrowingModel inner_;  // the same table, restored before restore_state
    int mode_;
  };
  const std::vector<std::string> expected{
      "growth/sum has another element type than expected", "growth/seen holds 3 values, expected 2",
      "growth/absent is missing (the checkpoint does not hold this model's state)"};
  for (int mode = 0; mode < 3; ++mode) {
    Simulation probe(scenario.seed, scenario.steps);
    probe.build(std::make_unique<Probe>(mode), Parameters{});
    try {
      restore_checkpoint(path, probe);
      ADD_FAILURE() << "mode " << mode << ": no error";
    } catch (const OutputError& e) {
      EXPECT_EQ(std::string(e.what()), path.string() + ": /model/" + expected[mode]);
    }
  }
}

}  // namespace
}  // namespace cpsim
