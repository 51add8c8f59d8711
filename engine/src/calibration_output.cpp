// Writing the calibration file: one group /calibration with dimension scales
// `parameter`, `parameter_j`, `moment`, `seed` and `evaluation`, so that
// xarray opens each group as a dataset (docs/calibration.md).
#include "cpsim/engine/calibration_output.hpp"

#include <charconv>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/input_files.hpp"
#include "cpsim/engine/study.hpp"  // replicate_seed
#include "detail/hdf5_io.hpp"

namespace cpsim {
namespace {

using detail::attach;
using detail::create_dataset;
using detail::FileContext;
using detail::H5Type;
using detail::Hid;
using detail::write_scalar_attribute;
using detail::write_string_attribute;

constexpr std::string_view kFormat = "cpsim-calibration";
constexpr std::int32_t kFormatVersion = 1;

class CalibrationWriter {
 public:
  CalibrationWriter(const FileContext& context, const Calibration& calibration,
                    const CalibrationResult& result)
      : context_(context), calibration_(calibration), result_(result) {
    for (const CalibrationParameter& p : calibration.parameters) parameter_names_.push_back(p.path);
    for (const CalibrationMoment& m : calibration.moments) moment_names_.push_back(m.name);
  }

  [[nodiscard]] std::uintmax_t data_bytes() const {
    const std::size_t n = parameter_names_.size();
    const std::size_t m = moment_names_.size();
    return 8 * (n * n + m * n + result_.samples.values.size() + result_.trace_parameters.size() +
                2 * result_.trace_objective.size() + 16 * (n + m)) +
           calibration_.resolved_yaml.size() + 64 * (n + m + result_.trace_phase.size());
  }

  void write(hid_t root, const StudyRunInfo& info) {
    write_root_attributes(root, info);
    const std::string where = "/calibration";
    Hid group = detail::create_group(context_, root, "calibration", where);
    write_calibration_attributes(group.get(), where);
    Hid parameter =
        detail::write_string_dimension(context_, group.get(), where, "parameter", parameter_names_);
    Hid parameter_j = detail::write_string_dimension(context_, group.get(), where, "parameter_j",
                                                     parameter_names_);
    Hid moment =
        detail::write_string_dimension(context_, group.get(), where, "moment", moment_names_);
    write_matrix(group.get(), where, "covariance", result_.covariance, parameter.get(),
                 parameter_j.get(), "covariance of the estimate, (1 + 1/S) (G' W G)^-1", "");
    write_matrix(group.get(), where, "sensitivity", result_.sensitivity, moment.get(),
                 parameter.get(), "d moment / d parameter at the estimate (central differences)",
                 "");
    write_parameters(group.get(), where);
    write_moments(group.get(), where);
    write_trace(group.get(), where);
  }

 private:
  void write_root_attributes(hid_t root, const StudyRunInfo& info) {
    const std::string where = "/";
    detail::write_provenance(context_, root, kFormat, kFormatVersion, info.command_line);
    write_string_attribute(context_, root, where, "calibration_name", calibration_.name);
    write_string_attribute(context_, root, where, "calibration_file", calibration_.file.string());
    write_scalar_attribute<std::int32_t>(context_, root, where, "threads", info.threads);
    write_scalar_attribute<std::int32_t>(context_, root, where, "jobs", info.jobs);
    write_scalar_attribute<std::int32_t>(context_, root, where, "ranks", info.ranks);
    write_scalar_attribute<double>(context_, root, where, "wall_seconds", info.wall_seconds);
    write_scalar_attribute<std::int8_t>(context_, root, where, "complete", 1);
    write_string_attribute(context_, root, where, "calibration_yaml", calibration_.resolved_yaml);
    // Every file read so far: the calibration file, the scenario and its
    // parents, their tables. Nothing else is read before the file is written.
    std::string files;
    for (const std::string& file : input_files::recorded()) files += file + "\n";
    write_string_attribute(context_, root, where, "input_files", files);
  }

  void write_calibration_attributes(hid_t group, const std::string& where) {
    const CalibrationMethod& method = calibration_.method;
    const std::string method_text =
        method.local.empty() ? method.algorithm : method.algorithm + " then " + method.local;
    write_string_attribute(context_, group, where, "scenario", calibration_.scenario_file);
    write_string_attribute(context_, group, where, "model", calibration_.model);
    write_string_attribute(context_, group, where, "method", method_text);
    write_scalar_attribute<double>(context_, group, where, "objective", result_.objective);
    write_scalar_attribute<std::int64_t>(context_, group, where, "evaluations",
                                         result_.evaluations);
    write_scalar_attribute<std::int64_t>(context_, group, where, "sensitivity_evaluations",
                                         result_.sensitivity_evaluations);
    write_scalar_attribute<std::int64_t>(context_, group, where, "seeds", calibration_.seed_count);
    write_scalar_attribute<std::uint64_t>(context_, group, where, "seed", calibration_.seed);
    write_scalar_attribute<std::int8_t>(context_, group, where, "converged",
                                        result_.converged ? 1 : 0);
    write_string_attribute(context_, group, where, "stop_reason", result_.stop_reason);
    write_scalar_attribute<double>(context_, group, where, "confidence", calibration_.confidence);
    write_scalar_attribute<double>(context_, group, where, "sensitivity_step",
                                   calibration_.sensitivity_step);
    write_scalar_attribute<double>(context_, group, where, "scale", calibration_.scale);
    write_scalar_attribute<std::int64_t>(context_, group, where, "steps", calibration_.steps);
  }

  /// A 1-D float64 dataset on `scale`.
  void write_vector(hid_t group, const std::string& group_where, const std::string& name,
                    const std::vector<double>& values, hid_t scale, const std::string& long_name,
                    const std::string& units) {
    const std::string where = group_where + "/" + name;
    const auto n = static_cast<hsize_t>(values.size());
    Hid dataset = create_dataset(context_, group, name, where, H5Type<double>::file(), {n}, {n}, {},
                                 Compression{});
    detail::write_all(context_, dataset.get(), where, H5Type<double>::memory(), values.data(),
                      values.size());
    attach(context_, dataset.get(), scale, 0, where);
    detail::write_units(context_, dataset.get(), where, units, long_name);
  }

  /// A 2-D float64 dataset, row-major, on (`rows`, `columns`).
  void write_matrix(hid_t group, const std::string& group_where, const std::string& name,
                    const std::vector<double>& values, hid_t rows, hid_t columns,
                    const std::string& long_name, const std::string& units) {
    const std::string where = group_where + "/" + name;
    hsize_t shape[2] = {0, 0};
    Hid row_space = context_.own(H5Dget_space(rows), H5Sclose, "cannot read " + where);
    Hid column_space = context_.own(H5Dget_space(columns), H5Sclose, "cannot read " + where);
    H5Sget_simple_extent_dims(row_space.get(), &shape[0], nullptr);
    H5Sget_simple_extent_dims(column_space.get(), &shape[1], nullptr);
    Hid dataset = create_dataset(context_, group, name, where, H5Type<double>::file(),
                                 {shape[0], shape[1]}, {shape[0], shape[1]}, {}, Compression{});
    detail::write_all(context_, dataset.get(), where, H5Type<double>::memory(), values.data(),
                      values.size());
    attach(context_, dataset.get(), rows, 0, where);
    attach(context_, dataset.get(), columns, 1, where);
    detail::write_units(context_, dataset.get(), where, units, long_name);
  }

  void write_parameters(hid_t root_group, const std::string& parent) {
    const std::string where = parent + "/parameters";
    Hid group = detail::create_group(context_, root_group, "parameters", where);
    Hid name =
        detail::write_string_dimension(context_, group.get(), where, "name", parameter_names_);
    std::vector<double> lower, upper, start;
    for (const CalibrationParameter& p : calibration_.parameters) {
      lower.push_back(p.lower);
      upper.push_back(p.upper);
      start.push_back(p.start);
    }
    write_vector(group.get(), where, "estimate", result_.estimate, name.get(),
                 "estimate (the search's best point)", "");
    write_vector(group.get(), where, "lower", lower, name.get(), "lower bound", "");
    write_vector(group.get(), where, "upper", upper, name.get(), "upper bound", "");
    write_vector(group.get(), where, "start", start, name.get(), "start of the search", "");
    write_vector(group.get(), where, "standard_error", result_.standard_error, name.get(),
                 "standard error of the estimate (sqrt of the covariance's diagonal)", "");
    write_vector(group.get(), where, "sensitivity_step", result_.sensitivity_step, name.get(),
                 "x+ - x- of the central difference", "");
  }

  void write_moments(hid_t root_group, const std::string& parent) {
    const std::string where = parent + "/moments";
    Hid group = detail::create_group(context_, root_group, "moments", where);
    Hid name = detail::write_string_dimension(context_, group.get(), where, "name", moment_names_);
    std::vector<double> target, se, weight, mean, lower, upper;
    std::vector<std::string> source, metric, window, statistic;
    for (std::size_t k = 0; k < calibration_.moments.size(); ++k) {
      const CalibrationMoment& m = calibration_.moments[k];
      target.push_back(m.target);
      se.push_back(m.standard_error);
      weight.push_back(m.weight);
      mean.push_back(result_.fit[k].mean);
      lower.push_back(result_.fit[k].lower);
      upper.push_back(result_.fit[k].upper);
      source.push_back(m.source);
      metric.push_back(m.metric);
      window.push_back(m.window);
      statistic.push_back(m.statistic == MomentStatistic::Mean ? "mean" : "end");
    }
    const std::string level = detail::format_double(calibration_.confidence);
    write_vector(group.get(), where, "target", target, name.get(), "target value", "");
    write_vector(group.get(), where, "standard_error", se, name.get(),
                 "standard error of the target (1 / sqrt(weight))", "");
    write_vector(group.get(), where, "weight", weight, name.get(),
                 "weight in the objective (1 / se^2)", "");
    write_vector(group.get(), where, "simulated_mean", mean, name.get(),
                 "mean over seeds at the estimate", "");
    write_vector(group.get(), where, "simulated_lower", lower, name.get(),
                 "lower end of the Student-t interval of the mean over seeds, level " + level, "");
    write_vector(group.get(), where, "simulated_upper", upper, name.get(),
                 "upper end of the Student-t interval of the mean over seeds, level " + level, "");
    for (const auto& [column, values] :
         {std::pair{"source", &source}, std::pair{"metric", &metric}, std::pair{"window", &window},
          std::pair{"statistic", &statistic}}) {
      const std::string column_where = where + "/" + column;
      Hid dataset = detail::write_strings(context_, group.get(), column, column_where, *values);
      attach(context_, dataset.get(), name.get(), 0, column_where);
    }
    // Every seed's value at the estimate (for bootstraps).
    std::vector<std::uint64_t> seeds;
    for (std::size_t r = 0; r < result_.samples.seeds; ++r) {
      seeds.push_back(replicate_seed(calibration_.seed, r));
    }
    Hid seed = detail::write_scale<std::uint64_t>(context_, group.get(), "seed", where + "/seed",
                                                  seeds, Compression{}, false);
    write_matrix(group.get(), where, "simulated", result_.samples.values, name.get(), seed.get(),
                 "each seed's moment at the estimate", "");
  }

  void write_trace(hid_t root_group, const std::string& parent) {
    const std::string where = parent + "/trace";
    Hid group = detail::create_group(context_, root_group, "trace", where);
    std::vector<std::int64_t> numbers;
    for (std::size_t e = 0; e < result_.trace_objective.size(); ++e) {
      numbers.push_back(static_cast<std::int64_t>(e + 1));
    }
    Hid evaluation = detail::write_scale<std::int64_t>(
        context_, group.get(), "evaluation", where + "/evaluation", numbers, Compression{}, false);
    Hid parameter =
        detail::write_string_dimension(context_, group.get(), where, "parameter", parameter_names_);
    write_vector(group.get(), where, "objective", result_.trace_objective, evaluation.get(),
                 "objective at each evaluation of the search", "");
    write_matrix(group.get(), where, "parameters", result_.trace_parameters, evaluation.get(),
                 parameter.get(), "parameter values of each evaluation", "");
    const std::string phase_where = where + "/phase";
    Hid phase =
        detail::write_strings(context_, group.get(), "phase", phase_where, result_.trace_phase);
    attach(context_, phase.get(), evaluation.get(), 0, phase_where);
  }

  const FileContext& context_;
  const Calibration& calibration_;
  const CalibrationResult& result_;
  std::vector<std::string> parameter_names_;
  std::vector<std::string> moment_names_;
};

}  // namespace

void check_calibration_destination(const std::filesystem::path& path, bool overwrite) {
  detail::check_destination(path, overwrite);
}

void write_calibration_file(const std::filesystem::path& path, const Calibration& calibration,
                            const CalibrationResult& result, const StudyRunInfo& info,
                            bool overwrite) {
  detail::write_complete_file(
      path, overwrite,
      [&](const FileContext& context, hid_t file, const std::filesystem::path& partial) {
        CalibrationWriter writer(context, calibration, result);
        detail::ensure_room(context, file, partial, writer.data_bytes(), 64, 0,
                            "cannot write the calibration");
        writer.write(file, info);
      });
}

CalibrationEstimate read_calibration_estimate(const std::filesystem::path& path) {
  const detail::SilenceErrors silence;
  detail::check_input_file(path);
  input_files::record(path);
  const std::string name = path.string();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw OutputError(name + ": not a cpsim calibration file");
  }
  const FileContext context(name);
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  if (detail::attribute_text(file.get(), "format") != std::string(kFormat) ||
      !detail::has_link(file.get(), "calibration")) {
    throw OutputError(name + ": not a cpsim calibration file");
  }
  Hid group = context.own(H5Gopen2(file.get(), "calibration", H5P_DEFAULT), H5Gclose,
                          "cannot open /calibration");
  CalibrationEstimate result;
  result.model = detail::attribute_text(group.get(), "model").value_or("");
  result.scenario = detail::attribute_text(group.get(), "scenario").value_or("");
  const std::string seeds = detail::attribute_text(group.get(), "seeds").value_or("0");
  if (std::from_chars(seeds.data(), seeds.data() + seeds.size(), result.seeds).ec != std::errc()) {
    throw OutputError(name + ": /calibration@seeds is not a count");
  }
  result.converged = detail::attribute_text(group.get(), "converged").value_or("0") == "1";
  Hid parameters = context.own(H5Gopen2(group.get(), "parameters", H5P_DEFAULT), H5Gclose,
                               "cannot open /calibration/parameters");
  const std::string where = "/calibration/parameters";
  result.names = detail::read_strings(context, parameters.get(), "name", where + "/name");
  const std::size_t n = result.names.size();
  std::vector<hsize_t> dims;
  for (auto [column, values] :
       {std::pair{"estimate", &result.estimate}, std::pair{"lower", &result.lower},
        std::pair{"upper", &result.upper}, std::pair{"standard_error", &result.standard_error}}) {
    *values = detail::read_doubles(context, parameters.get(), column, where + "/" + column, dims);
    if (values->size() != n) {
      throw OutputError(name + ": " + where + "/" + column + " has " +
                        std::to_string(values->size()) + " values for " + std::to_string(n) +
                        " parameters");
    }
  }
  result.covariance =
      detail::read_doubles(context, group.get(), "covariance", "/calibration/covariance", dims);
  if (result.covariance.size() != n * n) {
    throw OutputError(name + ": /calibration/covariance is not " + std::to_string(n) + " x " +
                      std::to_string(n));
  }
  return result;
}

}  // namespace cpsim
