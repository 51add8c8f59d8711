// Boltzmann wealth model (Mesa tutorial; Dragulescu & Yakovenko 2000).
//
// N agents hold integer wealth. Three variants, all conserving wealth exactly:
//  - mesa: each step every agent, in a fresh uniformly random order, gives one
//    unit to a uniformly random agent (itself included) if its wealth is above
//    0. Inherently sequential: each gift changes what later agents hold, so
//    the sweep runs on one thread; its random numbers are drawn in parallel
//    beforehand (they depend only on seed, position and step).
//  - random_pair: a step is N micro-steps; each picks a random giver and a
//    random receiver (possibly the same) and moves one unit if the giver has
//    one. The chain is symmetric, so its stationary law is uniform over all
//    splits of the wealth (expected Gini 0.66074 at N = M = 100).
//  - synchronous: every agent with wealth gives one unit, decided from
//    start-of-step wealth, to a uniformly random agent; the received counts
//    are drawn as the multinomial they are, in parallel (see synchronous()).

#include <array>
#include <memory>
#include <numeric>
#include <vector>

#include "cpsim/engine/checkpoint.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/scatter.hpp"
#include "cpsim/engine/simulation.hpp"
#include "validation/validation_models.hpp"
#include "validation/wealth_metrics.hpp"

namespace cpsim::models {
namespace {

enum class Variant { Mesa, RandomPair, Synchronous };

Variant parse_variant(const std::string& name) {
  if (name == "random_pair") return Variant::RandomPair;
  if (name == "synchronous") return Variant::Synchronous;
  return Variant::Mesa;
}

class BoltzmannModel final : public Model {
 public:
  void build(Simulation& simulation, const Parameters& parameters) override {
    const auto agent_count = static_cast<std::size_t>(parameters.integer("agents"));
    const std::int64_t initial_wealth = parameters.integer("initial_wealth");
    variant_ = parse_variant(parameters.string("variant"));

    agents_ = &simulation.add_table("agents");
    agents_->create(agent_count);
    wealth_ = agents_->add_column<std::int64_t>(
        {"wealth", "units", "Wealth of the agent in indivisible units"});
    auto wealth = (*agents_)[wealth_];
    std::fill(wealth.begin(), wealth.end(), initial_wealth);
    initial_total_ = total_units(wealth);
    scratch_a_.resize(agent_count);
    scratch_b_.resize(agent_count);

    switch (variant_) {
      case Variant::Mesa:
        simulation.add_phase("mesa_sweep", [this](const StepContext& c) { mesa_sweep(c); });
        break;
      case Variant::RandomPair:
        simulation.add_phase("random_pair_exchange",
                             [this](const StepContext& c) { random_pairs(c); });
        break;
      case Variant::Synchronous:
        simulation.add_phase("synchronous_exchange",
                             [this](const StepContext& c) { synchronous(c); });
        break;
    }

    // Infinite-N stationary law of the random-pair chain: geometric with mean
    // mu, whose Gini is (1 + mu) / (1 + 2 mu) (2/3 at mu = 1).
    const double mu = static_cast<double>(initial_wealth);
    theory_ = (1.0 + mu) / (1.0 + 2.0 * mu);
    metrics_ = std::make_unique<WealthMetrics>(
        simulation.metrics(), "Gini of the geometric law with the same mean, (1+mu)/(1+2mu)");
    simulation.add_measurement([this](const StepContext&, MetricRow& row) {
      metrics_->measure(row, (*agents_)[wealth_], 1.0, initial_total_, theory_);
    });
  }

  // The synchronous variant's count of next step's givers (a cache of the
  // table, saved so that a restart need not count).
  void save_state(StateWriter& writer) const override { state_fields(*this, writer); }
  void restore_state(StateReader& reader) override { state_fields(*this, reader); }
  template <class Self, class Archive>
  static void state_fields(Self& self, Archive& archive) {
    archive.field("givers", self.givers_);
    archive.field("givers_known", self.givers_known_);
  }

 private:
  // Fisher-Yates positions and gift targets are keyed draws computed in
  // parallel; only the swaps and the gifts themselves run in sequence.
  void mesa_sweep(const StepContext& context) {
    const std::size_t n = agents_->size();
    const RandomStream stream = context.stream("boltzmann.sweep");
    const auto step = static_cast<std::uint64_t>(context.step);
    if (n <= pair_limit) {
      draw_sweep<2>(stream, step, n);
    } else {
      draw_sweep<1>(stream, step, n);
    }
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), 0U);
    const auto& swap_with = scratch_a_;
    const auto& target = scratch_b_;
    for (std::size_t i = n; i-- > 1;) std::swap(order_[i], order_[swap_with[i]]);
    // Branch-free: whether a giver has a unit is a coin flip at mean wealth
    // 1, and a mispredicted branch per agent cost more than the gift itself.
    auto wealth = (*agents_)[wealth_];
    for (const std::uint32_t giver : order_) {
      const std::int64_t gives = wealth[giver] > 0 ? 1 : 0;
      wealth[giver] -= gives;
      wealth[target[giver]] += gives;
    }
  }

  // Position i draws its swap partner in [0, i] and its gift target in
  // [0, n). The draws of K consecutive positions come from one 64-bit word,
  // word w % 4 of Philox block w / 4 for word w = i / K, by uniform_batch
  // (exact; a rejected word is replaced by the same word of block
  // (w / 4, step, r)). K = 2 needs ranges whose product, at most n^4, stays
  // below 2^48 (a rejection then has probability below 2^-16): n <= 4,096.
  // At K = 1 the product is below n^2 < 2^64 (n < 2^32, the schema's bound),
  // and a rejection below n^2 / 2^64: under 2^-16 up to n = 2^24, and only
  // costs another block beyond. At K = 2 one block serves eight agents; a
  // word per draw took four times the blocks, and then half the step's time.
  static constexpr std::size_t pair_limit = 4096;

  template <std::size_t K>
  void draw_sweep(const RandomStream& stream, std::uint64_t step, std::size_t n) {
    const std::size_t words = (n + K - 1) / K;
    parallel_for((words + 3) / 4, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) {
        const RandomBlock block = stream.block(b, step);
        for (std::size_t k = 0; k < 4 && (4 * b + k) * K < n; ++k) {
          const auto candidate = [&](std::uint64_t r) {
            return r == 0 ? block[k] : stream.block(b, step, r)[k];
          };
          const std::size_t first = (4 * b + k) * K;
          if (first + K <= n) {
            draw_positions<K>(first, n, candidate);
          } else {
            draw_positions<1>(first, n, candidate);  // the last, odd position
          }
        }
      }
    });
  }

  template <std::size_t K, class Candidate>
  void draw_positions(std::size_t first, std::size_t n, const Candidate& candidate) {
    std::array<std::uint64_t, 2 * K> ranges{};
    for (std::size_t a = 0; a < K; ++a) {
      ranges[2 * a] = first + a + 1;
      ranges[2 * a + 1] = n;
    }
    const auto draws = uniform_batch(ranges, candidate);
    for (std::size_t a = 0; a < K; ++a) {
      scratch_a_[first + a] = static_cast<std::uint32_t>(draws[2 * a]);
      scratch_b_[first + a] = static_cast<std::uint32_t>(draws[2 * a + 1]);
    }
  }

  void random_pairs(const StepContext& context) {
    const std::size_t n = agents_->size();
    const RandomStream stream = context.stream("boltzmann.pair");
    const auto step = static_cast<std::uint64_t>(context.step);
    auto& giver = scratch_a_;
    auto& receiver = scratch_b_;
    parallel_for((n + 1) / 2, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b) {
        const RandomBlock words = stream.block(b, step);
        for (std::size_t k = 0; k < 2 && 2 * b + k < n; ++k) {
          giver[2 * b + k] = static_cast<std::uint32_t>(to_index(words[2 * k], n));
          receiver[2 * b + k] = static_cast<std::uint32_t>(to_index(words[2 * k + 1], n));
        }
      }
    });
    auto wealth = (*agents_)[wealth_];
    for (std::size_t m = 0; m < n; ++m) {
      if (wealth[giver[m]] > 0) {
        --wealth[giver[m]];
        ++wealth[receiver[m]];
      }
    }
  }

  // Gifts are decided from start-of-step wealth, so a received unit is not
  // given on in the same step. Who gave to whom does not matter, only how many
  // units each agent receives: given G givers choosing receivers uniformly and
  // independently, those counts are Multinomial(G; 1/N, ..., 1/N). The engine
  // draws them leaf by leaf of 1,024 agents (scatter.hpp), and each leaf's
  // task first takes its givers' units, then adds the units that land on it,
  // then counts its agents with wealth: the next step's givers. So a step is
  // one parallel pass whose random writes stay within a leaf. An earlier form
  // drew each giver's receiver and counted receipts in arrays spanning all N
  // agents: a random read-modify-write beyond L2 per gift plus a pass to fold
  // the counts in, which held the 2-thread speed-up near 1.65x at N = 1e5.
  void synchronous(const StepContext& context) {
    const std::size_t n = agents_->size();
    auto wealth = (*agents_)[wealth_];
    if (!givers_known_) {
      givers_ = deterministic_sum<std::uint64_t>(
          n, [&](std::size_t i) -> std::uint64_t { return wealth[i] > 0 ? 1 : 0; });
    }
    leaf_givers_.resize((n + scatter_leaf - 1) / scatter_leaf);
    scatter_uniform(givers_, n, context.stream("boltzmann.gift_split"),
                    context.stream("boltzmann.gift_place"),
                    static_cast<std::uint64_t>(context.step), [&](const ScatterLeaf& leaf) {
                      for (std::size_t i = leaf.begin; i < leaf.end; ++i) {
                        if (wealth[i] > 0) --wealth[i];
                      }
                      leaf.for_each_item([&](std::size_t receiver) { ++wealth[receiver]; });
                      std::uint64_t next_givers = 0;
                      for (std::size_t i = leaf.begin; i < leaf.end; ++i) {
                        next_givers += wealth[i] > 0 ? 1U : 0U;
                      }
                      leaf_givers_[leaf.index] = next_givers;
                    });
    givers_ = std::accumulate(leaf_givers_.begin(), leaf_givers_.end(), std::uint64_t{0});
    givers_known_ = true;
  }

  Variant variant_ = Variant::Mesa;
  AgentTable* agents_ = nullptr;
  Column<std::int64_t> wealth_;
  std::int64_t initial_total_ = 0;
  double theory_ = 0;
  std::vector<std::uint32_t> scratch_a_, scratch_b_, order_;
  // Synchronous variant: agents with wealth after the last step (the next
  // step's givers), in all and per scatter leaf.
  std::uint64_t givers_ = 0;
  bool givers_known_ = false;
  std::vector<std::uint64_t> leaf_givers_;
  std::unique_ptr<WealthMetrics> metrics_;
};

}  // namespace

ModelInfo boltzmann_model_info() {
  ModelInfo info;
  info.name = "boltzmann";
  info.summary = "Boltzmann wealth model: Mesa's sweep, random pairs, or synchronous gifts";
  info.schema.integer("agents", 100, "Number of agents", 1, 4.0e9, "agents");
  info.schema.integer("initial_wealth", 1, "Wealth units each agent starts with", 0, 1.0e9,
                      "units");
  info.schema.choice("variant", "mesa", {"mesa", "random_pair", "synchronous"},
                     "mesa: Mesa's sequential sweep in random order; random_pair: N random "
                     "giver/receiver micro-steps; synchronous: all gifts decided from "
                     "start-of-step wealth, applied in parallel");
  info.create = [] { return std::make_unique<BoltzmannModel>(); };
  // Per agent: id and wealth (16 B), three uint32 scratch columns (12 B), and
  // the metrics' sort buffers (values, weights, two cumulative sums: 40 B).
  info.estimate_memory = [](const Parameters& p) {
    return MemoryEstimate{static_cast<std::uint64_t>(p.integer("agents")) * 68U, "agents"};
  };
  return info;
}

}  // namespace cpsim::models
