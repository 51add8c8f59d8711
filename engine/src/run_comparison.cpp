#include "cpsim/engine/run_comparison.hpp"

#include <cstdio>
#include <sstream>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/metric_alignment.hpp"
#include "detail/hdf5_io.hpp"

namespace cpsim {

using namespace detail;  // NOLINT(google-build-using-namespace)

namespace {

Hid open_run(const FileContext& context, const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw OutputError(path.string() + ": cannot open (no such file)");
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw OutputError(path.string() + ": not a cpsim output file (not HDF5)");
  }
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  const auto format = attribute_text(file.get(), "format");
  if (format == std::string("cpsim-study")) {
    throw ScenarioError(path.string() +
                        ": a study file; compare two run files, or give the study file alone");
  }
  if (format != std::string("cpsim-run")) {
    throw OutputError(path.string() + ": not a cpsim output file");
  }
  return file;
}

RunPairInfo read_info(const FileContext& context, const std::filesystem::path& path) {
  Hid file = open_run(context, path);
  RunPairInfo info;
  info.model = attribute_text(file.get(), "model").value_or("");
  info.seed = std::stoull(attribute_text(file.get(), "seed").value_or("0"));
  info.scale = std::stod(attribute_text(file.get(), "scale").value_or("1"));
  info.steps = std::stoll(attribute_text(file.get(), "steps_completed").value_or("0"));
  info.steps_per_year = std::stoll(attribute_text(file.get(), "steps_per_year").value_or("0"));
  if (attribute_text(file.get(), "complete").value_or("0") == "0") {
    throw ScenarioError(path.string() + ": the run is incomplete (stopped early)");
  }
  return info;
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", x);
  return text;
}

std::string step_group(const std::string& table, std::int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step_%06lld", static_cast<long long>(step));
  return "snapshots/" + table + "/" + name;
}

template <class T>
std::vector<T> read_column(const FileContext& context, hid_t group, const std::string& where,
                           const std::string& column, std::string* unit) {
  if (!has_link(group, column.c_str())) {
    throw ScenarioError(context.path() + ": " + where + " has no column '" + column + "'");
  }
  Hid dataset = context.own(H5Dopen2(group, column.c_str(), H5P_DEFAULT), H5Dclose,
                            "cannot open " + where + "/" + column);
  const auto dims = dataset_dims(context, dataset.get(), where + "/" + column);
  std::vector<T> values(dims.empty() ? 0 : static_cast<std::size_t>(dims[0]));
  if (!values.empty()) {
    context.check(
        H5Dread(dataset.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "cannot read " + where + "/" + column);
  }
  if (unit != nullptr) *unit = attribute_text(dataset.get(), "units").value_or("");
  return values;
}

HouseholdPanel read_panel(const std::filesystem::path& path, std::int64_t step,
                          const PanelSpec& spec) {
  const FileContext context(path.string());
  Hid file = open_run(context, path);
  const std::string name = step_group(spec.table, step);
  if (!has_link(file.get(), "snapshots") ||
      H5Lexists(file.get(), ("snapshots/" + spec.table).c_str(), H5P_DEFAULT) <= 0 ||
      H5Lexists(file.get(), name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ScenarioError(path.string() + ": no household panel /" + name +
                        " (run with output.snapshot_every: the model's steps per year and "
                        "snapshot_tables: [" +
                        spec.table + "])");
  }
  const std::string where = "/" + name;
  Hid group = context.own(H5Gopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Gclose,
                          "cannot open " + where);
  PanelColumns columns;
  columns.id = read_column<std::uint64_t>(context, group.get(), where, "agent", nullptr);
  columns.income =
      read_column<double>(context, group.get(), where, spec.income, &columns.income_unit);
  for (const auto& p : spec.persons) {
    columns.persons.push_back(read_column<double>(context, group.get(), where, p.second, nullptr));
  }
  for (const auto& g : spec.groups) {
    columns.groups.push_back(
        read_column<std::uint64_t>(context, group.get(), where, g.column, nullptr));
  }
  return make_panel(std::move(columns), spec);
}

/// The named metrics of a run file as a MetricSet and one trajectory
/// (reals; integers read as reals). A metric the file lacks is left out.
std::pair<MetricSet, RunTrajectory> read_metrics(const std::filesystem::path& path,
                                                 const std::vector<std::string>& names,
                                                 std::int64_t rows) {
  const FileContext context(path.string());
  Hid file = open_run(context, path);
  Hid metrics =
      context.own(H5Gopen2(file.get(), "metrics", H5P_DEFAULT), H5Gclose, "cannot open /metrics");
  MetricSet set;
  std::vector<std::vector<double>> values;
  for (const std::string& name : names) {
    if (name.empty() || !has_link(metrics.get(), name.c_str())) continue;
    const std::string where = "/metrics/" + name;
    std::vector<hsize_t> dims;
    values.push_back(read_doubles(context, metrics.get(), name, where, dims));
    Hid dataset = context.own(H5Dopen2(metrics.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                              "cannot open " + where);
    const std::string coordinates = attribute_text(dataset.get(), "coordinates").value_or("");
    std::vector<std::size_t> metric_dims;
    std::istringstream labels(coordinates);
    for (std::string label; labels >> label;) {
      const std::string dim = label.substr(0, label.size() - std::string("_label").size());
      std::size_t index = set.dimensions().size();
      for (std::size_t d = 0; d < set.dimensions().size(); ++d) {
        if (set.dimensions()[d].name == dim) index = d;
      }
      if (index == set.dimensions().size()) {
        index = set.add_dimension(dim,
                                  read_strings(context, metrics.get(), label, "/metrics/" + label));
      }
      metric_dims.push_back(index);
    }
    set.add_real(name, attribute_text(dataset.get(), "units").value_or(""),
                 attribute_text(dataset.get(), "long_name").value_or(""), metric_dims);
  }
  RunTrajectory run;
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::size_t m = 0; m < values.size(); ++m) {
      const std::size_t size = set.specs()[m].size;
      const auto begin =
          values[m].begin() + static_cast<std::ptrdiff_t>(row) * static_cast<std::ptrdiff_t>(size);
      run.reals.insert(run.reals.end(), begin, begin + static_cast<std::ptrdiff_t>(size));
    }
  }
  return {std::move(set), std::move(run)};
}

MeasureGrid pair_grid(const std::filesystem::path& baseline, const std::filesystem::path& reform,
                      const std::vector<std::int64_t>& years, std::int64_t steps_per_year) {
  MeasureGrid grid;
  grid.contrasts = {reform.filename().string() + " - " + baseline.filename().string()};
  grid.years = years;
  for (const std::int64_t y : years) grid.year_steps.push_back(y * steps_per_year);
  return grid;
}

}  // namespace

RunPairInfo check_run_pair(const std::filesystem::path& baseline,
                           const std::filesystem::path& reform) {
  const SilenceErrors silence;
  const RunPairInfo base = read_info(FileContext(baseline.string()), baseline);
  const RunPairInfo other = read_info(FileContext(reform.string()), reform);
  const auto differ = [&](const std::string& what, const std::string& a, const std::string& b,
                          const std::string& why) {
    throw ScenarioError(reform.string() + ": " + what + " " + b + " differs from " +
                        baseline.string() + "'s " + a + " (" + why + ")");
  };
  if (base.model != other.model) {
    differ("model", base.model, other.model, "a comparison needs one model");
  }
  if (base.seed != other.seed) {
    differ("seed", std::to_string(base.seed), std::to_string(other.seed),
           "households match only under common random numbers: run both with the same seed");
  }
  if (base.scale != other.scale) {
    differ("scale", number(base.scale), number(other.scale),
           "the runs must stand for the same population");
  }
  if (base.steps != other.steps) {
    differ("length", std::to_string(base.steps) + " steps", std::to_string(other.steps) + " steps",
           "run both for the same steps");
  }
  return base;
}

RunPairComparison compare_run_files(const std::filesystem::path& baseline,
                                    const std::filesystem::path& reform, const RunPairInfo& info,
                                    const ComparisonSpec& spec) {
  const SilenceErrors silence;
  RunPairComparison out;
  if (spec.households) {
    MeasureGrid grid = pair_grid(baseline, reform, spec.households->years, info.steps_per_year);
    for (const std::int64_t year : spec.households->years) {
      const std::int64_t step = year * info.steps_per_year;
      const std::vector<MeasureSet> pair = {
          compare_households(read_panel(baseline, step, *spec.households),
                             read_panel(reform, step, *spec.households), *spec.households)};
      grid.cells.push_back(summarise_measures(pair, 0.95));
    }
    out.households = std::move(grid);
  }
  if (spec.budget) {
    const std::vector<std::string> names = {spec.budget->spending, spec.budget->revenue};
    auto [base_set, base_run] = read_metrics(baseline, names, info.steps + 1);
    auto [reform_set, reform_run] = read_metrics(reform, names, info.steps + 1);
    const std::vector<const MetricSet*> sets = {&base_set, &reform_set};
    MetricSet all;
    try {
      all = union_metrics(sets);
      check_budget_spec(*spec.budget, all);
    } catch (const std::invalid_argument& e) {
      throw ScenarioError(reform.string() + ": " + e.what());
    }
    const auto align = [&](const MetricSet& from, const RunTrajectory& run) {
      const MetricRemap remap(from, all);
      RunTrajectory aligned;
      const std::size_t width = from.real_count();
      for (std::int64_t row = 0; row <= info.steps; ++row) {
        const std::span<const double> reals(
            run.reals.data() + static_cast<std::size_t>(row) * width, width);
        remap.apply(reals, {}, row == 0, aligned.reals, aligned.integers);
      }
      return aligned;
    };
    const std::vector<MeasureSet> years =
        compare_budget(*spec.budget, all, info.steps + 1, align(reform_set, reform_run),
                       align(base_set, base_run), info.steps_per_year, info.scale);
    std::vector<std::int64_t> year_numbers;
    for (std::size_t y = 0; y < years.size(); ++y) {
      year_numbers.push_back(static_cast<std::int64_t>(y + 1));
    }
    MeasureGrid grid = pair_grid(baseline, reform, year_numbers, info.steps_per_year);
    for (const MeasureSet& year : years) {
      grid.cells.push_back(summarise_measures(std::span<const MeasureSet>(&year, 1), 0.95));
    }
    out.budget = std::move(grid);
  }
  return out;
}

}  // namespace cpsim
