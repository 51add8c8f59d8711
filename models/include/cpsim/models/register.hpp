#pragma once
// Entry points the application calls to make models available by name.
namespace cpsim {
class ModelRegistry;
namespace models {

/// Boltzmann wealth (Mesa sweep, random pairs, synchronous) and kinetic
/// exchange (saving propensity, yard sale): models with known answers that
/// validate the engine.
void register_validation_models(ModelRegistry& registry);

/// Every model shipped with cpsim.
void register_all_models(ModelRegistry& registry);

}  // namespace models
}  // namespace cpsim
