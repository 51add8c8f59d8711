#include "registry.hpp"

#include "cpsim/models/register.hpp"

namespace cpsim::app {

ModelRegistry make_registry() {
  ModelRegistry registry;
  models::register_all_models(registry);
  return registry;
}

}  // namespace cpsim::app
