// Checkpoints of the district economy (docs/checkpoint.md): what a restarted
// run needs besides the agent tables, which the engine saves itself, column
// by column. Every member of Economy that carries state from one month to the
// next is listed once, in EconomyState::fields, which both saving and
// restoring call, so the two cannot drift apart. A member that is only a
// cache of the tables or of the parameters is left out, with the reason.
#include <bit>
#include <cstring>
#include <string>
#include <type_traits>

#include "cpsim/engine/checkpoint.hpp"
#include "economy/economy.hpp"
#include "economy/metrics.hpp"

namespace cpsim::models::economy {

// A new member of Economy (or EntrantSkills, FiscalRuleState,
// MigrationOutlook) changes these sizes: list it in EconomyState::fields
// below (or say there why a restart does not need it), then update the
// number. EconomyParameters is left out: its fields are scenario parameters.
static_assert(sizeof(Economy) - sizeof(EconomyParameters) == 6896,
              "Economy changed: list the new member in EconomyState::fields (checkpoint.cpp)");
static_assert(sizeof(EntrantSkills) == 40 && sizeof(FiscalRuleState) == 24 &&
                  sizeof(MigrationOutlook) == 32,
              "a state struct changed: list the new member in EconomyState::fields");
// MonthTotals is saved whole, as 64-bit words (it holds only int64 fields).
static_assert(std::is_trivially_copyable_v<MonthTotals> &&
              sizeof(MonthTotals) % sizeof(std::int64_t) == 0);
static_assert(std::is_trivially_copyable_v<CalibrationSample> &&
              sizeof(CalibrationSample) % sizeof(double) == 0);

namespace {
constexpr std::size_t month_words = sizeof(MonthTotals) / sizeof(std::int64_t);
constexpr std::size_t sample_words = sizeof(CalibrationSample) / sizeof(double);
}  // namespace

struct EconomyState {
  /// Every member that a coming month reads before it sets it again. Not
  /// listed: p_ (the scenario's parameters; the policies' parameters stage
  /// sets this month's from them before any process reads them), simulation_
  /// and the table pointers and column handles (set by the constructor), the
  /// tables themselves (saved by the engine), the ledger's balances at the
  /// start of the step (set by begin_month), regions_.area_names (set by the
  /// constructor, never changed), life_ (the life table, from the
  /// parameters), leavers_ (filled and emptied within age_population).
  template <class Self, class Archive>
  static void fields(Self& e, Archive& a) {
    Archive regions = a.group("regions");
    regions.field("rural", e.regions_.rural);
    regions.field("area", e.regions_.area);
    regions.field("first_household", e.regions_.first_household);
    regions.field("household_count", e.regions_.household_count);
    regions.field("communities", e.regions_.communities);
    regions.field("villages", e.regions_.villages);

    Archive entrants = a.group("entrant_skills");
    entrants.field("mean_skill", e.entrant_skills_.mean_skill);
    entrants.field("count", e.entrant_skills_.count);
    entrants.field("parent_correlation", e.entrant_skills_.parent_correlation);

    a.field("initial_money", e.initial_money_);
    Archive sectors = a.group("sector_firms");
    for (std::size_t s = 0; s < sector_count; ++s) {
      sectors.field(std::to_string(s), e.sector_firms_[s]);
    }
    a.field("outside_demand", e.outside_demand_);
    a.field("outside_demand_calibrated", e.outside_demand_calibrated_);
    a.field("price_level", e.price_level_);
    a.field("price_change", e.price_change_);
    a.field("purchases_netted", e.purchases_netted_);
    a.field("equity_fund_total", e.equity_fund_total_);
    a.field("equity_fund_largest", e.equity_fund_largest_);

    Archive rule = a.group("fiscal_rule");
    rule.field("smoothed_resources", e.fiscal_rule_.smoothed_resources);
    rule.field("smoothed_committed", e.fiscal_rule_.smoothed_committed);
    rule.field("started", e.fiscal_rule_.started);

    Archive outlook = a.group("migration_outlook");
    outlook.field("job_finding", e.outlook_.job_finding);
    outlook.field("outside_wage_per_skill", e.outlook_.outside_wage_per_skill);
    outlook.field("housing_capacity", e.outlook_.housing_capacity);
    outlook.field("arrivals", e.outlook_.arrivals);

    a.field("next_public_purchases", e.next_public_purchases_);
    a.field("government_deposits_at_start", e.government_deposits_at_start_);
    a.field("average_wage", e.average_wage_);
    a.field("firm_exiting", e.firm_exiting_);
    a.field("firm_deposits_at_start", e.firm_deposits_at_start_);
    a.field("households_formed", e.households_formed_);
  }
};

void Economy::save_state(StateWriter& writer) const {
  EconomyState::fields(*this, writer);
  // The ledger's single accounts and the last step's flows, and the month's
  // totals, through their public forms.
  StateWriter ledger = writer.group("ledger");
  ledger.field("government", ledger_.government());
  ledger.field("rest_of_world", ledger_.rest_of_world());
  ledger.field("bank", ledger_.bank());
  ledger.field("step_flows", ledger_.step_flows());
  writer.field("month", std::bit_cast<std::array<std::int64_t, month_words>>(month_));
}

void Economy::restore_state(StateReader& reader) {
  EconomyState::fields(*this, reader);
  StateReader ledger = reader.group("ledger");
  std::int64_t government = 0;
  std::int64_t rest_of_world = 0;
  std::int64_t bank = 0;
  ledger.field("government", government);
  ledger.field("rest_of_world", rest_of_world);
  ledger.field("bank", bank);
  ledger_.set_single_balances(government, rest_of_world, bank);
  FlowMatrix flows{};
  ledger.field("step_flows", flows);
  ledger_.set_step_flows(flows);
  std::array<std::int64_t, month_words> month{};
  reader.field("month", month);
  month_ = std::bit_cast<MonthTotals>(month);
  // The restored tables may have another size than the constructor made
  // (arrivals append households): point the ledger at their columns again.
  ledger_.attach((*households_)[h_.deposits], (*firms_)[f_.deposits], (*villages_)[v_.deposits]);
}

void save_calibration_samples(StateWriter& writer, const std::vector<CalibrationSample>& samples) {
  std::vector<double> words(samples.size() * sample_words);
  if (!samples.empty()) std::memcpy(words.data(), samples.data(), words.size() * sizeof(double));
  writer.field("calibration_samples", words);
}

void restore_calibration_samples(StateReader& reader, std::vector<CalibrationSample>& samples) {
  std::vector<double> words;
  reader.field("calibration_samples", words);
  samples.resize(words.size() / sample_words);
  if (!samples.empty())
    std::memcpy(static_cast<void*>(samples.data()), words.data(), words.size() * sizeof(double));
}

}  // namespace cpsim::models::economy
