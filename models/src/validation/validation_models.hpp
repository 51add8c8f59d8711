#pragma once
#include "cpsim/engine/model.hpp"

namespace cpsim::models {
ModelInfo boltzmann_model_info();
ModelInfo kinetic_exchange_model_info();
ModelInfo harris_todaro_model_info();
ModelInfo ishigami_model_info();
}  // namespace cpsim::models
