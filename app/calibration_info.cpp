#include "calibration_info.hpp"

#include <cmath>
#include <exception>
#include <ostream>

#include "console.hpp"
#include "cpsim/engine/calibration.hpp"
#include "cpsim/engine/calibration_output.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/result_table.hpp"
#include "cpsim/engine/yaml_document.hpp"
#include "registry.hpp"

namespace cpsim::app {

bool is_calibration_yaml(const std::filesystem::path& file) {
  try {
    const std::optional<yaml::Node> root = yaml::read_document(file, "file");
    return root && root->is_map() && root->find("moments") != nullptr &&
           root->find("parameters") != nullptr && root->find("model") == nullptr;
  } catch (const std::exception&) {
    return false;  // the scenario reader reports what is wrong with it
  }
}

void validate_calibration(const std::filesystem::path& file, std::ostream& out, bool quiet) {
  const ModelRegistry registry = make_registry();
  const Calibration calibration = load_calibration(file, registry);
  if (quiet) return;
  const auto n = static_cast<std::int64_t>(calibration.parameters.size());
  const CalibrationMethod& method = calibration.method;
  const std::int64_t search =
      method.max_evaluations + (method.local.empty() ? 0 : method.local_max_evaluations);
  out << "# " << file.string() << ": valid calibration of model " << calibration.model << " ("
      << calibration.scenario_file << ")\n"
      << "# " << n << " parameters, " << calibration.moments.size() << " moments, "
      << calibration.seed_count << " seeds per evaluation, " << calibration.steps
      << " steps a run\n"
      << "# at most " << search << " evaluations of the search + " << 2 * n
      << " for the sensitivity = " << (search + 2 * n) * calibration.seed_count << " runs\n";
}

bool is_calibration_file(const std::filesystem::path& file) {
  try {
    (void)read_calibration_estimate(file);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void print_calibration_info(std::ostream& out, const std::filesystem::path& file) {
  const CalibrationEstimate estimate = read_calibration_estimate(file);
  out << file.string() << ": cpsim calibration of model " << estimate.model << " ("
      << estimate.scenario << "), " << estimate.seeds << " seeds per evaluation, "
      << (estimate.converged ? "converged" : "not converged") << "\n\n";
  const std::size_t n = estimate.names.size();
  ResultTable table{"parameters", "estimate, standard error and correlations", {}};
  table.columns = {{"parameter", "", estimate.names},
                   {"estimate", "", estimate.estimate},
                   {"standard error", "", estimate.standard_error},
                   {"lower", "", estimate.lower},
                   {"upper", "", estimate.upper}};
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<double> correlation;
    for (std::size_t i = 0; i < n; ++i) {
      correlation.push_back(
          estimate.covariance[i * n + j] /
          std::sqrt(estimate.covariance[i * n + i] * estimate.covariance[j * n + j]));
    }
    table.columns.push_back({"corr " + std::to_string(j + 1), "", correlation});
  }
  print_table(out, table);
}

}  // namespace cpsim::app
