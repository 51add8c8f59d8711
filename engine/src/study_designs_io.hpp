#pragma once
// Writing a study's /sensitivity and /parameter_draws groups (layout in
// docs/studies.md). Private to the engine.
#include <cstdint>

#include "cpsim/engine/study.hpp"
#include "cpsim/engine/study_results.hpp"
#include "detail/hdf5.hpp"

namespace cpsim::detail {

void write_sensitivity(const FileContext& context, hid_t root, const Study& study,
                       const SensitivityResults& results);
void write_parameter_draws(const FileContext& context, hid_t root, const Study& study);

/// Bytes of data the two groups hold.
std::uintmax_t design_bytes(const Study& study, const StudyResults& results);

}  // namespace cpsim::detail
