#pragma once
// The models cpsim ships, for the commands, the study runner, the tests and
// the benchmarks alike: app is the one layer that links models and engine.
#include "cpsim/engine/model.hpp"

namespace cpsim::app {

/// Every model cpsim ships, registered once per call (no global registry).
ModelRegistry make_registry();

}  // namespace cpsim::app
