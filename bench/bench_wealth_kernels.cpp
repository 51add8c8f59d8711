// Per-step kernels of the wealth-exchange models at N = 1e4, 1e5, 1e6,
// against a hand-written single-threaded loop of Mesa's rule.
//
//   build/bench/bench_wealth_kernels                 # all
//   build/bench/bench_wealth_kernels --benchmark_filter=Mesa
// items_per_second is agent-steps per second.
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/simulation.hpp"
#include "registry.hpp"

namespace {

// xoshiro256** (Blackman & Vigna): the kind of fast generator a hand-written
// loop would use.
struct Xoshiro256 {
  std::uint64_t s[4];
  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& x : s) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t operator()() {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

/// Mesa's rule written by hand: shuffle, then each agent in order gives one
/// unit to a random agent if it has any.
void BM_ReferenceMesaLoop(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  std::vector<std::int64_t> wealth(n, 1);
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0U);
  Xoshiro256 rng(42);
  for (auto _ : state) {
    for (std::uint32_t i = n - 1; i > 0; --i) {
      std::swap(order[i], order[cpsim::to_index(rng(), i + 1ULL)]);
    }
    for (const std::uint32_t giver : order) {
      if (wealth[giver] > 0) {
        --wealth[giver];
        ++wealth[cpsim::to_index(rng(), n)];
      }
    }
    benchmark::DoNotOptimize(wealth.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}

struct ModelUnderTest {
  std::unique_ptr<cpsim::Simulation> simulation;
};

ModelUnderTest build(const char* scenario, std::int64_t agents) {
  const cpsim::ModelRegistry registry = cpsim::app::make_registry();
  const std::vector<cpsim::Override> overrides{{"parameters.agents", std::to_string(agents)}};
  const auto s = cpsim::load_scenario(std::string(CPSIM_SOURCE_DIR) + "/scenarios/" + scenario,
                                      overrides, registry);
  ModelUnderTest m{std::make_unique<cpsim::Simulation>(s.seed, s.steps)};
  m.simulation->build(registry.find(s.model)->create(), s.parameters);
  return m;
}

/// Times the model's own phases for one step (metrics excluded), on
/// state.range(1) threads.
void run_phases(benchmark::State& state, const char* scenario) {
  const std::int64_t n = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism,
                                          static_cast<std::size_t>(threads));
  auto model = build(scenario, n);
  oneapi::tbb::task_arena arena(threads);
  cpsim::StepContext context{0, model.simulation->seed()};
  arena.execute([&] {
    // One untimed step first: it touches every scratch page.
    ++context.step;
    for (const auto& phase : model.simulation->phases()) phase.body(context, 0, 0);
    for (auto _ : state) {
      ++context.step;
      for (const auto& phase : model.simulation->phases()) phase.body(context, 0, 0);
    }
  });
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["threads"] = threads;
}

void BM_EngineMesaStep(benchmark::State& state) { run_phases(state, "boltzmann.yaml"); }
void BM_EngineRandomPairStep(benchmark::State& state) {
  run_phases(state, "boltzmann-random-pair.yaml");
}
void BM_EngineSynchronousStep(benchmark::State& state) {
  run_phases(state, "boltzmann-synchronous.yaml");
}
void BM_EngineKineticExchangeStep(benchmark::State& state) {
  run_phases(state, "kinetic-exchange.yaml");
}

/// The per-step metrics (a parallel sort of all wealth values dominates).
void BM_GiniAndShares(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism,
                                          static_cast<std::size_t>(threads));
  std::vector<double> values(n);
  const cpsim::RandomStream stream(1, "bench");
  for (std::size_t i = 0; i < n; ++i) values[i] = stream.uniform(i, 0);
  oneapi::tbb::task_arena arena(threads);
  cpsim::Distribution d;  // reused, as the models' metrics reuse theirs
  arena.execute([&] {
    for (auto _ : state) {
      d.assign(values);
      benchmark::DoNotOptimize(d.gini() + d.top_share(0.1));
    }
  });
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

const std::vector<std::int64_t> sizes{10'000, 100'000, 1'000'000};

/// The fastest repetition: on a shared machine, interference only ever adds
/// time, so with --benchmark_repetitions the minimum is the steadiest estimate.
double fastest(const std::vector<double>& times) {
  return *std::min_element(times.begin(), times.end());
}

}  // namespace

BENCHMARK(BM_ReferenceMesaLoop)
    ->ArgsProduct({sizes})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest);
BENCHMARK(BM_EngineMesaStep)
    ->ArgsProduct({sizes, {1}})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest);
BENCHMARK(BM_EngineRandomPairStep)
    ->ArgsProduct({sizes, {1}})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest);
BENCHMARK(BM_EngineSynchronousStep)
    ->ArgsProduct({sizes, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest)
    ->UseRealTime();
BENCHMARK(BM_EngineKineticExchangeStep)
    ->ArgsProduct({sizes, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest)
    ->UseRealTime();
BENCHMARK(BM_GiniAndShares)
    ->ArgsProduct({sizes, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest)
    ->UseRealTime();

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("cpsim_version", std::string(cpsim::version()));
  benchmark::AddCustomContext("git_commit", std::string(cpsim::git_commit()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

namespace {
/// Evaluating the keyed permutation at every position (the pairing cost).
void BM_KeyedPermutation(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const cpsim::RandomStream stream(1, "perm");
  std::uint64_t step = 0;
  for (auto _ : state) {
    const cpsim::KeyedPermutation p(n, stream, ++step);
    std::uint64_t acc = 0;
    for (std::uint64_t i = 0; i < n; ++i) acc += p(i);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
}  // namespace
BENCHMARK(BM_KeyedPermutation)
    ->ArgsProduct({sizes})
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("min", fastest);
