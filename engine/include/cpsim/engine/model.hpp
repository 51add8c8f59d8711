#pragma once
// The one seam between the engine and the models. The engine knows models
// only through this interface and the registry; the application registers
// the concrete models (register_*_models(ModelRegistry&)), so the engine
// library never links against any model.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/result_table.hpp"

namespace cpsim {

class Simulation;

class Model {
 public:
  virtual ~Model() = default;
  /// Creates tables and agents, adds phases to the schedule and declares
  /// metrics. Parameters are already validated against the schema.
  virtual void build(Simulation& simulation, const Parameters& parameters) = 0;
  /// Tables for the end of the run (e.g. a calibration table), printed by
  /// the command line and stored in the output file.
  [[nodiscard]] virtual std::vector<ResultTable> report(const Simulation& /*simulation*/) const {
    return {};
  }
};

struct ModelInfo {
  std::string name;
  std::string summary;  ///< one line for `cpsim models`
  ParamSchema schema;
  std::function<std::unique_ptr<Model>()> create;
};

class ModelRegistry {
 public:
  void add(ModelInfo info);
  [[nodiscard]] const ModelInfo* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] const std::vector<ModelInfo>& models() const noexcept { return models_; }

 private:
  std::vector<ModelInfo> models_;
};

}  // namespace cpsim
