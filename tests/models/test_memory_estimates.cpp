// Every shipped model declares its memory estimate, and the district
// economy's follows its population (measured peaks: docs/performance.md).
#include <gtest/gtest.h>

#include <string>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/scenario.hpp"
#include "registry.hpp"

namespace cpsim {
namespace {

TEST(MemoryEstimates, EveryShippedModelDeclaresOne) {
  const ModelRegistry registry = app::make_registry();
  ASSERT_FALSE(registry.models().empty());
  for (const ModelInfo& model : registry.models()) {
    EXPECT_TRUE(static_cast<bool>(model.estimate_memory)) << model.name;
  }
}

std::uint64_t economy_bytes(std::int64_t residents) {
  const ModelRegistry registry = app::make_registry();
  const Override size{"parameters.population.residents", std::to_string(residents)};
  const Scenario scenario = load_scenario(
      std::string(CPSIM_SOURCE_DIR) + "/scenarios/xihu-small.yaml", std::span(&size, 1), registry);
  const MemoryEstimate estimate =
      registry.find("district_economy")->estimate_memory(scenario.parameters);
  EXPECT_EQ(estimate.parameter, "population.residents");
  return estimate.bytes;
}

TEST(MemoryEstimates, TheDistrictEconomyFollowsItsPopulation) {
  // Peak resident set of 13 steps without output: 103 MB at 435,680
  // residents, 236 MB at 1,089,200 (2 threads). The estimate must not be
  // below (a run that does not fit would start) nor far above (a run that
  // fits would be refused).
  const double at_1_1 = static_cast<double>(economy_bytes(1'089'200));
  EXPECT_GT(at_1_1, 236e6);
  EXPECT_LT(at_1_1, 1.5 * 236e6);
  const double at_2_5 = static_cast<double>(economy_bytes(435'680));
  EXPECT_GT(at_2_5, 103e6);
  EXPECT_LT(at_2_5, 1.5 * 103e6);
  // In proportion to residents beyond a fixed part.
  const double per_resident = (at_1_1 - at_2_5) / (1'089'200.0 - 435'680.0);
  EXPECT_GT(per_resident, 150.0);
  EXPECT_LT(per_resident, 400.0);
  // Two billion residents (in range) is hundreds of GB.
  EXPECT_GT(economy_bytes(2'000'000'000), std::uint64_t{100} << 30U);
}

}  // namespace
}  // namespace cpsim
