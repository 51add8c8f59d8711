#pragma once
// The books: every payment in the economy is one call of Ledger::transfer,
// which moves integer fen between two accounts and records the amount in the
// step's transaction-flow matrix (flow kind x institution). Each flow row sums
// to zero by construction, and the "deposit_change" row closes every column,
// so rows and columns of the matrix all sum to exactly zero.
//
// Parallel payments: a parallel loop gives each chunk its own FlowTally.
// Household, firm and village balances are changed with atomic integer adds
// (integer addition is associative, so the result does not depend on the
// order or the thread count); the single accounts (government, rest of the
// world, bank) and the flow matrix are accumulated in the tally and merged
// at the end of the chunk, which avoids contention on one cache line.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>

#include "cpsim/engine/parallel.hpp"

namespace cpsim::models::economy {

enum class Institution : std::uint8_t {
  households,
  firms,
  villages,
  government,
  rest_of_world,
  bank,
};
inline constexpr std::size_t institution_count = 6;
inline constexpr std::array<std::string_view, institution_count> institution_names{
    "households", "firms", "villages", "government", "rest_of_world", "bank"};

enum class Flow : std::uint8_t {
  wages,
  income_tax_withheld,
  income_tax_settlement,
  capital_income_tax,
  business_income_tax,
  corporate_tax,
  value_added_tax,
  household_consumption,
  imports,
  tourism_spending,
  exports,
  government_purchases,
  dividends,
  business_income,
  reserved_land_rent,
  collective_dividends,
  village_investment,
  pensions,
  dibao,
  tax_sharing_upper,
  transfers_upper,
  firm_entry,
  firm_exit,
  overdraft_interest,
  loan_write_off,
  policy_benefits,        ///< cash benefits of policy modules (government to households)
  policy_subsidies,       ///< policy subsidies to firms and villages
  policy_purchases,       ///< services the government buys under a policy
  environmental_tax,      ///< carbon and other environmental taxes
  charity,                ///< donations (third distribution, enterprise-village pairing)
  social_contributions,   ///< unemployment insurance contributions, to the district's fund
  unemployment_benefits,  ///< unemployment insurance benefits, from the fund
  migration,              ///< deposits households bring into the district or take out of it
  family,                 ///< gifts to a child's new household, estates to heirs
  deposit_change,
};
inline constexpr std::size_t flow_count = 35;
inline constexpr std::array<std::string_view, flow_count> flow_names{"wages",
                                                                     "income_tax_withheld",
                                                                     "income_tax_settlement",
                                                                     "capital_income_tax",
                                                                     "business_income_tax",
                                                                     "corporate_tax",
                                                                     "value_added_tax",
                                                                     "household_consumption",
                                                                     "imports",
                                                                     "tourism_spending",
                                                                     "exports",
                                                                     "government_purchases",
                                                                     "dividends",
                                                                     "business_income",
                                                                     "reserved_land_rent",
                                                                     "collective_dividends",
                                                                     "village_investment",
                                                                     "pensions",
                                                                     "dibao",
                                                                     "tax_sharing_upper",
                                                                     "transfers_upper",
                                                                     "firm_entry",
                                                                     "firm_exit",
                                                                     "overdraft_interest",
                                                                     "loan_write_off",
                                                                     "policy_benefits",
                                                                     "policy_subsidies",
                                                                     "policy_purchases",
                                                                     "environmental_tax",
                                                                     "charity",
                                                                     "social_contributions",
                                                                     "unemployment_benefits",
                                                                     "migration",
                                                                     "family",
                                                                     "deposit_change"};

struct Account {
  Institution institution;
  std::uint32_t index = 0;  ///< row in the households, firms or villages table
};
inline Account household_account(std::size_t i) {
  return {Institution::households, static_cast<std::uint32_t>(i)};
}
inline Account firm_account(std::size_t i) {
  return {Institution::firms, static_cast<std::uint32_t>(i)};
}
inline Account village_account(std::size_t i) {
  return {Institution::villages, static_cast<std::uint32_t>(i)};
}
inline constexpr Account government_account{Institution::government, 0};
inline constexpr Account rest_of_world_account{Institution::rest_of_world, 0};
inline constexpr Account bank_account{Institution::bank, 0};

using FlowMatrix = std::array<std::int64_t, flow_count * institution_count>;

/// A chunk's share of the step's flows and of the single accounts' changes.
struct FlowTally {
  FlowMatrix flows{};
  std::array<std::int64_t, 3> single_delta{};  ///< government, rest of world, bank
};

class Ledger {
 public:
  Ledger() = default;
  /// Points the ledger at the balance columns (tables must not be resized later).
  void attach(std::span<std::int64_t> households, std::span<std::int64_t> firms,
              std::span<std::int64_t> villages) {
    households_ = households;
    firms_ = firms;
    villages_ = villages;
  }

  /// Moves `amount` fen (>= 0) from one account to another. Safe to call from
  /// parallel chunks, each with its own tally.
  void transfer(Account from, Account to, std::int64_t amount, Flow kind, FlowTally& tally) const {
    if (amount == 0) return;
    if (amount < 0) invalid_amount(from, to, amount, kind);
    add(from, -amount, tally, kind);
    add(to, amount, tally, kind);
    const auto row = static_cast<std::size_t>(kind) * institution_count;
    tally.flows[row + static_cast<std::size_t>(from.institution)] -= amount;
    tally.flows[row + static_cast<std::size_t>(to.institution)] += amount;
  }

  /// Merges a chunk's tally into the step's flows and the single accounts.
  void commit(const FlowTally& tally) {
    const std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < tally.flows.size(); ++i) step_flows_[i] += tally.flows[i];
    commit_single(government_, government_account, tally.single_delta[0]);
    commit_single(rest_of_world_, rest_of_world_account, tally.single_delta[1]);
    commit_single(bank_, bank_account, tally.single_delta[2]);
  }

  /// A sequential transfer between accounts (tallied and committed at once).
  void transfer_now(Account from, Account to, std::int64_t amount, Flow kind) {
    FlowTally tally;
    transfer(from, to, amount, kind, tally);
    commit(tally);
  }

  /// Runs body(begin, end, tally) over [0, n) in parallel and commits each
  /// chunk's tally.
  template <class Body>
  void parallel_payments(std::size_t n, Body&& body, std::size_t grain = 1024) {
    parallel_for(
        n,
        [&](std::size_t b, std::size_t e) {
          FlowTally tally;
          body(b, e, tally);
          commit(tally);
        },
        grain);
  }

  [[nodiscard]] std::int64_t government() const { return government_; }
  [[nodiscard]] std::int64_t rest_of_world() const { return rest_of_world_; }
  [[nodiscard]] std::int64_t bank() const { return bank_; }
  void set_single_balances(std::int64_t government, std::int64_t rest_of_world, std::int64_t bank) {
    government_ = government;
    rest_of_world_ = rest_of_world;
    bank_ = bank;
  }

  /// Balance of every institution, summed exactly.
  [[nodiscard]] std::array<std::int64_t, institution_count> institution_balances() const;
  [[nodiscard]] std::int64_t total_money() const;

  /// Flows recorded since the last call of start_step(); start_step also
  /// remembers the institutions' balances so that close_step() can write the
  /// deposit_change row that closes every column.
  void start_step();
  const FlowMatrix& close_step();
  [[nodiscard]] const FlowMatrix& step_flows() const { return step_flows_; }
  /// For merging the flows that several ranks recorded (household_blocks.cpp).
  void set_step_flows(const FlowMatrix& flows) { step_flows_ = flows; }

 private:
  // Atomic adds on signed integers wrap (they are defined to), so an overflow
  // is detected after the fact from the old balance and stops the run.
  void add(Account account, std::int64_t amount, FlowTally& tally, Flow kind) const {
    std::int64_t old = 0;
    switch (account.institution) {
      case Institution::households:
        old = std::atomic_ref<std::int64_t>(households_[account.index])
                  .fetch_add(amount, std::memory_order_relaxed);
        break;
      case Institution::firms:
        old = std::atomic_ref<std::int64_t>(firms_[account.index])
                  .fetch_add(amount, std::memory_order_relaxed);
        break;
      case Institution::villages:
        old = std::atomic_ref<std::int64_t>(villages_[account.index])
                  .fetch_add(amount, std::memory_order_relaxed);
        break;
      case Institution::government:
        return add_single(tally.single_delta[0], account, amount, kind);
      case Institution::rest_of_world:
        return add_single(tally.single_delta[1], account, amount, kind);
      case Institution::bank:
        return add_single(tally.single_delta[2], account, amount, kind);
    }
    std::int64_t sum = 0;
    if (__builtin_add_overflow(old, amount, &sum)) overflow(account, amount, kind);
  }
  static void add_single(std::int64_t& delta, Account account, std::int64_t amount, Flow kind) {
    if (__builtin_add_overflow(delta, amount, &delta)) overflow(account, amount, kind);
  }
  static void commit_single(std::int64_t& balance, Account account, std::int64_t delta) {
    if (__builtin_add_overflow(balance, delta, &balance)) overflow(account, delta, std::nullopt);
  }
  [[noreturn]] static void overflow(Account account, std::int64_t amount, std::optional<Flow> kind);
  [[noreturn]] static void invalid_amount(Account from, Account to, std::int64_t amount, Flow kind);

  std::span<std::int64_t> households_, firms_, villages_;
  std::int64_t government_ = 0, rest_of_world_ = 0, bank_ = 0;
  FlowMatrix step_flows_{};
  std::array<std::int64_t, institution_count> balances_at_start_{};
  std::mutex mutex_;
};

/// floor(x) as fen for a non-negative amount computed in floating point: the
/// payer keeps the fraction of a fen. An amount that is NaN or too large for
/// int64 fen stops the run (SimulationError) instead of wrapping silently.
[[noreturn]] void unrepresentable_amount(double x);
inline std::int64_t floor_fen(double x) {
  if (!(x < 9.2e18)) unrepresentable_amount(x);
  return x > 0 ? static_cast<std::int64_t>(x) : 0;
}

}  // namespace cpsim::models::economy
