#include "economy/ledger.hpp"

#include <string>

#include "cpsim/engine/errors.hpp"

namespace cpsim::models::economy {

namespace {
std::int64_t exact_sum(std::span<const std::int64_t> values) {
  return deterministic_sum<std::int64_t>(values.size(), [&](std::size_t i) { return values[i]; });
}
}  // namespace

std::array<std::int64_t, institution_count> Ledger::institution_balances() const {
  return {exact_sum(households_), exact_sum(firms_),
          exact_sum(villages_),   government_,
          rest_of_world_,         bank_};
}

namespace {
std::string describe(Account account) {
  return std::string(institution_names[static_cast<std::size_t>(account.institution)]) + "[" +
         std::to_string(account.index) + "]";
}
}  // namespace

void Ledger::overflow(Account account, std::int64_t amount, std::optional<Flow> kind) {
  throw SimulationError(
      "money overflow: balance of " + describe(account) + " plus " + std::to_string(amount) +
      " fen" + (kind ? " (" + std::string(flow_names[static_cast<std::size_t>(*kind)]) + ")" : "") +
      " does not fit in 64-bit fen");
}

void Ledger::invalid_amount(Account from, Account to, std::int64_t amount, Flow kind) {
  throw SimulationError("negative transfer of " + std::to_string(amount) + " fen from " +
                        describe(from) + " to " + describe(to) + " (" +
                        std::string(flow_names[static_cast<std::size_t>(kind)]) + ")");
}

void unrepresentable_amount(double x) {
  throw SimulationError("payment of " + std::to_string(x) +
                        " fen is not a finite amount that fits in 64-bit fen");
}

std::int64_t Ledger::total_money() const {
  std::int64_t total = 0;
  for (const std::int64_t b : institution_balances()) total += b;
  return total;
}

void Ledger::start_step() {
  step_flows_.fill(0);
  balances_at_start_ = institution_balances();
}

const FlowMatrix& Ledger::close_step() {
  // The deposit_change row is minus each institution's change of balance, so a
  // column (all flows of one institution plus its saving) sums to zero exactly
  // when every change of balance went through transfer().
  const auto balances = institution_balances();
  const auto row = static_cast<std::size_t>(Flow::deposit_change) * institution_count;
  for (std::size_t k = 0; k < institution_count; ++k) {
    step_flows_[row + k] = -(balances[k] - balances_at_start_[k]);
  }
  balances_at_start_ = balances;
  return step_flows_;
}

}  // namespace cpsim::models::economy
