#pragma once
// Error categories, one exception type each (as FLAME GPU and LAMMPS do), so
// the command line maps each to its documented exit code.
#include <stdexcept>
#include <string>

namespace cpsim {

/// Bad user input: scenario files, overrides, command-line values.
/// what() is one line: "file:line:col: key.path: what was expected, found".
/// Exit code 2.
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reading or writing a file failed (missing, unreadable, disk full).
/// Exit code 3.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The simulation reached an invalid state (NaN metric, money overflow,
/// broken accounting identity). Exit code 4.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cpsim
