#pragma once
// The parts of a study that vary parameters within a scenario: the
// `sensitivity:` design (its points become the study's variants) and
// `parameter_uncertainty:` (a draw per replicate). Private to the engine's
// study loading (study.cpp).
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/study.hpp"
#include "cpsim/engine/yaml_document.hpp"

namespace cpsim::study_designs {

/// Reads the study's `sensitivity:` and `parameter_uncertainty:` blocks
/// (after its variants are loaded and checked), replacing the one scenario
/// by the design's points. Throws ScenarioError at the offending key.
void read(Study& study, const yaml::Node& root, const std::filesystem::path& folder,
          const ModelRegistry& models);

/// The blocks as the resolved study states them.
void emit(YAML::Emitter& out, const Study& study);

/// The scenario a sensitivity design varies, as the resolved study lists it
/// (its own overrides, without a point's).
void emit_design_scenario(YAML::Emitter& out, const Study& study);

}  // namespace cpsim::study_designs
