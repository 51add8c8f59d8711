#pragma once
// The district economy model ("district_economy"): households, firms, village
// collectives, the district government and the rest of the world on a monthly
// schedule, money in integer fen. Documented in docs/economy-model.md.
namespace cpsim {
class ModelRegistry;
namespace models {

void register_economy_models(ModelRegistry& registry);

}  // namespace models
}  // namespace cpsim
