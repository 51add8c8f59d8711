#pragma once
// What the libFuzzer targets share: the real models, and the rule that every
// rejection is one ScenarioError line.
#include <stdexcept>
#include <string>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "registry.hpp"

namespace cpsim::fuzz {

/// Inputs longer than this are skipped (16 KiB): the readers' limits are
/// tested by the corpora and the integration tests; mutations of the
/// corpora need no more, and long inputs only slow every execution down.
/// The scripts pass the same value as -max_len.
inline constexpr std::size_t kMaxInputBytes = 16384;

inline const ModelRegistry& registry() {
  static const ModelRegistry models = app::make_registry();
  return models;
}

/// A crash (for libFuzzer) unless the error is one line.
inline void expect_one_line(const ScenarioError& error) {
  const std::string message = error.what();
  if (message.find('\n') != std::string::npos) {
    throw std::logic_error("multi-line error: " + message);
  }
}

}  // namespace cpsim::fuzz
