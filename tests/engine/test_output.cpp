// The HDF5 output layer: values round-trip exactly, the layout is the one in
// docs/output-format.md (every axis has a dimension scale), and a file only
// appears under its final name once it is complete.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/metrics.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/result_table.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------ read-back helpers

/// Owns an HDF5 id in the tests (closed with the given function).
struct Id {
  hid_t id;
  herr_t (*closer)(hid_t);
  Id(hid_t value, herr_t (*close_function)(hid_t)) : id(value), closer(close_function) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id >= 0) closer(id);
  }
  operator hid_t() const { return id; }  // NOLINT(google-explicit-constructor)
};

Id open_file(const fs::path& path) {
  return Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
}

Id open_dataset(hid_t file, const std::string& path) {
  return Id(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
}

std::vector<hsize_t> dims_of(hid_t file, const std::string& path) {
  Id dataset = open_dataset(file, path);
  EXPECT_GE(dataset.id, 0) << path;
  Id space(H5Dget_space(dataset), H5Sclose);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

template <class T>
hid_t memory_type();
template <>
hid_t memory_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
hid_t memory_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
hid_t memory_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
hid_t memory_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t memory_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
hid_t memory_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t memory_type<double>() {
  return H5T_NATIVE_DOUBLE;
}

template <class T>
std::vector<T> read_values(hid_t file, const std::string& path) {
  std::size_t count = 1;
  for (const hsize_t d : dims_of(file, path)) count *= static_cast<std::size_t>(d);
  std::vector<T> values(count);
  Id dataset = open_dataset(file, path);
  if (count > 0) {
    EXPECT_GE(H5Dread(dataset, memory_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0)
        << path;
  }
  return values;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path) {
  Id dataset = open_dataset(file, path);
  Id space(H5Dget_space(dataset), H5Sclose);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<char*> pointers(count, nullptr);
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  if (count > 0) {
    EXPECT_GE(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), 0);
  }
  std::vector<std::string> values(pointers.begin(), pointers.end());
  if (count > 0) H5Dvlen_reclaim(type, space, H5P_DEFAULT, pointers.data());
  return values;
}

/// The attribute NAME of the object at PATH, as a string (vlen UTF-8).
std::string string_attribute(hid_t file, const std::string& path, const char* name) {
  Id object(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  Id attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (attribute.id < 0) return "<missing>";
  Id file_type(H5Aget_type(attribute), H5Tclose);
  EXPECT_EQ(H5Tget_class(file_type), H5T_STRING) << path << "@" << name;
  EXPECT_GT(H5Tis_variable_str(file_type), 0) << path << "@" << name;
  EXPECT_EQ(H5Tget_cset(file_type), H5T_CSET_UTF8) << path << "@" << name;
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* text = nullptr;
  EXPECT_GE(H5Aread(attribute, type, &text), 0);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

template <class T>
T numeric_attribute(hid_t file, const std::string& path, const char* name) {
  Id object(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  Id attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  EXPECT_GE(attribute.id, 0) << path << "@" << name;
  T value{};
  EXPECT_GE(H5Aread(attribute, memory_type<T>(), &value), 0);
  return value;
}

/// The stored element type: class (integer/float), size in bytes, signedness.
struct StoredType {
  H5T_class_t type_class;
  std::size_t size;
  bool is_signed;
};
StoredType stored_type(hid_t file, const std::string& path) {
  Id dataset = open_dataset(file, path);
  Id type(H5Dget_type(dataset), H5Tclose);
  const H5T_class_t type_class = H5Tget_class(type);
  return {type_class, H5Tget_size(type),
          type_class != H5T_INTEGER || H5Tget_sign(type) == H5T_SGN_2};
}

std::vector<std::string> children(hid_t file, const std::string& path) {
  Id group(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose);
  H5G_info_t info{};
  H5Gget_info(group, &info);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    std::string name(256, '\0');
    const ssize_t length = H5Lget_name_by_idx(group, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i,
                                              name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(length));
    names.push_back(name);
  }
  return names;
}

/// Every dataset below PATH that is not itself a dimension scale has a
/// dimension scale on each axis (what xarray's h5netcdf engine requires).
void expect_every_axis_has_a_scale(hid_t file, const std::string& path, int& datasets_seen) {
  for (const auto& name : children(file, path)) {
    const std::string child = (path == "/" ? "" : path) + "/" + name;
    Id object(H5Oopen(file, child.c_str(), H5P_DEFAULT), H5Oclose);
    if (H5Iget_type(object) == H5I_GROUP) {
      expect_every_axis_has_a_scale(file, child, datasets_seen);
      continue;
    }
    ++datasets_seen;
    if (H5DSis_scale(object) > 0) continue;
    Id space(H5Dget_space(object), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    for (int axis = 0; axis < rank; ++axis) {
      EXPECT_GE(H5DSget_num_scales(object, static_cast<unsigned>(axis)), 1)
          << child << " axis " << axis << " has no dimension scale";
    }
  }
}

/// Name of the dimension scale attached to AXIS of the dataset at PATH.
std::string scale_name(hid_t file, const std::string& path, unsigned axis) {
  Id dataset = open_dataset(file, path);
  struct Found {
    std::string name;
  } found;
  auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
    std::string name(256, '\0');
    const ssize_t length = H5DSget_scale_name(scale, name.data(), name.size());
    name.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
    static_cast<Found*>(data)->name = name;
    return 1;
  };
  H5DSiterate_scales(dataset, axis, nullptr, visit, &found);
  return found.name;
}

// -------------------------------------------------------------------- fixture

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("cpsim-output-" + std::string(info->name()) + "-" +
                                        std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    provenance_.model = "test_model";
    provenance_.scenario_name = "round trip";
    provenance_.scenario_file = "scenarios/test.yaml";
    provenance_.scenario_yaml = "model: test_model\nsteps: 150\n";
    provenance_.seed = 18446744073709551557ULL;  // above INT64_MAX: must stay uint64
    provenance_.steps = 150;
    provenance_.threads = 4;
    provenance_.command_line = "cpsim run scenarios/test.yaml -o out.h5";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  [[nodiscard]] fs::path file(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
  Provenance provenance_;
};

/// A metric set with scalar and dimensioned metrics of both types.
struct TestMetrics {
  MetricSet set;
  Metric<double> gdp;
  Metric<std::int64_t> money;
  Metric<double> flows;          // over (flow, sector)
  Metric<std::int64_t> workers;  // over (sector)
  TestMetrics() {
    const std::size_t sector = set.add_dimension("sector", {"agriculture", "industry", "services"});
    const std::size_t flow = set.add_dimension("flow", {"wages", "taxes"});
    gdp = set.add_real("gdp", "RMB", "gross domestic product");
    money = set.add_integer("money", "fen", "money stock, all accounts");
    flows = set.add_real("flows", "RMB/step", "payments by kind and sector", {flow, sector});
    workers = set.add_integer("workers", "persons", "employment by sector", {sector});
  }
  [[nodiscard]] MetricRow row(std::int64_t step) const {
    MetricRow row(set);
    const auto s = static_cast<double>(step);
    row.set(gdp, 1000.0 + 0.1 * s);
    row.set(money, 9'000'000'000'000'000 + step);  // exact beyond double precision
    for (std::size_t f = 0; f < 2; ++f) {
      for (std::size_t k = 0; k < 3; ++k) {
        row.set(flows, f * 3 + k, s + 10.0 * static_cast<double>(f) + 0.5 * static_cast<double>(k));
      }
    }
    for (std::size_t k = 0; k < 3; ++k)
      row.set(workers, k, step * 100 + static_cast<std::int64_t>(k));
    return row;
  }
};

/// Writes STEPS+1 metric rows (steps 0..STEPS) and finishes.
void write_metrics_file(const fs::path& path, const Provenance& provenance,
                        const TestMetrics& metrics, std::int64_t steps, bool overwrite = false) {
  RunWriter writer(path, provenance, metrics.set, {4}, overwrite);
  for (std::int64_t step = 0; step <= steps; ++step) writer.append_metrics(step, metrics.row(step));
  writer.finish(true, steps, 1.25);
}

// ---------------------------------------------------------------------- tests

TEST_F(OutputTest, MetricsRoundTripExactly) {
  const TestMetrics metrics;
  const fs::path path = file("out.h5");
  const std::int64_t steps = 149;  // 150 rows: more than two in-memory flushes
  write_metrics_file(path, provenance_, metrics, steps);

  Id h5 = open_file(path);
  ASSERT_GE(h5.id, 0);
  const auto step = read_values<std::int64_t>(h5, "/metrics/step");
  ASSERT_EQ(step.size(), 150U);
  for (std::size_t i = 0; i < step.size(); ++i) EXPECT_EQ(step[i], static_cast<std::int64_t>(i));

  const auto gdp = read_values<double>(h5, "/metrics/gdp");
  const auto money = read_values<std::int64_t>(h5, "/metrics/money");
  const auto flows = read_values<double>(h5, "/metrics/flows");
  const auto workers = read_values<std::int64_t>(h5, "/metrics/workers");
  EXPECT_EQ(dims_of(h5, "/metrics/gdp"), (std::vector<hsize_t>{150}));
  EXPECT_EQ(dims_of(h5, "/metrics/flows"), (std::vector<hsize_t>{150, 2, 3}));
  EXPECT_EQ(dims_of(h5, "/metrics/workers"), (std::vector<hsize_t>{150, 3}));
  for (std::int64_t s = 0; s <= steps; ++s) {
    const auto i = static_cast<std::size_t>(s);
    const MetricRow expected = metrics.row(s);
    EXPECT_EQ(gdp[i], expected.get(metrics.gdp));  // bit-identical
    EXPECT_EQ(money[i], expected.get(metrics.money));
    for (std::size_t v = 0; v < 6; ++v) EXPECT_EQ(flows[i * 6 + v], expected.get(metrics.flows, v));
    for (std::size_t v = 0; v < 3; ++v) {
      EXPECT_EQ(workers[i * 3 + v], expected.get(metrics.workers, v));
    }
  }

  // Types: real metrics float64, integer metrics int64.
  EXPECT_EQ(stored_type(h5, "/metrics/gdp").type_class, H5T_FLOAT);
  EXPECT_EQ(stored_type(h5, "/metrics/gdp").size, 8U);
  EXPECT_EQ(stored_type(h5, "/metrics/money").type_class, H5T_INTEGER);
  EXPECT_EQ(stored_type(h5, "/metrics/money").size, 8U);

  // Units, descriptions, coordinates.
  EXPECT_EQ(string_attribute(h5, "/metrics/gdp", "units"), "RMB");
  EXPECT_EQ(string_attribute(h5, "/metrics/gdp", "long_name"), "gross domestic product");
  EXPECT_EQ(string_attribute(h5, "/metrics/flows", "units"), "RMB/step");
  EXPECT_EQ(string_attribute(h5, "/metrics/flows", "coordinates"), "flow_label sector_label");
  // The dimension scale holds the labels (xarray indexes by them); `_label` repeats them.
  EXPECT_EQ(read_strings(h5, "/metrics/sector"),
            (std::vector<std::string>{"agriculture", "industry", "services"}));
  EXPECT_EQ(read_strings(h5, "/metrics/sector_label"),
            (std::vector<std::string>{"agriculture", "industry", "services"}));
  EXPECT_EQ(read_strings(h5, "/metrics/flow_label"), (std::vector<std::string>{"wages", "taxes"}));

  // Dimension scales: step on axis 0, then the metric's own dimensions.
  EXPECT_EQ(scale_name(h5, "/metrics/gdp", 0), "step");
  EXPECT_EQ(scale_name(h5, "/metrics/flows", 0), "step");
  EXPECT_EQ(scale_name(h5, "/metrics/flows", 1), "flow");
  EXPECT_EQ(scale_name(h5, "/metrics/flows", 2), "sector");
  EXPECT_EQ(scale_name(h5, "/metrics/sector_label", 0), "sector");
  int datasets = 0;
  expect_every_axis_has_a_scale(h5, "/", datasets);
  EXPECT_EQ(datasets, 9);  // step, 2 x (dim, labels), 4 metrics

  // Extendible along step, chunked.
  Id gdp_dataset = open_dataset(h5, "/metrics/gdp");
  Id space(H5Dget_space(gdp_dataset), H5Sclose);
  hsize_t current = 0;
  hsize_t maximum = 0;
  H5Sget_simple_extent_dims(space, &current, &maximum);
  EXPECT_EQ(maximum, H5S_UNLIMITED);
  Id properties(H5Dget_create_plist(gdp_dataset), H5Pclose);
  EXPECT_EQ(H5Pget_layout(properties), H5D_CHUNKED);
}

TEST_F(OutputTest, RowsBufferedInMemoryAreWrittenAtFinish) {
  const TestMetrics metrics;
  const fs::path path = file("short.h5");
  {
    RunWriter writer(path, provenance_, metrics.set, {0}, false);
    for (std::int64_t step = 0; step < 5; ++step) writer.append_metrics(step, metrics.row(step));
    writer.finish(false, 4, 0.5);  // e.g. stopped by Ctrl-C
  }
  Id h5 = open_file(path);
  EXPECT_EQ(read_values<std::int64_t>(h5, "/metrics/step"),
            (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(numeric_attribute<std::int8_t>(h5, "/", "complete"), 0);
  EXPECT_EQ(numeric_attribute<std::int64_t>(h5, "/", "steps_completed"), 4);
}

TEST_F(OutputTest, BackgroundWritesKeepWhatEachCallSaw) {
  // The writer thread writes later what a call handed it: a snapshot is the
  // table as it was at the call (the run goes on changing it), and rows
  // over several 256-row blocks, interleaved with snapshots, all arrive in
  // order.
  const TestMetrics metrics;
  AgentTable people("people");
  const auto wealth = people.add_column<std::int64_t>({"wealth", "fen", "wealth"});
  people.create(1000);
  const fs::path path = file("background.h5");
  constexpr std::int64_t steps = 700;
  {
    RunWriter writer(path, provenance_, metrics.set, {4}, false);
    for (std::int64_t step = 0; step <= steps; ++step) {
      for (auto& w : people[wealth]) w = step;
      writer.append_metrics(step, metrics.row(step));
      if (step % 100 == 0) writer.write_snapshot(step, people);
    }
    writer.finish(true, steps, 1.0);
  }
  Id h5 = open_file(path);
  const auto written = read_values<std::int64_t>(h5, "/metrics/step");
  ASSERT_EQ(written.size(), static_cast<std::size_t>(steps + 1));
  for (std::int64_t step = 0; step <= steps; ++step) {
    EXPECT_EQ(written[static_cast<std::size_t>(step)], step);
  }
  for (std::int64_t step = 0; step <= steps; step += 100) {
    const std::string group = "/snapshots/people/step_" +
                              std::string(6 - std::to_string(step).size(), '0') +
                              std::to_string(step);
    const auto values = read_values<std::int64_t>(h5, group + "/wealth");
    ASSERT_EQ(values.size(), 1000U) << group;
    EXPECT_EQ(values.front(), step) << group;
    EXPECT_EQ(values.back(), step) << group;
  }
}

/// The filters stored on a dataset, in pipeline order.
std::vector<H5Z_filter_t> filters_of(hid_t file, const std::string& where) {
  Id dataset(H5Dopen2(file, where.c_str(), H5P_DEFAULT), H5Dclose);
  Id properties(H5Dget_create_plist(dataset.id), H5Pclose);
  std::vector<H5Z_filter_t> filters;
  const int count = H5Pget_nfilters(properties.id);
  for (int i = 0; i < count; ++i) {
    unsigned flags = 0;
    std::size_t values = 0;
    unsigned config = 0;
    filters.push_back(H5Pget_filter2(properties.id, static_cast<unsigned>(i), &flags, &values,
                                     nullptr, 0, nullptr, &config));
  }
  return filters;
}

/// output.codec lz4 changes the filters and nothing that is read back:
/// every value of a panel and of the metrics is the one a deflated file
/// holds. (An optional codec: skipped where HDF5 cannot load the plugin,
/// which the CLI refuses with exit 3, tests/integration/test_interrupts.cpp.)
TEST_F(OutputTest, Lz4FilesHoldTheSameValuesAsDeflatedOnes) {
  if (H5Zfilter_avail(static_cast<H5Z_filter_t>(kLz4FilterId)) <= 0) {
    GTEST_SKIP() << "HDF5's LZ4 filter plugin (Debian: hdf5-filter-plugin) is not installed";
  }
  const TestMetrics metrics;
  AgentTable people("people");
  const auto wealth = people.add_column<std::int64_t>({"wealth", "fen", "wealth"});
  const auto share = people.add_column<float>({"share", "1", "a share"});
  people.create(150000);  // three chunks, the last one partial
  for (std::size_t i = 0; i < people.size(); ++i) {
    people[wealth][i] = static_cast<std::int64_t>(i * i % 1000003) - 500000;
    people[share][i] = static_cast<float>(i % 977) / 977.0F;
  }
  const auto write = [&](const fs::path& path, Compression compression) {
    RunWriter writer(path, provenance_, metrics.set, compression, false);
    for (std::int64_t step = 0; step <= 300; ++step) {
      writer.append_metrics(step, metrics.row(step));
      if (step % 100 == 0) writer.write_snapshot(step, people);
    }
    writer.finish(true, 300, 1.0);
  };
  write(file("deflate.h5"), {4, Codec::Deflate});
  write(file("lz4.h5"), {1, Codec::Lz4});
  Id deflated = open_file(file("deflate.h5"));
  Id lz4 = open_file(file("lz4.h5"));
  const std::string panel = "/snapshots/people/step_000200";
  EXPECT_EQ(filters_of(lz4, panel + "/wealth"),
            (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, kLz4FilterId}));
  EXPECT_EQ(filters_of(lz4, "/metrics/step"),
            (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, kLz4FilterId}));
  EXPECT_EQ(filters_of(deflated, panel + "/wealth"),
            (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  for (const char* column : {"agent", "wealth"}) {
    EXPECT_EQ(read_values<std::int64_t>(lz4, panel + "/" + column),
              read_values<std::int64_t>(deflated, panel + "/" + column))
        << column;
  }
  EXPECT_EQ(read_values<float>(lz4, panel + "/share"),
            read_values<float>(deflated, panel + "/share"));
  EXPECT_EQ(read_values<std::int64_t>(lz4, "/metrics/step"),
            read_values<std::int64_t>(deflated, "/metrics/step"));
  EXPECT_EQ(read_summary(file("lz4.h5")).snapshot_groups,
            read_summary(file("deflate.h5")).snapshot_groups);
}

TEST_F(OutputTest, RootAttributesRecordProvenance) {
  const TestMetrics metrics;
  const fs::path path = file("out.h5");
  write_metrics_file(path, provenance_, metrics, 3);
  Id h5 = open_file(path);
  EXPECT_EQ(string_attribute(h5, "/", "format"), "cpsim-run");
  EXPECT_EQ(numeric_attribute<std::int32_t>(h5, "/", "format_version"), 1);
  EXPECT_EQ(string_attribute(h5, "/", "model"), "test_model");
  EXPECT_EQ(string_attribute(h5, "/", "scenario_name"), "round trip");
  EXPECT_EQ(string_attribute(h5, "/", "scenario_file"), "scenarios/test.yaml");
  EXPECT_EQ(string_attribute(h5, "/", "scenario_yaml"), provenance_.scenario_yaml);
  EXPECT_EQ(string_attribute(h5, "/", "command_line"), provenance_.command_line);
  EXPECT_NE(string_attribute(h5, "/", "cpsim_version"), "<missing>");
  EXPECT_FALSE(string_attribute(h5, "/", "git_commit").empty());
  EXPECT_FALSE(string_attribute(h5, "/", "hostname").empty());
  const std::string created = string_attribute(h5, "/", "created");
  ASSERT_EQ(created.size(), 20U) << created;  // 2024-05-01T12:34:56Z
  EXPECT_EQ(created[4], '-');
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_EQ(numeric_attribute<std::uint64_t>(h5, "/", "seed"), provenance_.seed);
  EXPECT_EQ(numeric_attribute<std::int64_t>(h5, "/", "steps_requested"), 150);
  EXPECT_EQ(numeric_attribute<std::int32_t>(h5, "/", "threads"), 4);
  EXPECT_EQ(numeric_attribute<std::int32_t>(h5, "/", "ranks"), 1);
  EXPECT_EQ(numeric_attribute<std::int8_t>(h5, "/", "complete"), 1);
  EXPECT_EQ(numeric_attribute<std::int64_t>(h5, "/", "steps_completed"), 3);
  EXPECT_EQ(numeric_attribute<double>(h5, "/", "wall_seconds"), 1.25);
}

TEST_F(OutputTest, SnapshotsKeepEachColumnsTypeAndHandleEmptyTables) {
  MetricSet no_metrics;
  AgentTable households("households");
  const auto size = households.add_column<std::int8_t>({"size", "persons", "household size"});
  const auto region = households.add_column<std::uint16_t>({"region", "1", "region index"});
  const auto age = households.add_column<std::int32_t>({"age", "years", "age of the head"});
  const auto deposits = households.add_column<std::int64_t>({"deposits", "fen", "bank deposits"});
  const auto flags = households.add_column<std::uint64_t>({"flags", "1", "bit flags"});
  const auto share = households.add_column<float>({"share", "1", "consumption share"});
  const auto income = households.add_column<double>({"income", "RMB/month", "monthly income"});
  households.create(5, 100);
  for (std::size_t i = 0; i < 5; ++i) {
    households[size][i] = static_cast<std::int8_t>(-1 - static_cast<int>(i));
    households[region][i] = static_cast<std::uint16_t>(60000 + i);
    households[age][i] = static_cast<std::int32_t>(30 + i);
    households[deposits][i] =
        std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(i);
    households[flags][i] = std::numeric_limits<std::uint64_t>::max() - i;
    households[share][i] = 0.25F * static_cast<float>(i);
    households[income][i] = 1234.5678 * static_cast<double>(i);
  }
  AgentTable firms("firms");
  firms.add_column<double>({"capital", "RMB", "capital stock"});
  firms.add_column<std::int32_t>({"workers", "persons", "employees"});

  const fs::path path = file("snap.h5");
  {
    RunWriter writer(path, provenance_, no_metrics, {6}, false);
    writer.write_snapshot(0, households);
    writer.write_snapshot(7, households);
    writer.write_snapshot(7, firms);                                  // empty
    EXPECT_THROW(writer.write_snapshot(7, households), OutputError);  // written twice
    writer.finish(true, 7, 0.1);
  }

  Id h5 = open_file(path);
  ASSERT_GE(h5.id, 0);
  const std::string group = "/snapshots/households/step_000007";
  EXPECT_EQ(children(h5, "/snapshots/households"),
            (std::vector<std::string>{"step_000000", "step_000007"}));
  EXPECT_EQ(numeric_attribute<std::int64_t>(h5, group, "step"), 7);
  EXPECT_EQ(read_values<std::uint64_t>(h5, group + "/agent"),
            (std::vector<std::uint64_t>{100, 101, 102, 103, 104}));
  EXPECT_EQ(read_values<std::int8_t>(h5, group + "/size"),
            (std::vector<std::int8_t>{-1, -2, -3, -4, -5}));
  const auto read_age = read_values<std::int32_t>(h5, group + "/age");
  const auto read_deposits = read_values<std::int64_t>(h5, group + "/deposits");
  const auto read_flags = read_values<std::uint64_t>(h5, group + "/flags");
  const auto read_share = read_values<float>(h5, group + "/share");
  const auto read_income = read_values<double>(h5, group + "/income");
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(read_age[i], households[age][i]);
    EXPECT_EQ(read_deposits[i], households[deposits][i]);
    EXPECT_EQ(read_flags[i], households[flags][i]);
    EXPECT_EQ(read_share[i], households[share][i]);
    EXPECT_EQ(read_income[i], households[income][i]);
  }
  // Native types, not widened.
  const StoredType size_type = stored_type(h5, group + "/size");
  EXPECT_EQ(size_type.type_class, H5T_INTEGER);
  EXPECT_EQ(size_type.size, 1U);
  EXPECT_TRUE(size_type.is_signed);
  const StoredType region_type = stored_type(h5, group + "/region");
  EXPECT_EQ(region_type.size, 2U);
  EXPECT_FALSE(region_type.is_signed);
  EXPECT_EQ(read_values<std::uint16_t>(h5, group + "/region")[4], 60004);
  EXPECT_EQ(stored_type(h5, group + "/share").type_class, H5T_FLOAT);
  EXPECT_EQ(stored_type(h5, group + "/share").size, 4U);
  EXPECT_EQ(stored_type(h5, group + "/flags").size, 8U);
  EXPECT_FALSE(stored_type(h5, group + "/flags").is_signed);
  EXPECT_EQ(string_attribute(h5, group + "/deposits", "units"), "fen");
  EXPECT_EQ(string_attribute(h5, group + "/deposits", "long_name"), "bank deposits");
  EXPECT_EQ(scale_name(h5, group + "/income", 0), "agent");

  // Compressed: chunked with shuffle and deflate.
  {
    Id dataset = open_dataset(h5, group + "/income");
    Id properties(H5Dget_create_plist(dataset), H5Pclose);
    EXPECT_EQ(H5Pget_layout(properties), H5D_CHUNKED);
    ASSERT_EQ(H5Pget_nfilters(properties), 2);
    unsigned flags_out = 0;
    std::array<unsigned, 8> values{};
    std::size_t elements = values.size();
    EXPECT_EQ(
        H5Pget_filter2(properties, 0, &flags_out, &elements, values.data(), 0, nullptr, nullptr),
        H5Z_FILTER_SHUFFLE);
    elements = values.size();
    EXPECT_EQ(
        H5Pget_filter2(properties, 1, &flags_out, &elements, values.data(), 0, nullptr, nullptr),
        H5Z_FILTER_DEFLATE);
    EXPECT_EQ(values[0], 6U);  // the compression level given to the writer
  }

  // The empty table: zero-length datasets that still carry their scale.
  const std::string empty = "/snapshots/firms/step_000007";
  EXPECT_EQ(dims_of(h5, empty + "/agent"), (std::vector<hsize_t>{0}));
  EXPECT_EQ(dims_of(h5, empty + "/capital"), (std::vector<hsize_t>{0}));
  EXPECT_EQ(stored_type(h5, empty + "/workers").size, 4U);
  EXPECT_EQ(scale_name(h5, empty + "/capital", 0), "agent");

  int datasets = 0;
  expect_every_axis_has_a_scale(h5, "/", datasets);
  EXPECT_EQ(datasets, 2 * 8 + 3 + 1);  // two household snapshots, firms, /metrics/step
}

TEST_F(OutputTest, UncompressedSnapshotsHaveNoFilters) {
  MetricSet no_metrics;
  AgentTable table("people");
  table.add_column<double>({"wealth", "RMB", "wealth"});
  table.create(3);
  const fs::path path = file("plain.h5");
  {
    RunWriter writer(path, provenance_, no_metrics, {0}, false);
    writer.write_snapshot(1, table);
    writer.finish(true, 1, 0.0);
  }
  Id h5 = open_file(path);
  Id dataset = open_dataset(h5, "/snapshots/people/step_000001/wealth");
  Id properties(H5Dget_create_plist(dataset), H5Pclose);
  EXPECT_EQ(H5Pget_nfilters(properties), 0);
}

TEST_F(OutputTest, ResultTablesStoreNumbersAndStrings) {
  MetricSet no_metrics;
  ResultTable calibration;
  calibration.name = "calibration";
  calibration.description = "targets against simulated values";
  calibration.columns.push_back({"target", "", std::vector<std::string>{"gini", "unemployment"}});
  calibration.columns.push_back({"simulated", "1", std::vector<double>{0.465, 0.052}});
  ResultTable empty;
  empty.name = "nothing";
  empty.columns.push_back({"value", "1", std::vector<double>{}});

  const fs::path path = file("tables.h5");
  {
    RunWriter writer(path, provenance_, no_metrics, {3}, false);
    writer.write_table(calibration);
    writer.write_table(empty);
    writer.finish(true, 0, 0.0);
  }
  Id h5 = open_file(path);
  EXPECT_EQ(string_attribute(h5, "/tables/calibration", "description"),
            "targets against simulated values");
  EXPECT_EQ(read_values<std::int64_t>(h5, "/tables/calibration/row"),
            (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(read_strings(h5, "/tables/calibration/target"),
            (std::vector<std::string>{"gini", "unemployment"}));
  EXPECT_EQ(read_values<double>(h5, "/tables/calibration/simulated"),
            (std::vector<double>{0.465, 0.052}));
  EXPECT_EQ(string_attribute(h5, "/tables/calibration/simulated", "units"), "1");
  EXPECT_EQ(scale_name(h5, "/tables/calibration/target", 0), "row");
  EXPECT_EQ(dims_of(h5, "/tables/nothing/value"), (std::vector<hsize_t>{0}));
  int datasets = 0;
  expect_every_axis_has_a_scale(h5, "/", datasets);
  EXPECT_EQ(datasets, 6);
}

TEST(ResultTableTest, RowsIsTheCommonColumnLength) {
  ResultTable table;
  table.name = "t";
  EXPECT_EQ(table.rows(), 0U);
  table.columns.push_back({"a", "1", std::vector<double>{1, 2, 3}});
  table.columns.push_back({"b", "", std::vector<std::string>{"x", "y", "z"}});
  EXPECT_EQ(table.rows(), 3U);
  table.columns.push_back({"c", "1", std::vector<double>{1}});
  EXPECT_THROW(static_cast<void>(table.rows()), std::invalid_argument);
}

TEST_F(OutputTest, NothingUnderTheFinalNameBeforeFinishAndNoPartialLeftWithoutIt) {
  const TestMetrics metrics;
  const fs::path path = file("run.h5");
  const fs::path partial = file("run.h5.partial");
  {
    RunWriter writer(path, provenance_, metrics.set, {4}, false);
    for (std::int64_t step = 0; step < 100; ++step) writer.append_metrics(step, metrics.row(step));
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(fs::exists(partial));
    EXPECT_EQ(writer.path(), path);
    // Destroyed without finish(), as after an exception in the run.
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(partial));

  {
    RunWriter writer(path, provenance_, metrics.set, {4}, false);
    writer.append_metrics(0, metrics.row(0));
    writer.finish(true, 0, 0.0);
    EXPECT_TRUE(fs::exists(path));
    EXPECT_FALSE(fs::exists(partial));
    EXPECT_THROW(writer.finish(true, 0, 0.0), std::logic_error);
    EXPECT_THROW(writer.append_metrics(1, metrics.row(1)), std::logic_error);
  }
  EXPECT_TRUE(fs::exists(path));  // the destructor after finish() leaves it alone
}

TEST_F(OutputTest, RefusesToOverwriteAnExistingFile) {
  const TestMetrics metrics;
  const fs::path path = file("taken.h5");
  { std::ofstream(path) << "precious"; }
  try {
    RunWriter writer(path, provenance_, metrics.set, {4}, false);
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() + ": already exists (use --force to overwrite)");
  }
  EXPECT_FALSE(fs::exists(file("taken.h5.partial")));
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(OutputTest, OverwriteReplacesAnExistingFileOnlyAtFinish) {
  const TestMetrics metrics;
  const fs::path path = file("again.h5");
  write_metrics_file(path, provenance_, metrics, 10);
  {
    RunWriter writer(path, provenance_, metrics.set, {4}, true);
    writer.append_metrics(0, metrics.row(0));
    // The old file is still there while the new one is written.
    EXPECT_EQ(read_summary(path).rows, 11);
    writer.append_metrics(1, metrics.row(1));
    writer.finish(true, 1, 0.0);
  }
  EXPECT_EQ(read_summary(path).rows, 2);
  EXPECT_FALSE(fs::exists(file("again.h5.partial")));
}

TEST_F(OutputTest, ReadSummaryDescribesAWrittenFile) {
  const TestMetrics metrics;
  AgentTable people("people");
  people.add_column<double>({"wealth", "RMB", "wealth"});
  people.create(2);
  ResultTable table;
  table.name = "calibration";
  table.columns.push_back({"value", "1", std::vector<double>{1.0}});

  const fs::path path = file("summary.h5");
  {
    RunWriter writer(path, provenance_, metrics.set, {4}, false);
    for (std::int64_t step = 0; step <= 9; ++step) writer.append_metrics(step, metrics.row(step));
    writer.write_snapshot(0, people);
    writer.write_snapshot(9, people);
    writer.write_table(table);
    writer.finish(true, 9, 2.5);
  }
  const FileSummary summary = read_summary(path);
  EXPECT_EQ(summary.rows, 10);
  EXPECT_TRUE(summary.complete);
  ASSERT_EQ(summary.metrics.size(), 4U);
  const auto& gdp = summary.metrics[0];
  EXPECT_EQ(gdp.name, "gdp");
  EXPECT_EQ(gdp.unit, "RMB");
  EXPECT_EQ(gdp.description, "gross domestic product");
  EXPECT_EQ(gdp.size, 1U);
  EXPECT_DOUBLE_EQ(gdp.first, 1000.0);
  EXPECT_DOUBLE_EQ(gdp.last, 1000.9);
  EXPECT_DOUBLE_EQ(gdp.min, 1000.0);
  EXPECT_DOUBLE_EQ(gdp.max, 1000.9);
  EXPECT_DOUBLE_EQ(gdp.mean, 1000.45);
  EXPECT_EQ(summary.metrics[1].name, "money");
  EXPECT_EQ(summary.metrics[2].name, "flows");
  EXPECT_EQ(summary.metrics[2].size, 6U);
  EXPECT_EQ(summary.metrics[3].name, "workers");
  EXPECT_EQ(summary.metrics[3].size, 3U);
  EXPECT_EQ(summary.snapshot_groups, (std::vector<std::string>{"/snapshots/people/step_000000",
                                                               "/snapshots/people/step_000009"}));
  EXPECT_EQ(summary.tables, (std::vector<std::string>{"calibration"}));

  auto find = [&summary](const std::string& name) -> const FileAttribute* {
    for (const FileAttribute& stored : summary.attributes) {
      if (stored.name == name) return &stored;
    }
    return nullptr;
  };
  auto attribute = [&find](const std::string& name) {
    const FileAttribute* stored = find(name);
    return stored != nullptr ? stored->text : std::string("<missing>");
  };
  EXPECT_EQ(summary.attributes.front().name, "format");  // creation order
  // Each keeps its stored kind (JSON output writes numbers as numbers).
  ASSERT_NE(find("seed"), nullptr);
  EXPECT_EQ(find("seed")->kind, FileAttribute::Kind::Unsigned);
  EXPECT_EQ(find("threads")->kind, FileAttribute::Kind::Integer);
  EXPECT_EQ(find("wall_seconds")->kind, FileAttribute::Kind::Real);
  EXPECT_EQ(find("model")->kind, FileAttribute::Kind::Text);
  EXPECT_EQ(attribute("model"), "test_model");
  EXPECT_EQ(attribute("seed"), "18446744073709551557");
  EXPECT_EQ(attribute("threads"), "4");
  EXPECT_EQ(attribute("complete"), "1");
  EXPECT_EQ(attribute("wall_seconds"), "2.5");
  EXPECT_EQ(attribute("format_version"), "1");
}

TEST_F(OutputTest, ReadSummaryRejectsFilesItCannotRead) {
  const fs::path text = file("notes.h5");
  { std::ofstream(text) << "this is not HDF5\n"; }
  try {
    static_cast<void>(read_summary(text));
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(text.string() + ": not a cpsim output file"),
              std::string::npos)
        << error.what();
  }

  const fs::path missing = file("missing.h5");
  try {
    static_cast<void>(read_summary(missing));
    FAIL() << "expected OutputError";
  } catch (const OutputError& error) {
    EXPECT_NE(std::string(error.what()).find(missing.string() + ": cannot open"), std::string::npos)
        << error.what();
  }

  // An HDF5 file that cpsim did not write.
  const fs::path other = file("other.h5");
  {
    Id h5(H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    ASSERT_GE(h5.id, 0);
  }
  EXPECT_THROW(static_cast<void>(read_summary(other)), OutputError);
}

TEST_F(OutputTest, RejectsBadArgumentsBeforeCreatingAnything) {
  const TestMetrics metrics;
  EXPECT_THROW(RunWriter(file("no/such/folder/out.h5"), provenance_, metrics.set, {4}, false),
               OutputError);
  EXPECT_THROW(RunWriter(file("level.h5"), provenance_, metrics.set, {10}, false), OutputError);
  EXPECT_THROW(RunWriter(dir_, provenance_, metrics.set, {4}, true), OutputError);

  MetricSet clash;
  const std::size_t sector = clash.add_dimension("sector", {"a", "b"});
  clash.add_real("sector_label", "1", "clashes with the labels of 'sector'", {sector});
  EXPECT_THROW(RunWriter(file("clash.h5"), provenance_, clash, {4}, false), OutputError);
  MetricSet slash;
  slash.add_real("a/b", "1", "not a valid HDF5 name");
  EXPECT_THROW(RunWriter(file("slash.h5"), provenance_, slash, {4}, false), OutputError);
  EXPECT_TRUE(fs::is_empty(dir_));  // no .partial left behind
}

/// A write that would not fit (here: the file size limit, as `ulimit -f`
/// sets it; a full disk is checked the same way) is refused with a clear
/// error before HDF5 tries it, and the unfinished file is removed.
TEST_F(OutputTest, RefusesAWriteThatDoesNotFitAndRemovesThePartialFile) {
  const TestMetrics metrics;
  AgentTable big("people");
  big.add_column<double>({"wealth", "RMB", "wealth"});
  big.create(100000);  // 800 KB uncompressed
  const fs::path path = file("limited.h5");

  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 256U << 10;
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < limited.rlim_cur) {
    GTEST_SKIP() << "file size limit already below 256 KiB";
  }
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a kill
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  std::string message;
  {
    RunWriter writer(path, provenance_, metrics.set, {0}, false);
    writer.append_metrics(0, metrics.row(0));
    // The writer thread refuses the snapshot; the error comes back by a
    // later call, at the latest by finish().
    try {
      writer.write_snapshot(0, big);
      writer.finish(true, 0, 0.0);
    } catch (const OutputError& error) {
      message = error.what();
    }
  }
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_NE(message.find(path.string() + ".partial: cannot write snapshot "
                                         "/snapshots/people/step_000000: File too large"),
            std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(file("limited.h5.partial")));
  // HDF5 is still in a good state: the next file is written normally.
  write_metrics_file(path, provenance_, metrics, 3);
  EXPECT_EQ(read_summary(path).rows, 4);
}

TEST_F(OutputTest, StepsMustIncrease) {
  const TestMetrics metrics;
  RunWriter writer(file("order.h5"), provenance_, metrics.set, {4}, false);
  writer.append_metrics(0, metrics.row(0));
  writer.append_metrics(2, metrics.row(2));
  EXPECT_THROW(writer.append_metrics(2, metrics.row(2)), std::invalid_argument);
  MetricSet other;
  other.add_real("x", "1", "x");
  EXPECT_THROW(writer.append_metrics(3, MetricRow(other)), std::invalid_argument);
}

/// With CPSIM_KEEP_OUTPUT=PATH, leaves a file with every kind of group at
/// PATH (used to check the layout from Python while the CLI is not built).
}  // namespace
}  // namespace cpsim

namespace cpsim {
namespace {

TEST_F(OutputTest, AMetricUndefinedAtStepZeroIsMarkedAndItsSummarySkipsTheNaN) {
  MetricSet set;
  const auto income = set.add_real("income", "RMB", "income this month");
  const auto wealth = set.add_real("wealth", "RMB", "wealth");
  set.declare_undefined_at_step0(income, "no month has been lived");
  const auto row = [&](std::int64_t step) {
    MetricRow values(set);
    values.set(income, step == 0 ? std::numeric_limits<double>::quiet_NaN()
                                 : 5.0 - static_cast<double>(step));
    values.set(wealth, 100.0 + static_cast<double>(step));
    return values;
  };
  const fs::path path = file("undefined.h5");
  {
    RunWriter writer(path, provenance_, set, {4}, false);
    for (std::int64_t step = 0; step <= 3; ++step) writer.append_metrics(step, row(step));
    writer.finish(true, 3, 0.0);
  }
  {
    Id h5 = open_file(path);
    EXPECT_EQ(string_attribute(h5, "/metrics/income", "undefined"),
              "NaN at step 0: no month has been lived");
    EXPECT_EQ(string_attribute(h5, "/metrics/wealth", "undefined"), "<missing>");
  }
  const FileSummary summary = read_summary(path);
  ASSERT_EQ(summary.metrics.size(), 2U);
  const auto& summarized = summary.metrics[0];
  EXPECT_EQ(summarized.name, "income");
  EXPECT_EQ(summarized.first, 4.0);  // step 1's, not step 0's NaN
  EXPECT_EQ(summarized.last, 2.0);
  EXPECT_EQ(summarized.min, 2.0);
  EXPECT_EQ(summarized.max, 4.0);
  EXPECT_EQ(summarized.mean, 3.0);
  EXPECT_EQ(summary.metrics[1].first, 100.0);
  EXPECT_EQ(summary.metrics[1].mean, 101.5);

  // Defined at no recorded step (a run of 0 steps): every statistic is NaN.
  const fs::path initial_only = file("initial-only.h5");
  {
    RunWriter writer(initial_only, provenance_, set, {4}, false);
    writer.append_metrics(0, row(0));
    writer.finish(true, 0, 0.0);
  }
  const FileSummary initial = read_summary(initial_only);
  const auto& never = initial.metrics[0];
  for (const double value : {never.first, never.last, never.min, never.max, never.mean}) {
    EXPECT_TRUE(std::isnan(value));
  }
}

}  // namespace
}  // namespace cpsim
