#include "cpsim/models/register.hpp"

#include "cpsim/engine/model.hpp"
#include "cpsim/models/economy.hpp"
#include "validation/validation_models.hpp"

namespace cpsim::models {

void register_validation_models(ModelRegistry& registry) {
  registry.add(boltzmann_model_info());
  registry.add(kinetic_exchange_model_info());
  registry.add(harris_todaro_model_info());
  registry.add(ishigami_model_info());
}

void register_all_models(ModelRegistry& registry) {
  register_validation_models(registry);
  register_economy_models(registry);
}

}  // namespace cpsim::models
