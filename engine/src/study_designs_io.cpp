#include "study_designs_io.hpp"

#include "detail/hdf5_io.hpp"

namespace cpsim::detail {
namespace {

/// A float64 dataset over the given dimension scales, with its units,
/// description and the names of its dimensions.
void write_array(const FileContext& context, hid_t group, const std::string& group_where,
                 const std::string& name, const std::vector<std::pair<hid_t, hsize_t>>& axes,
                 const std::string& dimension_names, const std::vector<double>& values,
                 const std::string& unit, const std::string& description) {
  const std::string where = group_where + "/" + name;
  std::vector<hsize_t> dims;
  for (const auto& axis : axes) dims.push_back(axis.second);
  Hid dataset =
      create_dataset(context, group, name, where, H5T_IEEE_F64LE, dims, dims, {}, Compression{});
  write_all(context, dataset.get(), where, H5T_NATIVE_DOUBLE, values.data(), values.size());
  for (unsigned axis = 0; axis < axes.size(); ++axis) {
    attach(context, dataset.get(), axes[axis].first, axis, where);
  }
  write_units(context, dataset.get(), where, unit, description);
  write_string_attribute(context, dataset.get(), where, "dimension_names", dimension_names);
  context.check(dataset.close(), "cannot close " + where);
}

std::vector<std::string> paths(const std::vector<ScenarioParameter>& parameters) {
  std::vector<std::string> names;
  for (const ScenarioParameter& p : parameters) names.push_back(p.path);
  return names;
}

}  // namespace

void write_sensitivity(const FileContext& context, hid_t root, const Study& study,
                       const SensitivityResults& results) {
  const SensitivityDesign& design = *study.sensitivity;
  const bool sobol = design.method == SensitivityMethod::Sobol;
  const std::string where = "/sensitivity";
  Hid group = create_group(context, root, "sensitivity", where);
  write_string_attribute(
      context, group.get(), where, "description",
      sobol ? "Sobol indices of each outcome (Saltelli sampling on a Sobol sequence; first order "
              "by Saltelli et al. 2010, total by Jansen), with bootstrap percentile intervals"
            : "Morris elementary effects of each outcome (mu*, mu, sigma over the trajectories), "
              "with bootstrap percentile intervals");
  write_string_attribute(context, group.get(), where, "method", sobol ? "sobol" : "morris");
  write_scalar_attribute<std::int64_t>(context, group.get(), where,
                                       sobol ? "samples" : "trajectories",
                                       sobol ? design.samples : design.trajectories);
  if (!sobol) {
    write_scalar_attribute<std::int64_t>(context, group.get(), where, "levels", design.levels);
  }
  write_scalar_attribute<std::int64_t>(context, group.get(), where, "bootstrap", design.bootstrap);
  write_scalar_attribute<double>(context, group.get(), where, "confidence", study.confidence);
  write_scalar_attribute<std::int64_t>(context, group.get(), where, "replicates", study.replicates);

  const std::size_t k = design.parameters.size();
  const std::size_t outcomes = design.outcomes.size();
  std::vector<std::string> outcome_labels;
  for (const SensitivityOutcome& o : design.outcomes) outcome_labels.push_back(o.label);
  Hid parameter =
      write_string_dimension(context, group.get(), where, "parameter", paths(design.parameters));
  Hid outcome = write_string_dimension(context, group.get(), where, "outcome", outcome_labels);
  std::vector<std::int64_t> points(design.point_count());
  for (std::size_t i = 0; i < points.size(); ++i) points[i] = static_cast<std::int64_t>(i);
  Hid point =
      write_scale<std::int64_t>(context, group.get(), "point", where + "/point",
                                std::span<const std::int64_t>(points), Compression{}, false);
  write_units(context, point.get(), where + "/point", "1",
              "design point (the study's scenario of the same index)");

  std::vector<double> low, high;
  for (const ScenarioParameter& p : design.parameters) {
    low.push_back(p.lower);
    high.push_back(p.upper);
  }
  write_array(context, group.get(), where, "range_low", {{parameter.get(), k}}, "parameter", low,
              "", "lower end of the range the design samples");
  write_array(context, group.get(), where, "range_high", {{parameter.get(), k}}, "parameter", high,
              "", "upper end of the range the design samples");
  write_array(context, group.get(), where, "sample",
              {{point.get(), points.size()}, {parameter.get(), k}}, "point parameter",
              design.points, "",
              "each design point's parameter values (integer parameters rounded when run)");
  write_array(context, group.get(), where, "response",
              {{point.get(), points.size()}, {outcome.get(), outcomes}}, "point outcome",
              results.responses, "", "each design point's outcome, mean over replicates");
  for (const SensitivityIndex& index : results.indices) {
    const std::vector<std::pair<hid_t, hsize_t>> axes = {{parameter.get(), k},
                                                         {outcome.get(), outcomes}};
    write_array(context, group.get(), where, index.name, axes, "parameter outcome", index.estimate,
                index.unit, index.description);
    write_array(context, group.get(), where, index.name + "_lower", axes, "parameter outcome",
                index.lower, index.unit, "lower end of the bootstrap interval of " + index.name);
    write_array(context, group.get(), where, index.name + "_upper", axes, "parameter outcome",
                index.upper, index.unit, "upper end of the bootstrap interval of " + index.name);
  }
}

void write_parameter_draws(const FileContext& context, hid_t root, const Study& study) {
  const ParameterDraws& draws = *study.parameter_draws;
  const std::string where = "/parameter_draws";
  Hid group = create_group(context, root, "parameter_draws", where);
  write_string_attribute(context, group.get(), where, "description",
                         "the parameter values replicate r of every scenario ran with: draw r "
                         "from a multivariate normal with the calibration's estimate and "
                         "covariance, clipped to its bounds");
  write_string_attribute(context, group.get(), where, "calibration", draws.calibration.string());
  write_string_attribute(context, group.get(), where, "draws", "multivariate_normal");
  write_scalar_attribute<std::int64_t>(context, group.get(), where, "clipped", draws.clipped);
  const std::size_t n = draws.parameters.size();
  const auto replicates = static_cast<std::size_t>(study.replicates);
  std::vector<std::int64_t> indices(replicates);
  for (std::size_t r = 0; r < replicates; ++r) indices[r] = static_cast<std::int64_t>(r);
  Hid replicate =
      write_scale<std::int64_t>(context, group.get(), "replicate", where + "/replicate",
                                std::span<const std::int64_t>(indices), Compression{}, false);
  write_units(context, replicate.get(), where + "/replicate", "1", "replicate");
  Hid parameter =
      write_string_dimension(context, group.get(), where, "parameter", paths(draws.parameters));
  std::vector<double> low, high;
  for (const ScenarioParameter& p : draws.parameters) {
    low.push_back(p.lower);
    high.push_back(p.upper);
  }
  write_array(context, group.get(), where, "value",
              {{replicate.get(), replicates}, {parameter.get(), n}}, "replicate parameter",
              draws.values, "", "the parameter's value in replicate r");
  write_array(context, group.get(), where, "estimate", {{parameter.get(), n}}, "parameter",
              draws.estimate, "", "the calibration's estimate");
  write_array(context, group.get(), where, "lower", {{parameter.get(), n}}, "parameter", low, "",
              "the bound draws are clipped to (the calibration's, within the model's range)");
  write_array(context, group.get(), where, "upper", {{parameter.get(), n}}, "parameter", high, "",
              "the bound draws are clipped to (the calibration's, within the model's range)");
}

std::uintmax_t design_bytes(const Study& study, const StudyResults& results) {
  std::uintmax_t bytes = 0;
  if (study.sensitivity && results.sensitivity) {
    bytes += 8192 + study.sensitivity->points.size() * sizeof(double) +
             results.sensitivity->responses.size() * sizeof(double);
    for (const SensitivityIndex& index : results.sensitivity->indices) {
      bytes += 3 * index.estimate.size() * sizeof(double);
    }
  }
  if (study.parameter_draws) bytes += 8192 + study.parameter_draws->values.size() * sizeof(double);
  return bytes;
}

}  // namespace cpsim::detail
