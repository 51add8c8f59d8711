// Kinetic wealth exchange on random disjoint pairs.
//
// Each step the agents are paired by a keyed pseudo-random permutation
// (pairs (pi(2k), pi(2k+1)); with N odd one agent sits out), and every pair
// trades at once, in parallel. Two rules:
//  - saving (Chakraborti & Chakrabarti 2000; Patriarca, Chakraborti & Kaski
//    2004): eps ~ U(0,1); m_i' = lambda m_i + eps (1 - lambda)(m_i + m_j),
//    m_j' = the rest. Stationary law close to Gamma with shape
//    n = 1 + 3 lambda / (1 - lambda), Gini Gamma(n + 1/2) / (sqrt(pi) Gamma(n + 1)).
//  - yard_sale (Chakraborti 2002; Boghosian 2014): a fair coin decides who
//    wins stake * min(m_i, m_j). Wealth condenses; the Gini tends to (N-1)/N.
// A pair's uniform draw is keyed by the pair's index k in the step (the
// pairing is already keyed), so it does not depend on how pairs are split
// among threads or processes.
// On several MPI ranks each rank holds a contiguous block of the agents
// (global ids as in one process) and finds its agents' positions with the
// permutation's inverse; a pair split across ranks is traded on both ranks
// from the same two wealths and draw, each keeping its own agent's side, so
// every step is bit-identical to one process (docs/mpi.md).
// Wealth is held in integer micro-units (1e-9 of a wealth unit): a pair's new
// split is computed in floating point and floored, and the partner gets the
// exact remainder, so total wealth is conserved exactly.
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <vector>

#include "cpsim/engine/communicator.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/simulation.hpp"
#include "validation/validation_models.hpp"
#include "validation/wealth_metrics.hpp"

namespace cpsim::models {
namespace {

constexpr double micro_units_per_unit = 1e9;

/// Gini of the Gamma law with shape n: Gamma(n + 1/2) / (sqrt(pi) Gamma(n + 1)).
double gamma_law_gini(double shape) {
  constexpr double sqrt_pi = 1.7724538509055160273;
  return std::exp(std::lgamma(shape + 0.5) - std::lgamma(shape + 1.0)) / sqrt_pi;
}

class KineticExchangeModel final : public Model {
 public:
  void build(Simulation& simulation, const Parameters& parameters) override {
    const auto agent_count = static_cast<std::size_t>(parameters.integer("agents"));
    const double initial_wealth = parameters.real("initial_wealth");
    lambda_ = parameters.real("lambda");
    yard_sale_ = parameters.string("rule") == "yard_sale";
    stake_ = parameters.real("stake");

    world_ = &simulation.communicator();
    agent_count_ = agent_count;
    block_ = simulation.agent_block(agent_count);
    for (int r = 0; r < world_->size(); ++r) {
      block_begins_.push_back(block_range(agent_count, r, world_->size()).begin);
    }
    agents_ = &simulation.add_table("agents");
    agents_->create(static_cast<std::size_t>(block_.size()), block_.begin);
    wealth_ = agents_->add_column<std::int64_t>(
        {"wealth", "1e-9 wealth units", "Wealth of the agent in integer micro-units"});
    auto wealth = (*agents_)[wealth_];
    std::fill(wealth.begin(), wealth.end(),
              static_cast<std::int64_t>(std::llround(initial_wealth * micro_units_per_unit)));
    initial_total_ = world_->sum(total_units(wealth));

    if (world_->size() == 1) {
      simulation.add_phase("pair_exchange", [this](const StepContext& c) { exchange(c); });
    } else {
      simulation.add_phase("pair_exchange",
                           [this](const StepContext& c) { exchange_across_ranks(c); });
    }

    const double shape = 1.0 + 3.0 * lambda_ / (1.0 - lambda_);
    theory_ = yard_sale_ ? 1.0 - 1.0 / static_cast<double>(agent_count) : gamma_law_gini(shape);
    metrics_ = std::make_unique<WealthMetrics>(
        simulation.metrics(), yard_sale_ ? "Condensed limit (N-1)/N of the yard-sale model"
                                         : "Gini of the Gamma law with shape 1 + 3 lambda/(1 - "
                                           "lambda) (Patriarca et al. 2004)");
    simulation.add_measurement([this](const StepContext&, MetricRow& row) {
      const std::span<const std::int64_t> local = (*agents_)[wealth_];
      if (world_->size() == 1) {
        metrics_->measure(row, local, 1.0 / micro_units_per_unit, initial_total_, theory_);
        return;
      }
      // Rank order is global order: the exact statistics of one process.
      const std::vector<std::int64_t> all = world_->allgatherv(local);
      metrics_->measure(row, all, 1.0 / micro_units_per_unit, initial_total_, theory_);
    });
  }

 private:
  // Pairs are processed in batches: first the members of a batch's pairs are
  // computed (pure arithmetic on the keyed permutation) and their wealth is
  // prefetched, then the batch trades. The wealth of a random pair is two
  // cache misses at large N; issuing them a batch ahead lets them overlap
  // instead of stalling each pair in turn.
  void exchange(const StepContext& context) {
    const std::size_t pairs = agents_->size() / 2;
    const auto step = static_cast<std::uint64_t>(context.step);
    const KeyedPermutation pairing(agents_->size(), context.stream("exchange.pairing"), step);
    const RandomStream trade = context.stream("exchange.trade");
    auto wealth = (*agents_)[wealth_];
    constexpr std::size_t batch = 32;  // pairs; a multiple of 4 (one Philox block per 4 pairs)
    parallel_for((pairs + batch - 1) / batch,
                 [&](std::size_t b0, std::size_t b1) {
                   std::array<std::uint64_t, 2 * batch> member{};
                   std::array<double, batch> draw{};
                   for (std::size_t b = b0; b < b1; ++b) {
                     const std::size_t first = b * batch;
                     const std::size_t count = std::min(batch, pairs - first);
                     for (std::size_t j = 0; j < 2 * count; ++j) {
                       member[j] = pairing(2 * first + j);
                       __builtin_prefetch(&wealth[member[j]], 1);
                     }
                     // Pair k's draw is word k % 4 of the block keyed by k / 4.
                     for (std::size_t j = 0; j < count; j += 4) {
                       const RandomBlock words = trade.block((first + j) / 4, step);
                       for (std::size_t w = 0; w < 4 && j + w < count; ++w) {
                         draw[j + w] = to_unit_interval(words[w]);
                       }
                     }
                     for (std::size_t j = 0; j < count; ++j) {
                       trade_pair(wealth[member[2 * j]], wealth[member[2 * j + 1]], draw[j]);
                     }
                   }
                 },
                 8);
  }

  /// Pair k's draw, as exchange() takes it: word k % 4 of the block keyed by k / 4.
  static double pair_draw(const RandomStream& trade, std::uint64_t pair, std::uint64_t step) {
    return to_unit_interval(trade.block(pair / 4, step)[pair % 4]);
  }

  // The same step with this rank's block of agents. Each local agent's
  // position comes from the inverse permutation and its partner's id from
  // the forward one. Pairs inside the block trade here; for a pair across
  // ranks each side sends (partner id, own wealth) to the partner's rank,
  // and both compute the trade from the wealths in position order.
  void exchange_across_ranks(const StepContext& context) {
    constexpr std::uint64_t nobody = ~std::uint64_t{0};
    const std::uint64_t paired_positions = 2 * (agent_count_ / 2);
    const auto step = static_cast<std::uint64_t>(context.step);
    const KeyedPermutation pairing(agent_count_, context.stream("exchange.pairing"), step);
    const RandomStream trade = context.stream("exchange.trade");
    auto wealth = (*agents_)[wealth_];
    const std::size_t local = wealth.size();
    constexpr std::uint32_t stays_here = ~std::uint32_t{0};
    position_.resize(local);
    partner_.resize(local);
    partner_rank_.resize(local);
    parallel_for(local, [&](std::size_t i0, std::size_t i1) {
      for (std::size_t i = i0; i < i1; ++i) {
        const std::uint64_t p = pairing.inverse(block_.begin + i);
        const std::uint64_t q = p < paired_positions ? pairing(p ^ 1U) : nobody;
        position_[i] = p;
        partner_[i] = q;
        // The partner's rank: the last block that begins at or before q.
        partner_rank_[i] =
            q == nobody || block_.contains(q)
                ? stays_here
                : static_cast<std::uint32_t>(
                      std::upper_bound(block_begins_.begin(), block_begins_.end(), q) -
                      block_begins_.begin() - 1);
      }
    });
    // Pairs inside the block, traded by their first member only (the second
    // member's iteration does not touch either wealth).
    parallel_for(local, [&](std::size_t i0, std::size_t i1) {
      for (std::size_t i = i0; i < i1; ++i) {
        const std::uint64_t q = partner_[i];
        if (q == nobody || (position_[i] & 1U) != 0 || !block_.contains(q)) continue;
        trade_pair(wealth[i], wealth[q - block_.begin], pair_draw(trade, position_[i] / 2, step));
      }
    });
    // Pairs across ranks: records (partner id, own wealth) grouped by the
    // partner's rank.
    const auto ranks = static_cast<std::size_t>(world_->size());
    std::vector<std::uint64_t> send_counts(ranks, 0);
    for (std::size_t i = 0; i < local; ++i) {
      if (partner_rank_[i] != stays_here) send_counts[partner_rank_[i]] += 2;
    }
    std::vector<std::uint64_t> offset(ranks, 0);
    std::uint64_t records = send_counts[0];
    for (std::size_t r = 1; r < ranks; ++r) {
      offset[r] = offset[r - 1] + send_counts[r - 1];
      records += send_counts[r];
    }
    send_.resize(records);
    for (std::size_t i = 0; i < local; ++i) {
      if (partner_rank_[i] == stays_here) continue;
      std::uint64_t& at = offset[partner_rank_[i]];
      send_[at] = static_cast<std::int64_t>(partner_[i]);
      send_[at + 1] = wealth[i];
      at += 2;
    }
    std::vector<std::uint64_t> receive_counts;
    const std::vector<std::int64_t> received =
        world_->alltoallv<std::int64_t>(send_, send_counts, receive_counts);
    // Each record names one of our agents (each at most once) and its partner's wealth.
    parallel_for(received.size() / 2, [&](std::size_t r0, std::size_t r1) {
      for (std::size_t r = r0; r < r1; ++r) {
        const auto i =
            static_cast<std::size_t>(static_cast<std::uint64_t>(received[2 * r]) - block_.begin);
        std::int64_t partner_wealth = received[2 * r + 1];
        const double u = pair_draw(trade, position_[i] / 2, step);
        if ((position_[i] & 1U) == 0) {
          trade_pair(wealth[i], partner_wealth, u);
        } else {
          trade_pair(partner_wealth, wealth[i], u);
        }
      }
    });
  }

  void trade_pair(std::int64_t& a, std::int64_t& b, double u) const {
    const std::int64_t total = a + b;
    std::int64_t new_a = 0;
    if (yard_sale_) {
      const auto bet = static_cast<std::int64_t>(stake_ * static_cast<double>(std::min(a, b)));
      new_a = u < 0.5 ? a + bet : a - bet;
    } else {
      const double share =
          lambda_ * static_cast<double>(a) + u * (1.0 - lambda_) * static_cast<double>(total);
      new_a = std::clamp(static_cast<std::int64_t>(share), std::int64_t{0}, total);
    }
    a = new_a;
    b = total - new_a;
  }

  double lambda_ = 0;
  bool yard_sale_ = false;
  double stake_ = 0;
  Communicator* world_ = nullptr;
  std::uint64_t agent_count_ = 0;                  ///< on all ranks
  BlockRange block_;                               ///< this rank's agents (global ids)
  std::vector<std::uint64_t> block_begins_;        ///< first global id of each rank's block
  std::vector<std::uint64_t> position_, partner_;  ///< per local agent, this step
  std::vector<std::uint32_t> partner_rank_;        ///< or ~0 when the partner is here or none
  std::vector<std::int64_t> send_;
  AgentTable* agents_ = nullptr;
  Column<std::int64_t> wealth_;
  std::int64_t initial_total_ = 0;
  double theory_ = 0;
  std::unique_ptr<WealthMetrics> metrics_;
};

}  // namespace

ModelInfo kinetic_exchange_model_info() {
  ModelInfo info;
  info.name = "kinetic_exchange";
  info.summary = "Kinetic wealth exchange on random disjoint pairs (saving propensity, yard sale)";
  info.schema.integer("agents", 1000, "Number of agents", 2, 4.0e9, "agents");
  info.schema.real("initial_wealth", 1.0, "Wealth each agent starts with", 1e-6, 1e6,
                   "wealth units");
  info.schema.choice("rule", "saving", {"saving", "yard_sale"},
                     "saving: Chakraborti-Chakrabarti exchange with saving propensity lambda; "
                     "yard_sale: a coin flip moves stake * the poorer partner's wealth");
  info.schema.real("lambda", 0.0, "Saving propensity (rule: saving)", 0.0, 0.99);
  info.schema.real("stake", 0.1,
                   "Fraction of the poorer partner's wealth at stake (rule: yard_sale)", 0.0, 1.0);
  info.create = [] { return std::make_unique<KineticExchangeModel>(); };
  info.decomposable = true;
  // Per agent: id and wealth (16 B) and the metrics' sort buffers (40 B).
  info.estimate_memory = [](const Parameters& p) {
    return MemoryEstimate{static_cast<std::uint64_t>(p.integer("agents")) * 56U, "agents"};
  };
  return info;
}

}  // namespace cpsim::models
