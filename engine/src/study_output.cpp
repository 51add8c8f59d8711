#include "cpsim/engine/study_output.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <system_error>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/scenario.hpp"
#include "cpsim/engine/study.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"
#include "measure_grid_io.hpp"
#include "study_designs_io.hpp"

namespace cpsim {

// The shared HDF5 helpers (detail/hdf5_io.hpp) read as local vocabulary here.
using namespace detail;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::string_view kFormat = "cpsim-study";
constexpr std::int32_t kFormatVersion = 1;
/// The statistics of a contrast, one sub-group of /comparison each.
constexpr std::array<std::string_view, 6> kStatistics = {
    "mean_difference", "sd", "ci_low", "ci_high", "baseline_mean", "reform_mean"};

const std::vector<double>& statistic(const ContrastStatistics::PerMetric& m, std::size_t which) {
  const std::array<const std::vector<double>*, 6> arrays = {
      &m.mean_difference, &m.sd, &m.ci_low, &m.ci_high, &m.baseline_mean, &m.reform_mean};
  return *arrays.at(which);
}

std::string statistic_description(std::size_t which, const Study& study) {
  const std::string level = std::to_string(static_cast<int>(study.confidence * 100 + 0.5)) + "%";
  const std::array<std::string, 6> text = {
      "mean over replicates of reform - baseline",
      "sample standard deviation over replicates of reform - baseline",
      "lower end of the two-sided " + level + " Student-t interval of the mean difference",
      "upper end of the two-sided " + level + " Student-t interval of the mean difference",
      "mean over replicates of the baseline",
      "mean over replicates of the reform"};
  return text.at(which);
}

std::vector<std::int64_t> iota(std::size_t n) {
  std::vector<std::int64_t> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<std::int64_t>(i);
  return values;
}

/// Writes one study file; every helper throws OutputError naming the file.
class StudyFileWriter {
 public:
  StudyFileWriter(const FileContext& context, const Study& study, const StudyResults& results)
      : context_(context), study_(study), results_(results) {}

  void write(hid_t root, const StudyRunInfo& info) {
    write_attributes(root, info);
    write_metrics(root);
    write_scenarios(root);
    write_comparison(root);
    if (results_.households) {
      const PanelSpec& spec = *study_.households;
      GridAttributes attributes{
          "each contrast compared household by household at the end of each year (table '" +
              spec.table + "', income column '" + spec.income +
              "'), households matched by id; along `estimate`, the mean over replicate pairs, "
              "its two-sided Student-t interval and sd",
          {{"table", spec.table}, {"income", spec.income}},
          {{"confidence", study_.confidence}, {"relative_poverty", spec.relative_poverty}}};
      for (const auto& [line, value] : spec.poverty_lines) {
        attributes.numbers.emplace_back("poverty_line_" + line, value);
      }
      write_measure_grid(context_, root, "households", *results_.households, attributes);
    }
    if (results_.sensitivity) write_sensitivity(context_, root, study_, *results_.sensitivity);
    if (study_.parameter_draws) write_parameter_draws(context_, root, study_);
    if (results_.budget) {
      const BudgetSpec& spec = *study_.budget;
      write_measure_grid(
          context_, root, "budget", *results_.budget,
          {"each contrast's budget by simulated year at full scale (money per year times the "
           "scenario scale), reform - baseline; along `estimate`, the mean over replicate pairs, "
           "its interval and sd",
           {{"spending", spec.spending}, {"revenue", spec.revenue}},
           {{"confidence", study_.confidence},
            {"scale", study_.scale},
            {"discount_rate", spec.discount_rate}}});
    }
  }

  /// Bytes of data the file will hold, uncompressed (for the room check).
  [[nodiscard]] std::uintmax_t data_bytes() const {
    const auto& m = results_.metrics;
    std::uintmax_t bytes = results_.runs.size() * static_cast<std::uintmax_t>(results_.rows) *
                           (m.real_count() + m.integer_count()) * sizeof(double);
    bytes += results_.contrasts.size() * kStatistics.size() *
             static_cast<std::uintmax_t>(results_.rows) * (m.real_count() + m.integer_count()) *
             sizeof(double);
    bytes += study_.resolved_yaml.size();
    if (results_.households) bytes += measure_grid_bytes(*results_.households);
    if (results_.budget) bytes += measure_grid_bytes(*results_.budget);
    bytes += design_bytes(study_, results_);
    for (const auto& variant : study_.variants)
      bytes += variant.scenario.resolved_yaml.size() + 256;
    return bytes;
  }
  [[nodiscard]] std::size_t object_count() const {
    return 64 + 256 + results_.metrics.specs().size() * (1 + kStatistics.size()) +
           results_.metrics.dimensions().size() * 2 * (2 + kStatistics.size());
  }

 private:
  struct Axes {
    Hid leading;    ///< scenario or contrast
    Hid replicate;  ///< /metrics only
    Hid step;
    std::vector<Hid> dimensions;
  };

  void write_attributes(hid_t root, const StudyRunInfo& info) {
    const std::string where = "/";
    write_provenance(context_, root, kFormat, kFormatVersion, info.command_line);
    write_string_attribute(context_, root, where, "study_name", study_.name);
    write_string_attribute(context_, root, where, "study_file", study_.file.string());
    write_string_attribute(context_, root, where, "model", study_.variants.front().scenario.model);
    write_scalar_attribute<std::uint64_t>(context_, root, where, "seed", study_.seed);
    write_scalar_attribute<std::int64_t>(context_, root, where, "replicates", study_.replicates);
    write_scalar_attribute<std::int64_t>(context_, root, where, "steps", results_.rows - 1);
    write_scalar_attribute<std::int64_t>(context_, root, where, "steps_per_year",
                                         study_.steps_per_year);
    write_scalar_attribute<std::int64_t>(context_, root, where, "summary_window",
                                         study_.summary_window);
    write_scalar_attribute<double>(context_, root, where, "confidence", study_.confidence);
    write_scalar_attribute<double>(context_, root, where, "scale", study_.scale);
    write_scalar_attribute<std::int32_t>(context_, root, where, "threads",
                                         static_cast<std::int32_t>(info.threads));
    write_scalar_attribute<std::int32_t>(context_, root, where, "jobs",
                                         static_cast<std::int32_t>(info.jobs));
    write_scalar_attribute<std::int32_t>(context_, root, where, "ranks",
                                         static_cast<std::int32_t>(info.ranks));
    write_scalar_attribute<double>(context_, root, where, "wall_seconds", info.wall_seconds);
    // Only complete studies are written (a stopped study writes no file);
    // the attribute keeps the run files' contract for readers.
    write_scalar_attribute<std::int8_t>(context_, root, where, "complete", 1);
    write_string_attribute(context_, root, where, "study_yaml", study_.resolved_yaml);
  }

  Axes write_axes(hid_t group, const std::string& where, const std::string& leading,
                  const std::vector<std::string>& labels, bool with_replicates) {
    Axes axes;
    axes.leading = write_labelled_dimension(context_, group, where, leading, labels);
    if (with_replicates) {
      const auto replicates = static_cast<std::size_t>(study_.replicates);
      axes.replicate = write_scale<std::int64_t>(context_, group, "replicate", where + "/replicate",
                                                 iota(replicates), Compression{}, false);
      write_units(context_, axes.replicate.get(), where + "/replicate", "1", "replicate number");
      Hid seeds = create_dataset(context_, group, "seed", where + "/seed", H5T_STD_U64LE,
                                 {replicates}, {replicates}, {}, Compression{});
      write_all(context_, seeds.get(), where + "/seed", H5T_NATIVE_UINT64, results_.seeds.data(),
                results_.seeds.size());
      attach(context_, seeds.get(), axes.replicate.get(), 0, where + "/seed");
      write_units(context_, seeds.get(), where + "/seed", "1",
                  "random seed of the replicate (the same in every scenario)");
    }
    axes.step = write_scale<std::int64_t>(context_, group, "step", where + "/step",
                                          iota(static_cast<std::size_t>(results_.rows)),
                                          Compression{}, false);
    write_units(context_, axes.step.get(), where + "/step", "1",
                "simulation step (0 = initial state)");
    for (const Dimension& dimension : results_.metrics.dimensions()) {
      axes.dimensions.push_back(
          write_labelled_dimension(context_, group, where, dimension.name, dimension.labels));
    }
    return axes;
  }

  /// A dataset (leading[, replicate], step[, dims]) attached to `axes`.
  Hid create_on_axes(hid_t group, const std::string& where, const MetricSpec& spec,
                     const Axes& axes, hid_t file_type, bool chunked) {
    const bool per_replicate = axes.replicate.valid();  // /metrics, not /comparison
    const std::string leading_name = per_replicate ? "scenario" : "contrast";
    std::vector<hsize_t> dims = {per_replicate ? study_.variants.size() : study_.contrasts.size()};
    if (per_replicate) dims.push_back(static_cast<hsize_t>(study_.replicates));
    dims.push_back(static_cast<hsize_t>(results_.rows));
    std::string coordinates = leading_name + "_label";
    for (const std::size_t d : spec.dimensions) {
      const Dimension& dimension = results_.metrics.dimensions().at(d);
      dims.push_back(dimension.labels.size());
      if (coordinates.find(dimension.name + "_label") == std::string::npos) {
        coordinates += " " + dimension.name + "_label";
      }
    }
    std::vector<hsize_t> chunk;
    if (chunked && std::all_of(dims.begin(), dims.end(), [](hsize_t n) { return n > 0; })) {
      // One run's trajectory of the metric per chunk, at most ~1 MiB.
      chunk = dims;
      const std::size_t step_axis = per_replicate ? 2 : 1;
      for (std::size_t a = 0; a < step_axis; ++a) chunk[a] = 1;
      const auto per_step = static_cast<hsize_t>(std::max<std::size_t>(spec.size, 1));
      chunk[step_axis] = std::clamp<hsize_t>(kMetricChunkValues / per_step, 1, dims[step_axis]);
    }
    const Compression compression =
        chunk.empty() ? Compression{} : study_.variants.front().scenario.output.compression;
    Hid dataset = create_dataset(context_, group, spec.name, where, file_type, dims, dims, chunk,
                                 compression);
    unsigned axis = 0;
    attach(context_, dataset.get(), axes.leading.get(), axis++, where);
    if (per_replicate) attach(context_, dataset.get(), axes.replicate.get(), axis++, where);
    attach(context_, dataset.get(), axes.step.get(), axis++, where);
    for (const std::size_t d : spec.dimensions) {
      attach(context_, dataset.get(), axes.dimensions.at(d).get(), axis++, where);
    }
    write_string_attribute(context_, dataset.get(), where, "coordinates", coordinates);
    return dataset;
  }

  std::vector<std::string> variant_names() const {
    std::vector<std::string> names;
    for (const auto& variant : study_.variants) names.push_back(variant.name);
    return names;
  }
  std::vector<std::string> contrast_labels() const {
    std::vector<std::string> labels;
    for (const auto& contrast : study_.contrasts) labels.push_back(contrast.label);
    return labels;
  }

  /// Marks a metric undefined at step 0 or where a condition holds (NaN
  /// there, and in its contrasts).
  void write_undefined(hid_t dataset, const std::string& where, const MetricSpec& spec) {
    if (undefined_note(spec).empty()) return;
    write_string_attribute(context_, dataset, where, "undefined", undefined_note(spec));
  }

  void write_metrics(hid_t root) {
    Hid group = create_group(context_, root, "metrics", "/metrics");
    const Axes axes = write_axes(group.get(), "/metrics", "scenario", variant_names(), true);
    const MetricSet& metrics = results_.metrics;
    const auto rows = static_cast<std::size_t>(results_.rows);
    for (const MetricSpec& spec : metrics.specs()) {
      check_name(context_, "metric", spec.name);
      const std::string where = "/metrics/" + spec.name;
      const bool real = spec.type == MetricType::Real;
      Hid dataset = create_on_axes(group.get(), where, spec, axes,
                                   real ? H5T_IEEE_F64LE : H5T_STD_I64LE, true);
      write_units(context_, dataset.get(), where, spec.unit, spec.description);
      write_undefined(dataset.get(), where, spec);
      // Runs are variant-major like the dataset: copy each run's rows.
      const std::size_t width = real ? metrics.real_count() : metrics.integer_count();
      if (real) {
        std::vector<double> values;
        values.reserve(results_.runs.size() * rows * spec.size);
        for (const RunTrajectory& run : results_.runs) {
          for (std::size_t row = 0; row < rows; ++row) {
            const auto begin =
                run.reals.begin() + static_cast<std::ptrdiff_t>(row * width + spec.offset);
            values.insert(values.end(), begin, begin + static_cast<std::ptrdiff_t>(spec.size));
          }
        }
        write_all(context_, dataset.get(), where, H5T_NATIVE_DOUBLE, values.data(), values.size());
      } else {
        std::vector<std::int64_t> values;
        values.reserve(results_.runs.size() * rows * spec.size);
        for (const RunTrajectory& run : results_.runs) {
          for (std::size_t row = 0; row < rows; ++row) {
            const auto begin =
                run.integers.begin() + static_cast<std::ptrdiff_t>(row * width + spec.offset);
            values.insert(values.end(), begin, begin + static_cast<std::ptrdiff_t>(spec.size));
          }
        }
        write_all(context_, dataset.get(), where, H5T_NATIVE_INT64, values.data(), values.size());
      }
      context_.check(dataset.close(), "cannot close " + where);
    }
  }

  void write_scenarios(hid_t root) {
    Hid group = create_group(context_, root, "scenarios", "/scenarios");
    std::vector<std::string> base, files, overrides, yaml;
    for (const auto& variant : study_.variants) {
      base.push_back(variant.base_name);
      files.push_back(variant.scenario.file.string());
      std::string text;
      for (const Override& o : variant.overrides) {
        text += (text.empty() ? "" : "; ") + o.path + "=" + o.value;
      }
      overrides.push_back(text);
      yaml.push_back(variant.scenario.resolved_yaml);
    }
    Hid axis =
        write_labelled_dimension(context_, group.get(), "/scenarios", "scenario", variant_names());
    const std::array<std::pair<const char*, const std::vector<std::string>*>, 4> columns = {{
        {"base_name", &base},
        {"file", &files},
        {"overrides", &overrides},
        {"scenario_yaml", &yaml},
    }};
    const std::array<const char*, 4> descriptions = {
        "the `scenarios:` entry the variant comes from", "scenario file",
        "overrides applied to the file, in order (KEY=VALUE; ...)",
        "the resolved scenario (its seed is replaced by each replicate's)"};
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string where = std::string("/scenarios/") + columns[c].first;
      Hid dataset =
          write_strings(context_, group.get(), columns[c].first, where, *columns[c].second);
      attach(context_, dataset.get(), axis.get(), 0, where);
      write_string_attribute(context_, dataset.get(), where, "long_name", descriptions[c]);
      write_string_attribute(context_, dataset.get(), where, "coordinates", "scenario_label");
    }
  }

  void write_comparison(hid_t root) {
    Hid group = create_group(context_, root, "comparison", "/comparison");
    write_scalar_attribute<double>(context_, group.get(), "/comparison", "confidence",
                                   study_.confidence);
    Hid axis = write_labelled_dimension(context_, group.get(), "/comparison", "contrast",
                                        contrast_labels());
    std::vector<std::string> reform, baseline;
    std::vector<std::int64_t> n;
    for (std::size_t c = 0; c < study_.contrasts.size(); ++c) {
      reform.push_back(study_.variants[study_.contrasts[c].reform].name);
      baseline.push_back(study_.variants[study_.contrasts[c].baseline].name);
      n.push_back(results_.contrasts[c].n);
    }
    for (const auto& [name, values] :
         {std::pair{"reform", &reform}, std::pair{"baseline", &baseline}}) {
      const std::string where = std::string("/comparison/") + name;
      Hid dataset = write_strings(context_, group.get(), name, where, *values);
      attach(context_, dataset.get(), axis.get(), 0, where);
      write_string_attribute(context_, dataset.get(), where, "long_name",
                             std::string("the contrast's ") + name + " scenario");
    }
    {
      const std::string where = "/comparison/n";
      Hid dataset = create_dataset(context_, group.get(), "n", where, H5T_STD_I64LE, {n.size()},
                                   {n.size()}, {}, Compression{});
      write_all(context_, dataset.get(), where, H5T_NATIVE_INT64, n.data(), n.size());
      attach(context_, dataset.get(), axis.get(), 0, where);
      write_units(context_, dataset.get(), where, "1", "replicates paired in the contrast");
    }
    const auto& specs = results_.metrics.specs();
    for (std::size_t s = 0; s < kStatistics.size(); ++s) {
      const std::string name(kStatistics[s]);
      const std::string where = "/comparison/" + name;
      Hid sub = create_group(context_, group.get(), name, where);
      write_string_attribute(context_, sub.get(), where, "description",
                             statistic_description(s, study_));
      // Each sub-group carries its own coordinates so it opens alone in xarray.
      const Axes axes = write_axes(sub.get(), where, "contrast", contrast_labels(), false);
      for (std::size_t m = 0; m < specs.size(); ++m) {
        const std::string metric_where = where + "/" + specs[m].name;
        Hid dataset =
            create_on_axes(sub.get(), metric_where, specs[m], axes, H5T_IEEE_F64LE, false);
        write_units(context_, dataset.get(), metric_where, specs[m].unit,
                    statistic_description(s, study_) + ": " + specs[m].description);
        write_undefined(dataset.get(), metric_where, specs[m]);
        std::vector<double> values;
        for (const ContrastStatistics& contrast : results_.contrasts) {
          const auto& array = statistic(contrast.metrics[m], s);
          values.insert(values.end(), array.begin(), array.end());
        }
        write_all(context_, dataset.get(), metric_where, H5T_NATIVE_DOUBLE, values.data(),
                  values.size());
        context_.check(dataset.close(), "cannot close " + metric_where);
      }
    }
  }

  const FileContext& context_;
  const Study& study_;
  const StudyResults& results_;
};

}  // namespace

void write_study_file(const std::filesystem::path& path, const Study& study,
                      const StudyResults& results, const StudyRunInfo& info, bool overwrite) {
  const SilenceErrors silence;
  check_destination(path, overwrite);
  const std::filesystem::path partial = path.string() + ".partial";
  const FileContext context(partial.string());
  Hid file = create_file(context, partial);
  try {
    StudyFileWriter writer(context, study, results);
    ensure_room(context, file.get(), partial, writer.data_bytes(), writer.object_count(), 0,
                "cannot write the study");
    writer.write(file.get(), info);
    context.check(file.close(), "cannot close the file");
  } catch (...) {
    discard_partial(file, partial);
    throw;
  }
  publish(partial, path, overwrite);
}

bool is_study_file(const std::filesystem::path& path) { return has_format(path, kFormat); }

StudyFileSummary read_study_summary(const std::filesystem::path& path) {
  const SilenceErrors silence;
  if (!is_study_file(path)) throw OutputError(path.string() + ": not a cpsim study file");
  const FileContext context(path.string());
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  const hid_t root = file.get();
  StudyFileSummary summary;
  for (const auto& name : attribute_names(root)) {
    if (auto attribute = read_attribute(root, name.c_str())) {
      summary.attributes.push_back(std::move(*attribute));
    }
  }
  // A damaged or hostile file may hold anything there: never more than it
  // could (the study bounds), never an exception other than OutputError.
  const auto count = [&](const char* name, std::int64_t most) {
    const std::string text = attribute_text(root, name).value_or("0");
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > most) {
      throw OutputError(path.string() + ": attribute " + name + " is not a count from 0 to " +
                        std::to_string(most));
    }
    return value;
  };
  summary.replicates = count("replicates", kMaxReplicates);
  summary.steps = count("steps", kMaxSteps) + 1;
  Hid scenarios =
      context.own(H5Gopen2(root, "scenarios", H5P_DEFAULT), H5Gclose, "cannot open /scenarios");
  summary.scenarios = read_strings(context, scenarios.get(), "scenario_label", "/scenarios");
  Hid comparison =
      context.own(H5Gopen2(root, "comparison", H5P_DEFAULT), H5Gclose, "cannot open /comparison");
  summary.contrasts =
      read_strings(context, comparison.get(), "contrast_label", "/comparison/contrast_label");

  Hid metrics =
      context.own(H5Gopen2(root, "metrics", H5P_DEFAULT), H5Gclose, "cannot open /metrics");
  Hid step = context.own(H5Dopen2(metrics.get(), "step", H5P_DEFAULT), H5Dclose,
                         "cannot open /metrics/step");
  std::vector<std::string> scalars;
  for (const auto& name : link_names(context, metrics.get(), "/metrics")) {
    if (object_type(metrics.get(), name) != H5I_DATASET) continue;
    Hid dataset = context.own(H5Dopen2(metrics.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                              "cannot open /metrics/" + name);
    if (H5DSis_scale(dataset.get()) > 0) continue;
    const htri_t on_step = H5DSis_attached(dataset.get(), step.get(), 2);
    H5Eclear2(H5E_DEFAULT);
    if (on_step <= 0) continue;
    summary.metrics.push_back(name);
    const std::size_t rank = dataset_dims(context, dataset.get(), "/metrics/" + name).size();
    if (rank == 3 || rank == 4) scalars.push_back(name);  // scalars and 1-D arrays
  }

  // The final step of every contrast and scalar metric.
  std::array<Hid, kStatistics.size()> groups;
  for (std::size_t s = 0; s < kStatistics.size(); ++s) {
    const std::string name(kStatistics[s]);
    groups[s] = context.own(H5Gopen2(comparison.get(), name.c_str(), H5P_DEFAULT), H5Gclose,
                            "cannot open /comparison/" + name);
  }
  const auto rows = static_cast<std::size_t>(summary.steps);
  for (const std::string& metric : scalars) {
    std::array<std::vector<double>, kStatistics.size()> values;
    std::vector<hsize_t> dims;
    for (std::size_t s = 0; s < kStatistics.size(); ++s) {
      values[s] = read_doubles(context, groups[s].get(), metric,
                               "/comparison/" + std::string(kStatistics[s]) + "/" + metric, dims);
    }
    Hid dataset = context.own(H5Dopen2(metrics.get(), metric.c_str(), H5P_DEFAULT), H5Dclose,
                              "cannot open /metrics/" + metric);
    const std::string unit = attribute_text(dataset.get(), "units").value_or("");
    // A metric over one dimension (policy_spending by instance): one row per
    // element, up to 32 of them, named METRIC[LABEL].
    std::vector<std::string> labels = {metric};
    if (dims.size() == 3) {
      std::istringstream coordinates(attribute_text(dataset.get(), "coordinates").value_or(""));
      std::string label_name;
      coordinates >> label_name >> label_name;  // the second: the metric's own dimension
      const std::vector<std::string> names =
          read_strings(context, metrics.get(), label_name, "/metrics/" + label_name);
      if (names.size() != dims[2] || names.size() > 32) continue;
      labels.clear();
      for (const std::string& name : names) labels.push_back(metric + "[" + name + "]");
    }
    const std::size_t elements = labels.size();
    for (std::size_t c = 0; c < summary.contrasts.size() && rows > 0; ++c) {
      for (std::size_t e = 0; e < elements; ++e) {
        const std::size_t at = (c * rows + rows - 1) * elements + e;
        if (at >= values[0].size()) break;
        ContrastSummaryRow row;
        row.contrast = summary.contrasts[c];
        row.metric = labels[e];
        row.unit = unit;
        row.final_step = {summary.replicates, values[0][at], values[1][at], values[2][at],
                          values[3][at]};
        row.baseline_mean = values[4][at];
        row.reform_mean = values[5][at];
        summary.final_step.push_back(std::move(row));
      }
    }
  }
  return summary;
}

}  // namespace cpsim
