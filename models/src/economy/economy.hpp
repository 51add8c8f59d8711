#pragma once
// The district economy: households, firms, village collectives, the district
// government, the rest of the world and a bank, paying each other through one
// ledger (ledger.hpp). Economy owns the state; each monthly process is a
// member function defined in its own file:
//   population.cpp      generation of regions, households, firms, villages
//   productivity.cpp    sector trends and firm shocks; wage indexation
//   labour_market.cpp   separations, firing, vacancies, matching
//   wages.cpp           wage payments and monthly PIT withholding
//   income_tax.cpp      the PIT schedule, cumulative withholding, year-end settlement
//   consumption.cpp     buffer-stock spending, sellers drawn by size
//   outside_demand.cpp  exports, visitors, public purchases
//   village_economy.cpp reserved-land rent, collective dividends, investment
//   production.cpp      VAT, interest, profit, corporate tax, dividends
//   equity_fund.cpp     the district equity fund: holdings and payouts
//   pensions.cpp        urban employee and rural basic pensions
//   unemployment_insurance.cpp  benefits of the insured unemployed
//   labour_migration.cpp  monthly arrivals from outside the district and returns
//   dibao.cpp           minimum-living-guarantee top-up
//   government.cpp      tax sharing, interest on debt, the fiscal rule
//   firm_dynamics.cpp   exit and entry
//   demography.cpp      yearly ageing and skill updates
//   migration.cpp       yearly village-to-urban moves (Harris-Todaro)
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "economy/ages.hpp"
#include "economy/alias_table.hpp"
#include "economy/ledger.hpp"
#include "economy/state.hpp"

namespace cpsim {
class StateWriter;
class StateReader;
}  // namespace cpsim

namespace cpsim::models::economy {

ParamSchema economy_schema();
EconomyParameters read_parameters(const cpsim::Parameters& parameters);
ModelInfo district_economy_model_info();
/// Bytes a run needs, from its parameters (memory_estimate.cpp).
MemoryEstimate estimate_memory(const cpsim::Parameters& parameters);

/// Aggregates of the month that the metrics and the next month need. Only
/// 64-bit integer fields: on several ranks the household blocks' additions
/// are merged as one array of 64-bit words (household_blocks.cpp).
struct MonthTotals {
  std::array<std::int64_t, sector_count> sales{};               ///< firm sales by sector, fen
  std::array<std::int64_t, sector_count> household_spending{};  ///< by sector, fen
  std::int64_t village_tourism_fees = 0;
  std::int64_t village_income = 0;
  std::int64_t village_dividends = 0;
  std::int64_t tax_revenue = 0;           ///< all taxes collected by the district, fen
  std::int64_t retained_revenue = 0;      ///< after sharing with upper levels
  std::int64_t spending = 0;              ///< pensions, dibao, purchases, policies (no interest)
  std::int64_t government_purchases = 0;  ///< public purchases of services this month
  std::int64_t government_interest = 0;   ///< interest on the government's debt, to the bank
  std::int64_t pensions = 0;
  std::int64_t dibao = 0;
  std::int64_t dibao_households = 0;
  std::int64_t exits = 0;
  std::int64_t entries = 0;
  std::int64_t hires = 0;
  std::int64_t separations = 0;
  std::int64_t migrating_households = 0;  ///< village to urban community (yearly)
  std::int64_t migrating_persons = 0;
  std::int64_t education_spending = 0;     ///< households' spending on their children's education
  std::int64_t social_contributions = 0;   ///< unemployment insurance, workers and employers
  std::int64_t unemployment_benefits = 0;  ///< paid by the fund
  std::int64_t benefit_recipients = 0;     ///< workers paid a benefit
  std::int64_t seekers = 0;                ///< unemployed workers at the matching
  std::int64_t arriving_households = 0;    ///< in-migration from outside the district
  std::int64_t arriving_persons = 0;
  std::int64_t departing_households = 0;  ///< out-migration (return) of migrant households
  std::int64_t departing_persons = 0;
  std::int64_t births = 0;  ///< demography (yearly, demography.cpp)
  std::int64_t deaths = 0;
  std::int64_t retirements = 0;
  std::int64_t moved_to_care = 0;      ///< a third retired member, out of the district
  std::int64_t households_formed = 0;  ///< by children leaving their parents
  std::int64_t households_dissolved = 0;
  std::int64_t estates_to_government = 0;  ///< dissolved households without an heir
};

/// A child who enters the labour force this year in a household whose two
/// worker places are taken: it leaves to form a household
/// (household_formation.cpp).
struct Leaver {
  float skill = 0;
  std::uint8_t age = 0;
  bool female = false, staff = false, leaving = false;
};

/// What in-migrants expect (labour_migration.cpp): the smoothed job-finding
/// probability, the outside wage per unit of skill, RMB/month, and the
/// residents the district's housing holds at set-up rents.
struct MigrationOutlook {
  double job_finding = 0;
  double outside_wage_per_skill = 0;
  double housing_capacity = 0;  ///< persons; grows at in_migration.housing_growth_annual
  std::uint64_t arrivals = 0;   ///< households arrived so far: the serial of the next one's id
};

/// The labour-market entrants of the latest year (demography.cpp), held
/// until the next year's entry.
struct EntrantSkills {
  std::array<double, 2> mean_skill{};  ///< urban, rural residents; 0 without entrants
  std::array<std::int64_t, 2> count{};
  /// Of log skills, entrants with a working parent; NaN with fewer than two
  /// such entrants or no spread (the metric is undefined then).
  double parent_correlation = std::numeric_limits<double>::quiet_NaN();
};

/// The fiscal rule's memory (government.cpp): smoothed resources (retained
/// revenue plus upper-level transfers) and smoothed committed spending, fen
/// a month.
struct FiscalRuleState {
  double smoothed_resources = 0;
  double smoothed_committed = 0;
  bool started = false;  ///< set by the first budget (month 1)
};
/// Adds this month's resources and committed spending to the smoothed values
/// (the first month sets them).
void update_fiscal_rule(FiscalRuleState& rule, std::int64_t resources, std::int64_t committed,
                        double smoothing);
/// Next month's public purchases, fen: smoothed resources - smoothed
/// committed spending + correction/12 x net position (deposits, negative
/// when in debt); never negative.
std::int64_t planned_public_purchases(const FiscalRuleState& rule, std::int64_t net_position,
                                      double balance_correction_annual);

/// Shares of the district equity fund by household (sum 1) from each
/// household's expected equity wealth: the richest top_share of households
/// hold top_holding_share in a Pareto law with the given exponent by rank,
/// the others in proportion to their wealth (equity_fund.cpp).
std::vector<double> equity_fund_holdings(std::span<const double> wealth, double top_share,
                                         double top_holding_share, double pareto_exponent);
/// A holder's part of `amount` fen, floored to the fen.
std::int64_t equity_fund_payment(std::int64_t amount, double holding, double total);

class PolicyAccess;
struct CalibrationSample;

/// Checkpoints (checkpoint.cpp): the calibration samples of the first year,
/// which the model's report() reads at the end of the run.
void save_calibration_samples(StateWriter& writer, const std::vector<CalibrationSample>& samples);
void restore_calibration_samples(StateReader& reader, std::vector<CalibrationSample>& samples);

class Economy {
 public:
  /// Builds tables, generates the population and the initial matching.
  Economy(Simulation& simulation, const EconomyParameters& parameters);

  // --- monthly processes, in schedule order ---
  void begin_month(const StepContext& context);
  void update_productivity(const StepContext& context);
  void move_migrants(const StepContext& context);
  void run_labour_market(const StepContext& context);
  void pay_wages(const StepContext& context);
  void settle_income_tax_year(const StepContext& context);
  void spend_consumption(const StepContext& context);
  void buy_outside_demand(const StepContext& context);
  void run_village_economy(const StepContext& context);
  void settle_firm_accounts(const StepContext& context);
  void pay_pensions(const StepContext& context);
  void pay_unemployment_benefits(const StepContext& context);
  void pay_dibao(const StepContext& context);
  void run_government_budget(const StepContext& context);
  void run_firm_dynamics(const StepContext& context);
  void end_month(const StepContext& context);
  // --- yearly ---
  void age_population(const StepContext& context);
  void update_skills(const StepContext& context);
  void migrate_households(const StepContext& context);

  // --- checkpoints (checkpoint.cpp): the state besides the tables ---
  void save_state(StateWriter& writer) const;
  void restore_state(StateReader& reader);

  // --- inspection (metrics, tests) ---
  const EconomyParameters& parameters() const { return p_; }
  const Regions& regions() const { return regions_; }
  const AgentTable& households() const { return *households_; }
  const AgentTable& firms() const { return *firms_; }
  const AgentTable& villages() const { return *villages_; }
  const HouseholdColumns& household_columns() const { return h_; }
  const FirmColumns& firm_columns() const { return f_; }
  const VillageColumns& village_columns() const { return v_; }
  const Ledger& ledger() const { return ledger_; }
  const MonthTotals& month() const { return month_; }
  const std::array<double, sector_count>& price_level() const { return price_level_; }
  const FiscalRuleState& fiscal_rule() const { return fiscal_rule_; }
  const MigrationOutlook& migration_outlook() const { return outlook_; }
  /// Employment-weighted mean wage index of firms (wage per unit of skill), RMB/month.
  double market_wage_per_skill() const;
  const EntrantSkills& entrant_skills() const { return entrant_skills_; }
  std::int64_t initial_money() const { return initial_money_; }
  std::int64_t government_debt() const {
    return ledger_.government() < 0 ? -ledger_.government() : 0;
  }
  double average_wage() const { return average_wage_; }
  /// Disposable income of household i this month, fen.
  std::int64_t disposable_income(std::size_t i) const;
  /// Members of household i (persons).
  int members(std::size_t i) const;
  /// Mean skill of a new worker with these flags in this region
  /// (population.cpp): its group's, times the region's income scale.
  double mean_skill(std::uint8_t flags, std::size_t region) const;
  std::int64_t resident_count() const;  ///< persons in non-vacant households
  /// Residents over what the housing holds at set-up rents (labour_migration.cpp).
  double housing_crowding(std::int64_t residents) const;
  /// Newcomers' expected district wage after rent over the outside wage,
  /// minus 1, at this crowding: arrivals when positive (labour_migration.cpp, R14a).
  double expected_income_gap(double crowding) const;
  /// Wage of the worker in slot k of household i at employer firm f, RMB/month.
  double wage_of(std::size_t firm, double skill) const;

 private:
  friend class PolicyAccess;   // policy modules (policies/) act on the state
  friend struct EconomyState;  // checkpoint.cpp: the members a checkpoint holds, listed once
  // population.cpp
  void create_regions();
  void create_households(const StepContext& context);
  void create_firms(const StepContext& context);
  void create_villages(const StepContext& context);
  void match_initial_workers(const StepContext& context);
  // labour_migration.cpp
  void vacate_household(std::size_t i, FlowTally& tally);
  void settle_arrival(std::size_t i, std::uint64_t serial, std::size_t community,
                      double market_wage, const RandomStream& stream, FlowTally& tally);
  void initialise_balances(const StepContext& context);
  void draw_owner(std::size_t firm, const RandomStream& stream, std::uint64_t subject,
                  std::uint64_t step, bool small);
  // demography.cpp: members' slots (ages.hpp, state.hpp)
  void set_member_ages(std::size_t i, const MemberAges& ages);
  /// Removes the worker in `slot` (his job ends); the second worker moves to slot 0.
  void remove_worker(std::size_t i, int slot);
  void remove_dependant(std::size_t i, bool child, int slot);
  void add_dependant(std::size_t i, bool child, std::uint8_t age, bool female);
  // household_formation.cpp
  /// Estates of the households left without members go to their heirs.
  void settle_estates(const StepContext& context, std::span<const std::uint8_t> dissolved);
  /// This year's leavers (leavers_) form households, in pairs where they can.
  void form_households(const StepContext& context);
  /// `count` free household rows: vacant ones in row order, then new rows.
  std::vector<std::size_t> free_household_rows(std::size_t count);
  // equity_fund.cpp
  void assign_equity_fund();
  /// The sum of the holders' shares and the largest holder, after holdings changed.
  void refresh_equity_fund_totals();
  /// Pays `amount` fen from the bank (the fund's custodian) to the holders.
  void distribute_equity_fund(std::int64_t amount, Flow kind);
  /// The fund's slice of an incorporated firm's payout or equity:
  /// `firms.local_owner_share_large` of it, floored to the fen.
  [[nodiscard]] std::int64_t equity_fund_slice(std::int64_t amount) const;
  // labour_market.cpp
  void count_employees();
  std::int64_t match(const StepContext& context, std::string_view stream_name, std::int64_t rounds);
  // household_blocks.cpp: on several MPI ranks every rank holds the whole
  // state and the household-parallel payment loops are split by blocks.
  /// Runs body(begin, end, tally) in parallel over this rank's block of
  /// households (all of them on one rank), as Ledger::parallel_payments
  /// does, then makes every rank's state whole again. The body may change
  /// households in [begin, end) in any way; anything else it may only add
  /// to: integer columns of firms and villages, the ledger, the month's
  /// totals (with atomic adds; MonthTotals fields start the month at 0).
  template <class Body>
  void for_household_block(Body&& body);
  BlockRange household_block() const;
  /// Integer columns of firms and villages, single accounts, step flows and
  /// month totals as 64-bit words, in a fixed order.
  std::vector<std::uint64_t> replicated_words() const;
  void restore_replicated_words(std::span<const std::uint64_t> words);
  void merge_household_block(BlockRange block, std::vector<std::uint64_t> before);
  // helpers
  double firm_capacity(std::size_t f) const;
  void refresh_sector_lists();
  double measure_average_wage() const;

  EconomyParameters p_;
  Simulation& simulation_;
  LifeTable life_;
  Regions regions_;
  AgentTable* households_ = nullptr;
  AgentTable* firms_ = nullptr;
  AgentTable* villages_ = nullptr;
  HouseholdColumns h_;
  FirmColumns f_;
  VillageColumns v_;
  Ledger ledger_;
  MonthTotals month_;
  EntrantSkills entrant_skills_;
  std::int64_t initial_money_ = 0;

  std::array<std::vector<std::uint32_t>, sector_count> sector_firms_;
  std::array<double, sector_count> outside_demand_{};  ///< RMB/month, exports + visitors
  /// Each sector's price over its set-up price, and its latest monthly log
  /// change (productivity.cpp, R5).
  std::array<double, sector_count> price_level_{1.0, 1.0, 1.0, 1.0, 1.0};
  std::array<double, sector_count> price_change_{};
  bool outside_demand_calibrated_ = false;
  bool purchases_netted_ = false;
  double equity_fund_total_ = 0;         ///< sum of the holders' shares (about 1)
  std::size_t equity_fund_largest_ = 0;  ///< gets the rounding remainders
  FiscalRuleState fiscal_rule_;
  MigrationOutlook outlook_;
  std::int64_t next_public_purchases_ = 0;         ///< set by the budget, spent next month
  std::int64_t government_deposits_at_start_ = 0;  ///< of the month; debt when negative
  double average_wage_ = 0;  ///< RMB/month, for employee pensions; updated yearly
  std::vector<std::uint8_t> firm_exiting_;
  std::vector<std::array<Leaver, 2>> leavers_;  ///< this year's, by household (demography.cpp)
  std::uint64_t households_formed_ = 0;         ///< over the run: the serial of the next one's id
  std::vector<std::int64_t> firm_deposits_at_start_;  ///< for the month's profit
};

template <class Body>
void Economy::for_household_block(Body&& body) {
  if (simulation_.communicator().size() == 1) {
    ledger_.parallel_payments(households_->size(), body);
    return;
  }
  const BlockRange block = household_block();
  std::vector<std::uint64_t> before = replicated_words();
  ledger_.parallel_payments(block.size(), [&](std::size_t b, std::size_t e, FlowTally& tally) {
    body(static_cast<std::size_t>(block.begin) + b, static_cast<std::size_t>(block.begin) + e,
         tally);
  });
  merge_household_block(block, std::move(before));
}

}  // namespace cpsim::models::economy
