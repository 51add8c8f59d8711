// Golden trajectories: each case of tests/golden/cases.yaml is run with the
// real cpsim and its metrics at the kept steps are compared with
// tests/golden/trajectories.yaml (integers exactly, reals to the file's
// relative tolerance). Any silent drift of a model fails here; an intended
// change regenerates the file (scripts/regenerate-golden.py) in the same
// commit. docs/testing.md, "Golden trajectories".
#include <gtest/gtest.h>
#include <hdf5.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace {

using cpsim::testing::run_cpsim;
using cpsim::testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;
const std::string golden_dir = source_dir + "/tests/golden";

/// One metric read from a run: every value of every step, row-major, as
/// integers or reals depending on the dataset's type.
struct Metric {
  bool integer = false;
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
  std::size_t per_step = 1;  ///< values per step (product of the non-step dimensions)
};

Metric read_metric(hid_t file, const std::string& name) {
  Metric metric;
  const hid_t dataset = H5Dopen2(file, ("metrics/" + name).c_str(), H5P_DEFAULT);
  if (dataset < 0) return metric;
  const hid_t type = H5Dget_type(dataset);
  const hid_t space = H5Dget_space(dataset);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::size_t count = 1;
  for (const hsize_t d : dims) count *= d;
  metric.per_step = dims.empty() || dims[0] == 0 ? 1 : count / dims[0];
  const H5T_class_t type_class = H5Tget_class(type);
  metric.integer = type_class == H5T_INTEGER;
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) {
    // Labels (strings) are not metrics.
  } else if (metric.integer) {
    metric.integers.resize(count);
    H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, metric.integers.data());
  } else {
    metric.reals.resize(count);
    H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, metric.reals.data());
  }
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(dataset);
  return metric;
}

/// A kept value at one step: a scalar, or a (nested) list flattened row-major.
void flatten(const YAML::Node& node, std::vector<YAML::Node>& out) {
  if (node.IsSequence()) {
    for (const auto& item : node) flatten(item, out);
  } else {
    out.push_back(node);
  }
}

/// Index of `step` in the run's step coordinate.
std::size_t row_of(const std::vector<std::int64_t>& steps, std::int64_t step) {
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (steps[k] == step) return k;
  }
  return steps.size();
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : YAML::LoadFile(golden_dir + "/cases.yaml")) {
    names.push_back(entry.first.as<std::string>());
  }
  return names;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, MetricsMatchTheKeptTrajectory) {
  const std::string name = GetParam();
  const YAML::Node spec = YAML::LoadFile(golden_dir + "/cases.yaml")[name];
  const YAML::Node golden = YAML::LoadFile(golden_dir + "/trajectories.yaml");
  const YAML::Node kept = golden["cases"][name];
  ASSERT_TRUE(kept) << name << " is in cases.yaml but not in trajectories.yaml: run "
                    << "scripts/regenerate-golden.py";
  const double relative = golden["tolerance"]["real_relative"].as<double>();

  const TempDir dir;
  const std::string out = dir.file(name + ".h5");
  std::string command = "run " + source_dir + "/" + spec["scenario"].as<std::string>() +
                        " --quiet --threads 2 -o " + out;
  for (const auto& argument : spec["arguments"]) command += " " + argument.as<std::string>();
  const auto result = run_cpsim(command);
  ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.output;

  const hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const std::vector<std::int64_t> steps = read_metric(file, "step").integers;
  const auto kept_steps = kept["steps"].as<std::vector<std::int64_t>>();

  std::ostringstream differences;
  int shown = 0;
  const auto differ = [&](const std::string& what) {
    if (++shown <= 20) differences << "  " << what << "\n";
  };
  for (const auto& entry : kept["metrics"]) {
    const std::string metric_name = entry.first.as<std::string>();
    const Metric metric = read_metric(file, metric_name);
    if (metric.integers.empty() && metric.reals.empty()) {
      differ(metric_name + ": kept, but the run has no such metric");
      continue;
    }
    for (std::size_t s = 0; s < kept_steps.size(); ++s) {
      const std::size_t row = row_of(steps, kept_steps[s]);
      if (row == steps.size()) {
        differ(metric_name + ": the run has no step " + std::to_string(kept_steps[s]));
        break;
      }
      std::vector<YAML::Node> values;
      flatten(entry.second[s], values);
      if (values.size() != metric.per_step) {
        differ(metric_name + ": " + std::to_string(metric.per_step) + " values a step, kept " +
               std::to_string(values.size()));
        break;
      }
      for (std::size_t k = 0; k < values.size(); ++k) {
        const std::size_t at = row * metric.per_step + k;
        const std::string where =
            metric_name + (metric.per_step > 1 ? "[" + std::to_string(k) + "]" : std::string()) +
            " at step " + std::to_string(kept_steps[s]);
        if (metric.integer) {
          const auto want = values[k].as<std::int64_t>();
          if (metric.integers[at] != want) {
            differ(where + ": kept " + std::to_string(want) + ", got " +
                   std::to_string(metric.integers[at]));
          }
        } else {
          const auto want = values[k].as<double>();
          const double got = metric.reals[at];
          const bool same = (std::isnan(want) && std::isnan(got)) ||
                            std::fabs(got - want) <= relative * std::fabs(want) || got == want;
          if (!same) {
            std::ostringstream text;
            text.precision(17);
            text << where << ": kept " << want << ", got " << got;
            differ(text.str());
          }
        }
      }
    }
  }
  // A metric the run writes but the file does not keep: the file is stale.
  const hid_t metrics = H5Gopen2(file, "metrics", H5P_DEFAULT);
  hsize_t count = 0;
  H5Gget_num_objs(metrics, &count);
  for (hsize_t i = 0; i < count; ++i) {
    const ssize_t length = H5Gget_objname_by_idx(metrics, i, nullptr, 0);
    std::string object(static_cast<std::size_t>(length), '\0');
    H5Gget_objname_by_idx(metrics, i, object.data(), static_cast<std::size_t>(length) + 1);
    const Metric metric = read_metric(file, object);
    const std::size_t values = metric.integer ? metric.integers.size() : metric.reals.size();
    const bool per_step = !steps.empty() && values == steps.size() * metric.per_step;
    const hid_t dataset = H5Dopen2(metrics, object.c_str(), H5P_DEFAULT);
    const bool is_scale = H5Aexists(dataset, "CLASS") > 0;
    H5Dclose(dataset);
    if (per_step && !is_scale && values > 0 && !kept["metrics"][object]) {
      differ(object + ": written by the run, not kept");
    }
  }
  H5Gclose(metrics);
  H5Fclose(file);
  EXPECT_EQ(shown, 0) << name << ": " << shown << " difference(s) from tests/golden/"
                      << "trajectories.yaml (first 20):\n"
                      << differences.str()
                      << "If the change is intended, run scripts/regenerate-golden.py and say "
                      << "why the model moved in the commit message.";
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string id = info.param;
                           for (char& c : id) {
                             if (c == '-') c = '_';
                           }
                           return id;
                         });

}  // namespace
