// The district_economy model: builds the Economy from the scenario's
// parameters and wires its processes into the engine's monthly schedule.
// Yearly phases run at steps 12, 24, ... after the month's processes.
#include <memory>

#include "cpsim/engine/model.hpp"
#include "cpsim/models/economy.hpp"
#include "economy/calibration.hpp"
#include "economy/economy.hpp"
#include "economy/metrics.hpp"
#include "economy/policies/policy_set.hpp"

namespace cpsim::models {
namespace economy {
namespace {

class DistrictEconomyModel final : public Model {
 public:
  void build(Simulation& simulation, const cpsim::Parameters& parameters) override {
    const EconomyParameters base = read_parameters(parameters);
    // Policies first: their checks fail before the population is generated.
    policies_ = std::make_unique<PolicySet>(parameters.policies(), base);
    economy_ = std::make_unique<Economy>(simulation, base);
    Economy& e = *economy_;
    const auto phase = [&](const char* name, void (Economy::*process)(const StepContext&),
                           std::int64_t every = 1) {
      simulation.add_phase(
          name, [&e, process](const StepContext& c) { (e.*process)(c); }, every);
    };
    // Policy stages (policies/policy.hpp) are phases only when a policy acts
    // in them, so a scenario without policies runs the baseline schedule.
    const auto policy_stage = [&](PolicyStage stage) {
      policies_->add_phase(simulation, e, stage);
    };
    phase("begin_month", &Economy::begin_month);
    policy_stage(PolicyStage::parameters);
    phase("productivity", &Economy::update_productivity);
    if (base.in_migration.rate_annual > 0 || base.in_migration.return_rate_annual > 0 ||
        base.in_migration.return_unemployed_annual > 0) {
      phase("labour_migration", &Economy::move_migrants);
    }
    phase("labour_market", &Economy::run_labour_market);
    policy_stage(PolicyStage::labour);
    phase("wages", &Economy::pay_wages);
    policy_stage(PolicyStage::firms);
    phase("income_tax_year_end", &Economy::settle_income_tax_year, 12);
    phase("consumption", &Economy::spend_consumption);
    phase("outside_demand", &Economy::buy_outside_demand);
    policy_stage(PolicyStage::markets);
    phase("village_economy", &Economy::run_village_economy);
    phase("firm_accounts", &Economy::settle_firm_accounts);
    phase("pensions", &Economy::pay_pensions);
    phase("unemployment_insurance", &Economy::pay_unemployment_benefits);
    policy_stage(PolicyStage::benefits);
    phase("dibao", &Economy::pay_dibao);
    policy_stage(PolicyStage::dibao);
    phase("government", &Economy::run_government_budget);
    phase("firm_dynamics", &Economy::run_firm_dynamics);
    phase("end_month", &Economy::end_month);
    phase("ageing", &Economy::age_population, 12);
    phase("skills", &Economy::update_skills, 12);
    if (base.migration.hazard > 0) phase("migration", &Economy::migrate_households, 12);

    metrics_ = std::make_unique<EconomyMetrics>(simulation.metrics(), e);
    policies_->declare_metrics(simulation.metrics());
    simulation.add_measurement([this](const StepContext& c, MetricRow& row) {
      policies_->measure(row);
      const CalibrationSample sample = metrics_->measure(c, row);
      if (c.step >= 1 && c.step <= 12) samples_.push_back(sample);
    });
  }

  [[nodiscard]] std::vector<ResultTable> report(const Simulation& /*simulation*/) const override {
    if (samples_.empty()) return {};
    return {calibration_table(samples_,
                              static_cast<double>(economy_->parameters().population.residents))};
  }

  void save_state(StateWriter& writer) const override {
    economy_->save_state(writer);
    save_calibration_samples(writer, samples_);
  }
  void restore_state(StateReader& reader) override {
    economy_->restore_state(reader);
    restore_calibration_samples(reader, samples_);
  }

  const Economy& economy() const { return *economy_; }

 private:
  std::unique_ptr<Economy> economy_;
  std::unique_ptr<PolicySet> policies_;
  std::unique_ptr<EconomyMetrics> metrics_;
  std::vector<CalibrationSample> samples_;
};

}  // namespace

/// What `cpsim compare BASE.h5 REFORM.h5` reads from two runs of the economy
/// without --spec (docs/studies.md, "Household comparison"): the yearly
/// household panel by residence and hukou, the baseline's dibao line, policy
/// spending and the government's receipts by tax.
constexpr const char* default_comparison = R"(households:
  table: households
  income: income_ytd
  persons: {children: children, working_age: workers, elderly: elderly}
  groups:
    residence: {column: flags, masks: {rural: 1}, other: urban, ratio: [urban, rural]}
    hukou: {column: flags, masks: {migrant: 4, agricultural: 2}, other: local_non_agricultural}
  relative_poverty: 0.5
  poverty_lines: {dibao: 11004}
budget:
  spending: policy_spending
  revenue:
    metric: flow_matrix
    rows: [income_tax_withheld, income_tax_settlement, capital_income_tax, business_income_tax,
           corporate_tax, value_added_tax, environmental_tax]
    column: government
  discount_rate: 0.03
)";

ModelInfo district_economy_model_info() {
  ModelInfo info;
  info.name = "district_economy";
  info.summary =
      "Urban-rural district economy (households, firms, villages, government), monthly, "
      "stock-flow consistent in integer fen; calibrated to Xihu by its scenario";
  info.schema = economy_schema();
  info.create = [] { return std::make_unique<DistrictEconomyModel>(); };
  info.steps_per_year = 12;  // one step is a month
  info.default_comparison = default_comparison;
  info.estimate_memory = estimate_memory;
  // Every rank holds the whole state; household payment loops are split by
  // blocks (household_blocks.cpp), bit-identical to one process.
  info.decomposable = true;
  for (const PolicyModule& module : policy_modules()) info.policies.push_back(module.info);
  return info;
}

}  // namespace economy

void register_economy_models(ModelRegistry& registry) {
  registry.add(economy::district_economy_model_info());
}

}  // namespace cpsim::models
