#pragma once
// Scenario files: YAML that names a model, its sizes, steps, seed and
// parameters. Loading resolves `extends:` chains and `--set` overrides, then
// validates every key strictly against the model's schema before anything is
// allocated or any output is opened.
//
// Layout of a scenario file (all keys but `model` optional when extended):
//   extends: base.yaml          # path relative to this file
//   name: my-run                # default: the file's stem
//   description: one line
//   model: boltzmann            # a registered model
//   seed: 42                    # unsigned 64-bit
//   steps: 100                  # 1 .. kMaxSteps (10^8)
//   scale: 100                  # real units per agent (1:100 sample); default 1
//   output:
//     snapshot_every: 10        # steps between agent snapshots; 0 = none
//     snapshot_tables: [agents] # default: all tables
//     compression: 4            # level 0..9 (0: none)
//     codec: deflate            # or lz4 (compression.hpp)
//   parameters: {...}           # the model's schema
//   start_date: 2021-01         # optional calendar month of step 1 (YYYY-MM)
//   policies:                   # instances of the model's policy modules
//     rural_pension:            # instance name; the module unless `type:` says
//       type: rural_pension     # optional
//       start: 2022-01          # first active step (or a YYYY-MM month); default 1
//       end: 60                 # last active step, inclusive; default: the last step
//       enabled: true           # default true
//       monthly_amount: 600     # the module's own schema
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "cpsim/engine/compression.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/yaml_document.hpp"  // did_you_mean

namespace cpsim {

class ModelRegistry;

/// Most steps a scenario may ask for (10^8): far beyond any calendar the
/// models mean (the district economy steps by months), and a bound on the
/// rows of metrics one run writes.
inline constexpr std::int64_t kMaxSteps = 100'000'000;

struct OutputOptions {
  std::int64_t snapshot_every = 0;
  std::vector<std::string> snapshot_tables;    ///< empty: every table
  Compression compression{4, Codec::Deflate};  ///< `compression` (level) and `codec`
};

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  std::string model;
  std::uint64_t seed = 0;
  std::int64_t steps = 0;
  std::string start_date;  ///< "YYYY-MM" of step 1, or "" when not given
  /// Real units each simulated agent stands for (1: full size; 100 for a
  /// 1:100 sample). The run does not use it; comparisons multiply budgets by
  /// it to state them at full scale.
  double scale = 1;
  OutputOptions output;
  Parameters parameters;  ///< with the policy instances (Parameters::policies)
  /// The fully resolved scenario (extends merged, overrides applied, defaults
  /// filled in) as YAML text: running it reproduces the run.
  std::string resolved_yaml;
};

/// One `--set key.path=value`; the value is parsed as YAML.
struct Override {
  std::string path;
  std::string value;
};

/// Parses "key.path=value"; throws ScenarioError naming the argument.
Override parse_override(std::string_view argument);

/// Loads, resolves and validates a scenario. Throws ScenarioError with one
/// line "file:line:col: key.path: message" on any problem.
Scenario load_scenario(const std::filesystem::path& file, std::span<const Override> overrides,
                       const ModelRegistry& models);

/// load_scenario as if `file` held `text` (the files it extends are read
/// from disk, relative to it); for text already in memory (fuzz targets).
Scenario load_scenario_text(std::string_view text, const std::filesystem::path& file,
                            std::span<const Override> overrides, const ModelRegistry& models);

}  // namespace cpsim
