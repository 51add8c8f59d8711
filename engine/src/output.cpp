#include "cpsim/engine/output.hpp"

#include <sstream>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/input_files.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"
#include "detail/serial_worker.hpp"

namespace cpsim {

// The shared HDF5 helpers (detail/hdf5_io.hpp) read as local vocabulary here.
using namespace detail;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::string_view kFormat = "cpsim-run";
constexpr std::int32_t kFormatVersion = 1;
/// Metric rows kept in memory before they are appended to the datasets: one
/// whole chunk of every scalar metric (kMetricChunkSteps), so no chunk is
/// written twice and a small model pays the HDF5 calls once per 256 steps.
constexpr std::size_t kFlushRows = kMetricChunkSteps;
/// Writes (blocks of metric rows, snapshots) that may wait for the writer
/// thread besides the one it is doing; a further write waits. One bounds
/// the memory held to two copies of the largest snapshot, and a yearly panel
/// is written well within the year of steps that follows it.
constexpr std::size_t kQueuedWrites = 1;
std::string zero_padded_step(std::int64_t step) {
  std::array<char, 32> text{};
  const int length =
      std::snprintf(text.data(), text.size(), "step_%06lld", static_cast<long long>(step));
  return std::string(text.data(), static_cast<std::size_t>(length));
}

}  // namespace

// ====================================================================== writer

struct RunWriter::Impl {
  struct MetricOutput {
    MetricSpec spec;
    std::vector<hsize_t> extra_dims;  ///< sizes of the dimensions after "step"
    Hid dataset;
  };

  std::filesystem::path final_path;
  std::filesystem::path partial_path;
  FileContext context;
  bool overwrite = false;
  Compression compression;

  Hid file;
  Hid metrics_group;
  Hid snapshots_group;
  Hid tables_group;
  Hid step_dataset;
  std::vector<Hid> dimension_datasets;
  std::vector<MetricOutput> metrics;

  std::size_t real_count = 0;
  std::size_t integer_count = 0;
  /// Rows not yet handed to the writer thread.
  struct Rows {
    std::vector<std::int64_t> steps;
    std::vector<double> reals;           ///< rows x real_count
    std::vector<std::int64_t> integers;  ///< rows x integer_count
  };
  Rows pending;
  hsize_t rows_written = 0;               ///< by the writer thread
  std::uintmax_t metric_chunk_bytes = 0;  ///< one chunk of every metric dataset
  std::optional<std::int64_t> last_step;

  bool finished = false;
  bool keep_partial = false;  ///< finish() closed a complete file but could not rename it
  /// Every HDF5 call after create() runs here, in call order, so the step
  /// after a snapshot does not wait for its deflate and disk writes.
  std::unique_ptr<SerialWorker> worker;
  std::set<std::string> snapshots_taken;  ///< "/snapshots/TABLE/step_NNNNNN", by the caller
  /// Copies the writer thread has written, kept for later snapshots:
  /// assigning a table into one reuses its columns' memory, where a fresh
  /// copy of a household panel page-faults 65-85 MB each time. At most
  /// kQueuedWrites + 1 per table exist at once.
  std::mutex spare_mutex;
  std::vector<std::shared_ptr<AgentTable>> spare_tables;
  std::shared_ptr<AgentTable> copy_of(const AgentTable& table);

  Impl(std::filesystem::path path, bool overwrite_existing, Compression filters)
      : final_path(std::move(path)),
        partial_path(final_path.string() + ".partial"),
        context(partial_path.string()),
        overwrite(overwrite_existing),
        compression(filters) {}

  void create(const Provenance& provenance, const MetricSet& metric_set);
  void create_metrics(const MetricSet& metric_set);
  void write_rows(const Rows& rows);
  void write_snapshot(std::int64_t step, const AgentTable& table);
  /// Hands the pending rows to the writer thread.
  void submit_rows();
  void close_all();
  void abandon() noexcept;
  void ensure_room(std::uintmax_t bytes, std::size_t new_objects, const std::string& what) const;
  template <class T>
  void append_rows(const MetricOutput& metric, std::size_t rows, const std::vector<T>& values,
                   std::size_t row_width, hid_t memory_type);
};

void RunWriter::Impl::create(const Provenance& provenance, const MetricSet& metric_set) {
  check_compression(final_path.string(), compression);
  check_destination(final_path, overwrite);
  file = create_file(context, partial_path);

  const hid_t root = file.get();
  const std::string where = "/";
  write_string_attribute(context, root, where, "format", std::string(kFormat));
  write_scalar_attribute<std::int32_t>(context, root, where, "format_version", kFormatVersion);
  write_string_attribute(context, root, where, "cpsim_version", std::string(cpsim::version()));
  write_string_attribute(context, root, where, "git_commit", std::string(cpsim::git_commit()));
  write_string_attribute(context, root, where, "model", provenance.model);
  write_string_attribute(context, root, where, "scenario_name", provenance.scenario_name);
  write_string_attribute(context, root, where, "scenario_file", provenance.scenario_file);
  write_string_attribute(context, root, where, "command_line", provenance.command_line);
  write_string_attribute(context, root, where, "created", utc_now_iso8601());
  write_string_attribute(context, root, where, "hostname", host_name());
  write_scalar_attribute<std::uint64_t>(context, root, where, "seed", provenance.seed);
  write_scalar_attribute<std::int64_t>(context, root, where, "steps_requested", provenance.steps);
  write_scalar_attribute<std::int32_t>(context, root, where, "threads",
                                       static_cast<std::int32_t>(provenance.threads));
  write_scalar_attribute<std::int32_t>(context, root, where, "ranks",
                                       static_cast<std::int32_t>(provenance.ranks));
  write_scalar_attribute<std::int64_t>(context, root, where, "steps_per_year",
                                       provenance.steps_per_year);
  write_scalar_attribute<double>(context, root, where, "scale", provenance.scale);
  // Final values are written by finish(); a file that is never finished is
  // never renamed, but if read as .partial it says it is incomplete.
  write_scalar_attribute<std::int8_t>(context, root, where, "complete", 0);
  write_scalar_attribute<std::int64_t>(context, root, where, "steps_completed", 0);
  write_scalar_attribute<double>(context, root, where, "wall_seconds", 0.0);
  write_string_attribute(context, root, where, "scenario_yaml", provenance.scenario_yaml);

  metrics_group = create_group(context, root, "metrics", "/metrics");
  snapshots_group = create_group(context, root, "snapshots", "/snapshots");
  tables_group = create_group(context, root, "tables", "/tables");
  create_metrics(metric_set);
  ensure_room(0, 0, "cannot create the file");
}

void RunWriter::Impl::create_metrics(const MetricSet& metric_set) {
  const auto& dimensions = metric_set.dimensions();
  const auto& specs = metric_set.specs();
  real_count = metric_set.real_count();
  integer_count = metric_set.integer_count();

  // Every name in /metrics must be unique: step, each dimension and its
  // labels, each metric.
  std::vector<std::string> taken = {"step"};
  auto claim = [&](const std::string& kind, const std::string& name) {
    check_name(context, kind, name);
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
      throw OutputError(context.path() + ": " + kind + " '" + name +
                        "' clashes with another name in /metrics");
    }
    taken.push_back(name);
  };
  for (const auto& dimension : dimensions) {
    claim("metric dimension", dimension.name);
    claim("metric dimension", dimension.name + "_label");
  }
  for (const auto& spec : specs) claim("metric", spec.name);

  const hid_t group = metrics_group.get();
  step_dataset = create_dataset(context, group, "step", "/metrics/step", H5T_STD_I64LE, {0},
                                {H5S_UNLIMITED}, {kMetricChunkSteps}, compression);
  metric_chunk_bytes = kMetricChunkSteps * sizeof(std::int64_t);
  context.check(H5DSset_scale(step_dataset.get(), "step"),
                "cannot make /metrics/step a dimension scale");
  write_units(context, step_dataset.get(), "/metrics/step", "1",
              "simulation step (0 = initial state)");

  for (const auto& dimension : dimensions) {
    dimension_datasets.push_back(
        write_string_dimension(context, group, "/metrics", dimension.name, dimension.labels));
  }

  for (const auto& spec : specs) {
    const std::string where = "/metrics/" + spec.name;
    MetricOutput output{spec, {}, {}};
    std::vector<hsize_t> dims = {0};
    std::vector<hsize_t> max_dims = {H5S_UNLIMITED};
    std::string coordinates;
    for (const std::size_t d : spec.dimensions) {
      const Dimension& dimension = dimensions.at(d);
      if (dimension.labels.empty()) {
        throw OutputError(context.path() + ": metric '" + spec.name + "' uses dimension '" +
                          dimension.name + "', which has no labels");
      }
      const auto n = static_cast<hsize_t>(dimension.labels.size());
      output.extra_dims.push_back(n);
      dims.push_back(n);
      max_dims.push_back(n);
      const std::string label = dimension.name + "_label";
      if (coordinates.find(label) == std::string::npos) {
        coordinates += (coordinates.empty() ? "" : " ") + label;
      }
    }
    const auto values_per_step = static_cast<hsize_t>(std::max<std::size_t>(spec.size, 1));
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::clamp<hsize_t>(kMetricChunkValues / values_per_step, 1, kMetricChunkSteps);
    metric_chunk_bytes += chunk[0] * values_per_step * sizeof(double);
    const hid_t file_type = spec.type == MetricType::Real ? H5T_IEEE_F64LE : H5T_STD_I64LE;
    output.dataset = create_dataset(context, group, spec.name, where, file_type, dims, max_dims,
                                    chunk, compression);
    attach(context, output.dataset.get(), step_dataset.get(), 0, where);
    for (std::size_t axis = 0; axis < spec.dimensions.size(); ++axis) {
      attach(context, output.dataset.get(), dimension_datasets.at(spec.dimensions[axis]).get(),
             static_cast<unsigned>(axis + 1), where);
    }
    write_units(context, output.dataset.get(), where, spec.unit, spec.description);
    if (!undefined_note(spec).empty()) {
      write_string_attribute(context, output.dataset.get(), where, "undefined",
                             undefined_note(spec));
    }
    // CF convention: xarray shows the label datasets as (non-index) coordinates.
    if (!coordinates.empty()) {
      write_string_attribute(context, output.dataset.get(), where, "coordinates", coordinates);
    }
    metrics.push_back(std::move(output));
  }
}

template <class T>
void RunWriter::Impl::append_rows(const MetricOutput& metric, std::size_t rows,
                                  const std::vector<T>& values_by_row, std::size_t row_width,
                                  hid_t memory_type) {
  const std::string where = "/metrics/" + metric.spec.name;
  const std::string what = "cannot append to dataset " + where;
  const std::size_t size = metric.spec.size;
  std::vector<T> values(rows * size);
  for (std::size_t r = 0; r < rows; ++r) {
    std::copy_n(
        values_by_row.begin() + static_cast<std::ptrdiff_t>(r * row_width + metric.spec.offset),
        size, values.begin() + static_cast<std::ptrdiff_t>(r * size));
  }
  std::vector<hsize_t> extent = {rows_written + rows};
  extent.insert(extent.end(), metric.extra_dims.begin(), metric.extra_dims.end());
  std::vector<hsize_t> start = {rows_written};
  start.resize(extent.size(), 0);
  std::vector<hsize_t> count = {rows};
  count.insert(count.end(), metric.extra_dims.begin(), metric.extra_dims.end());
  const hid_t dataset = metric.dataset.get();
  context.check(H5Dset_extent(dataset, extent.data()), what);
  Hid file_space = context.own(H5Dget_space(dataset), H5Sclose, what);
  context.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                    count.data(), nullptr),
                what);
  Hid memory_space = context.own(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose, what);
  context.check(H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT,
                         values.data()),
                what);
}

void RunWriter::Impl::submit_rows() {
  if (pending.steps.empty()) return;
  worker->submit([this, rows = std::move(pending)] {
    const detail::SilenceErrors quiet;  // HDF5 keeps the setting per thread
    write_rows(rows);
  });
  pending = Rows{};
}

void RunWriter::Impl::write_rows(const Rows& block) {
  if (block.steps.empty()) return;
  ensure_room(block.steps.size() * (real_count + integer_count + 1) * sizeof(double), 0,
              "cannot append metrics");
  for (const auto& metric : metrics) {
    if (metric.spec.type == MetricType::Real) {
      append_rows(metric, block.steps.size(), block.reals, real_count, H5T_NATIVE_DOUBLE);
    } else {
      append_rows(metric, block.steps.size(), block.integers, integer_count, H5T_NATIVE_INT64);
    }
  }
  // The step coordinate last: its length is the number of complete rows.
  const std::string what = "cannot append to dataset /metrics/step";
  const hsize_t rows = block.steps.size();
  const hsize_t extent = rows_written + rows;
  const hid_t dataset = step_dataset.get();
  context.check(H5Dset_extent(dataset, &extent), what);
  Hid file_space = context.own(H5Dget_space(dataset), H5Sclose, what);
  context.check(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &rows_written, nullptr, &rows, nullptr),
      what);
  Hid memory_space = context.own(H5Screate_simple(1, &rows, nullptr), H5Sclose, what);
  context.check(H5Dwrite(dataset, H5T_NATIVE_INT64, memory_space.get(), file_space.get(),
                         H5P_DEFAULT, block.steps.data()),
                what);
  rows_written = extent;
}

void RunWriter::Impl::close_all() {
  for (auto& metric : metrics) metric.dataset.reset();
  for (auto& dimension : dimension_datasets) dimension.reset();
  step_dataset.reset();
  tables_group.reset();
  snapshots_group.reset();
  metrics_group.reset();
  file.reset();
}

void RunWriter::Impl::ensure_room(std::uintmax_t bytes, std::size_t new_objects,
                                  const std::string& what) const {
  detail::ensure_room(context, file.get(), partial_path, bytes, new_objects, metric_chunk_bytes,
                      what);
}

/// Closes and deletes an unfinished file.
///
/// If a write failed all the same (another process filled the disk after
/// ensure_room()), HDF5 1.10's metadata cache is dirty, and if H5Fclose then
/// fails to write it the library crashes at exit (see ensure_room()). So the
/// objects in the file are closed first (their failures ignored), then the
/// file is truncated to nothing, which frees its space so that the last
/// metadata write succeeds, and only then closed and deleted. (For the same
/// reason finish() never calls H5Fflush: after a failed flush the cache
/// cannot flush again.)
void RunWriter::Impl::abandon() noexcept {
  worker.reset();  // lets a write in progress end; drops the others
  const hid_t file_id = file.get();
  file.release();
  close_all();
  std::error_code ignored;
  if (file_id >= 0) {
    if (!keep_partial) std::filesystem::resize_file(partial_path, 0, ignored);
    static_cast<void>(H5Fclose(file_id));
  }
  if (!keep_partial) std::filesystem::remove(partial_path, ignored);
}

RunWriter::RunWriter(std::filesystem::path path, const Provenance& provenance,
                     const MetricSet& metrics, Compression compression, bool overwrite)
    : impl_(std::make_unique<Impl>(std::move(path), overwrite, compression)) {
  const detail::SilenceErrors silence;
  try {
    impl_->create(provenance, metrics);
    impl_->worker = std::make_unique<SerialWorker>(kQueuedWrites);
  } catch (...) {
    if (impl_->file.valid()) impl_->abandon();
    throw;
  }
}

RunWriter::~RunWriter() {
  if (!impl_ || impl_->finished) return;
  try {
    const detail::SilenceErrors silence;
    impl_->abandon();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void RunWriter::append_metrics(std::int64_t step, const MetricRow& row) {
  Impl& impl = *impl_;
  if (impl.finished || !impl.file.valid()) {
    throw std::logic_error("RunWriter::append_metrics after finish()");
  }
  if (row.reals().size() != impl.real_count || row.integers().size() != impl.integer_count) {
    throw std::invalid_argument("RunWriter::append_metrics: the row does not match the metrics");
  }
  if (impl.last_step && step <= *impl.last_step) {
    throw std::invalid_argument("RunWriter::append_metrics: step " + std::to_string(step) +
                                " after step " + std::to_string(*impl.last_step));
  }
  impl.worker->check();  // a failed background write stops the run at the next step
  Impl::Rows& pending = impl.pending;
  if (pending.steps.empty()) {
    pending.steps.reserve(kFlushRows);
    pending.reals.reserve(kFlushRows * impl.real_count);
    pending.integers.reserve(kFlushRows * impl.integer_count);
  }
  pending.steps.push_back(step);
  pending.reals.insert(pending.reals.end(), row.reals().begin(), row.reals().end());
  pending.integers.insert(pending.integers.end(), row.integers().begin(), row.integers().end());
  impl.last_step = step;
  if (pending.steps.size() >= kFlushRows) impl.submit_rows();
}

void RunWriter::write_snapshot(std::int64_t step, const AgentTable& table) {
  Impl& impl = *impl_;
  if (impl.finished || !impl.file.valid()) {
    throw std::logic_error("RunWriter::write_snapshot after finish()");
  }
  const detail::SilenceErrors silence;
  const FileContext& context = impl.context;
  check_name(context, "table", table.name());
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    check_name(context, "column", table.column_info(c).name);
    if (table.column_info(c).name == "agent") {
      throw OutputError(context.path() + ": table '" + table.name() +
                        "': a column named 'agent' clashes with the agent id coordinate");
    }
    std::visit(
        [&](const auto& values) {
          if (values.size() != table.size()) {
            throw std::logic_error("table '" + table.name() + "': column '" +
                                   table.column_info(c).name +
                                   "' does not have one value per agent");
          }
        },
        table.column_data(c));
  }
  const std::string where = "/snapshots/" + table.name() + "/" + zero_padded_step(step);
  if (!impl.snapshots_taken.insert(where).second) {
    throw OutputError(context.path() + ": snapshot " + where + " written twice");
  }
  // The writer thread writes a copy, so the run goes on changing the table.
  impl.worker->submit([&impl, step, copy = impl.copy_of(table)] {
    const detail::SilenceErrors quiet;  // HDF5 keeps the setting per thread
    impl.write_snapshot(step, *copy);
    const std::lock_guard lock(impl.spare_mutex);
    impl.spare_tables.push_back(copy);
  });
}

std::shared_ptr<AgentTable> RunWriter::Impl::copy_of(const AgentTable& table) {
  std::shared_ptr<AgentTable> copy;
  {
    const std::lock_guard lock(spare_mutex);
    const auto same =
        std::find_if(spare_tables.begin(), spare_tables.end(),
                     [&](const auto& spare) { return spare->name() == table.name(); });
    if (same != spare_tables.end()) {
      copy = std::move(*same);
      spare_tables.erase(same);
    }
  }
  if (!copy) return std::make_shared<AgentTable>(table);
  *copy = table;
  return copy;
}

void RunWriter::Impl::write_snapshot(std::int64_t step, const AgentTable& table) {
  const std::string table_where = "/snapshots/" + table.name();
  std::uintmax_t bytes = table.size() * sizeof(AgentId);
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    bytes += std::visit([](const auto& values) { return values.size() * sizeof(values[0]); },
                        table.column_data(c));
  }
  ensure_room(bytes, table.column_count() + 3,
              "cannot write snapshot " + table_where + "/" + zero_padded_step(step));
  Hid table_group;
  const htri_t exists = H5Lexists(snapshots_group.get(), table.name().c_str(), H5P_DEFAULT);
  if (exists < 0) context.fail("cannot look up " + table_where);
  if (exists > 0) {
    table_group = context.own(H5Gopen2(snapshots_group.get(), table.name().c_str(), H5P_DEFAULT),
                              H5Gclose, "cannot open group " + table_where);
  } else {
    table_group = create_group(context, snapshots_group.get(), table.name(), table_where);
  }

  const std::string step_name = zero_padded_step(step);
  const std::string where = table_where + "/" + step_name;
  const htri_t step_exists = H5Lexists(table_group.get(), step_name.c_str(), H5P_DEFAULT);
  if (step_exists > 0) {
    throw OutputError(context.path() + ": snapshot " + where + " written twice");
  }
  Hid group = create_group(context, table_group.get(), step_name, where);
  write_scalar_attribute<std::int64_t>(context, group.get(), where, "step", step);

  Hid agent =
      write_scale(context, group.get(), "agent", where + "/agent", table.ids(), compression, true);
  write_units(context, agent.get(), where + "/agent", "1", "global agent id");

  const auto n = static_cast<hsize_t>(table.size());
  std::vector<hsize_t> chunk;
  if (n > 0) chunk = {std::min(n, kSnapshotChunk)};
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    const ColumnInfo& info = table.column_info(c);
    const std::string column_where = where + "/" + info.name;
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          Hid dataset = create_dataset(context, group.get(), info.name, column_where,
                                       H5Type<T>::file(), {n}, {n}, chunk, compression);
          write_all(context, dataset.get(), column_where, H5Type<T>::memory(), values.data(),
                    values.size());
          attach(context, dataset.get(), agent.get(), 0, column_where);
          write_units(context, dataset.get(), column_where, info.unit, info.description);
          context.check(dataset.close(), "cannot close " + column_where);
        },
        table.column_data(c));
  }
}

void RunWriter::write_table(const ResultTable& table) {
  Impl& impl = *impl_;
  if (impl.finished || !impl.file.valid()) {
    throw std::logic_error("RunWriter::write_table after finish()");
  }
  const detail::SilenceErrors silence;
  const FileContext& context = impl.context;
  check_name(context, "result table", table.name);
  const std::size_t rows = table.rows();
  for (const auto& column : table.columns) {
    check_name(context, "result column", column.name);
    if (column.name == "row") {
      throw OutputError(context.path() + ": result table '" + table.name +
                        "': a column named 'row' clashes with the row coordinate");
    }
  }
  const std::string where = "/tables/" + table.name;
  std::uintmax_t bytes = rows * sizeof(std::int64_t);
  for (const auto& column : table.columns) {
    if (const auto* numbers = std::get_if<std::vector<double>>(&column.values)) {
      bytes += numbers->size() * sizeof(double);
    } else {
      for (const auto& text : std::get<std::vector<std::string>>(column.values)) {
        bytes += text.size() + 32;  // heap object and its reference
      }
    }
  }
  impl.worker->drain();  // small, and written at the end: on this thread, in order
  impl.ensure_room(bytes, table.columns.size() + 2, "cannot write table " + where);
  const htri_t exists = H5Lexists(impl.tables_group.get(), table.name.c_str(), H5P_DEFAULT);
  if (exists > 0) throw OutputError(context.path() + ": table " + where + " written twice");
  Hid group = create_group(context, impl.tables_group.get(), table.name, where);
  write_string_attribute(context, group.get(), where, "description", table.description);

  std::vector<std::int64_t> row_numbers(rows);
  for (std::size_t i = 0; i < rows; ++i) row_numbers[i] = static_cast<std::int64_t>(i);
  Hid row = write_scale<std::int64_t>(context, group.get(), "row", where + "/row", row_numbers,
                                      Compression{}, false);
  write_units(context, row.get(), where + "/row", "1", "row number");

  for (const auto& column : table.columns) {
    const std::string column_where = where + "/" + column.name;
    Hid dataset;
    if (const auto* numbers = std::get_if<std::vector<double>>(&column.values)) {
      const auto n = static_cast<hsize_t>(numbers->size());
      dataset = create_dataset(context, group.get(), column.name, column_where, H5T_IEEE_F64LE, {n},
                               {n}, {}, Compression{});
      write_all(context, dataset.get(), column_where, H5T_NATIVE_DOUBLE, numbers->data(),
                numbers->size());
    } else {
      dataset = write_strings(context, group.get(), column.name, column_where,
                              std::get<std::vector<std::string>>(column.values));
    }
    attach(context, dataset.get(), row.get(), 0, column_where);
    write_string_attribute(context, dataset.get(), column_where, "units", column.unit);
    context.check(dataset.close(), "cannot close " + column_where);
  }
}

void RunWriter::finish(bool complete, std::int64_t steps_completed, double wall_seconds) {
  Impl& impl = *impl_;
  if (impl.finished || !impl.file.valid()) throw std::logic_error("RunWriter::finish called twice");
  const detail::SilenceErrors silence;
  const FileContext& context = impl.context;
  impl.submit_rows();
  impl.worker->drain();
  impl.worker.reset();

  const hid_t root = impl.file.get();
  write_scalar_attribute<std::int8_t>(context, root, "/", "complete",
                                      static_cast<std::int8_t>(complete ? 1 : 0));
  write_scalar_attribute<std::int64_t>(context, root, "/", "steps_completed", steps_completed);
  write_scalar_attribute<double>(context, root, "/", "wall_seconds", wall_seconds);

  // Close every object first: closing a dataset writes its cached chunks,
  // so a failed write (a full disk) is reported while the file can still be
  // abandoned cleanly (see abandon()); H5Fclose then writes the metadata and
  // really closes the file, since nothing in it is open any more.
  for (auto& metric : impl.metrics) {
    context.check(metric.dataset.close(), "cannot close /metrics/" + metric.spec.name);
  }
  for (auto& dimension : impl.dimension_datasets) {
    context.check(dimension.close(), "cannot close a dimension of /metrics");
  }
  context.check(impl.step_dataset.close(), "cannot close /metrics/step");
  context.check(impl.tables_group.close(), "cannot close /tables");
  context.check(impl.snapshots_group.close(), "cannot close /snapshots");
  context.check(impl.metrics_group.close(), "cannot close /metrics");
  impl.ensure_room(0, 0, "cannot finish the file");
  context.check(impl.file.close(), "cannot close the file");

  // Complete and closed: from here on a failure keeps the .partial file.
  impl.keep_partial = true;
  publish(impl.partial_path, impl.final_path, impl.overwrite);
  impl.finished = true;
}

const std::filesystem::path& RunWriter::path() const noexcept { return impl_->final_path; }

void RunWriter::copy_history(const std::filesystem::path& checkpoint) {
  Impl& impl = *impl_;
  if (impl.finished || !impl.file.valid()) {
    throw std::logic_error("RunWriter::copy_history after finish()");
  }
  const detail::SilenceErrors silence;
  impl.submit_rows();
  impl.worker->drain();  // the writer thread is idle until the next hand-over
  const FileContext target(checkpoint.string());
  Hid file =
      target.own(H5Fopen(checkpoint.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "cannot open");
  Hid history = create_group(target, file.get(), "history", "/history");

  // Metric rows, read back through the open datasets (their chunk cache).
  const auto rows = static_cast<std::size_t>(impl.rows_written);
  std::vector<std::int64_t> steps(rows);
  read_all(impl.context, impl.step_dataset.get(), "/metrics/step", H5T_NATIVE_INT64, steps.data(),
           rows);
  std::vector<double> reals(rows * impl.real_count);
  std::vector<std::int64_t> integers(rows * impl.integer_count);
  for (const auto& metric : impl.metrics) {
    const std::size_t size = metric.spec.size;
    const bool real = metric.spec.type == MetricType::Real;
    std::vector<double> real_values(real ? rows * size : 0);
    std::vector<std::int64_t> integer_values(real ? 0 : rows * size);
    if (real) {
      read_all(impl.context, metric.dataset.get(), "/metrics/" + metric.spec.name,
               H5T_NATIVE_DOUBLE, real_values.data(), rows * size);
    } else {
      read_all(impl.context, metric.dataset.get(), "/metrics/" + metric.spec.name, H5T_NATIVE_INT64,
               integer_values.data(), rows * size);
    }
    const std::size_t width = real ? impl.real_count : impl.integer_count;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t j = 0; j < size; ++j) {
        const std::size_t to = r * width + metric.spec.offset + j;
        if (real) {
          reals[to] = real_values[r * size + j];
        } else {
          integers[to] = integer_values[r * size + j];
        }
      }
    }
  }
  const auto put = [&](const char* name, hid_t file_type, hid_t memory_type, const void* data,
                       std::vector<hsize_t> dims) {
    const std::string where = std::string("/history/") + name;
    Hid dataset = create_dataset(target, history.get(), name, where, file_type, dims, dims, {},
                                 Compression{});
    std::size_t count = 1;
    for (const hsize_t n : dims) count *= static_cast<std::size_t>(n);
    write_all(target, dataset.get(), where, memory_type, data, count);
    target.check(dataset.close(), "cannot close " + where);
  };
  put("step", H5T_STD_I64LE, H5T_NATIVE_INT64, steps.data(), {rows});
  put("reals", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, reals.data(), {rows, impl.real_count});
  put("integers", H5T_STD_I64LE, H5T_NATIVE_INT64, integers.data(), {rows, impl.integer_count});

  // Snapshots are closed once written: copied as they are stored (deflated
  // chunks are not recompressed). Their dimension scales do not survive a
  // copy to another file; the restarted run's write_snapshot makes new ones.
  Hid snapshots = create_group(target, history.get(), "snapshots", "/history/snapshots");
  for (const auto& table : link_names(impl.context, impl.snapshots_group.get(), "/snapshots")) {
    Hid source = impl.context.own(H5Gopen2(impl.snapshots_group.get(), table.c_str(), H5P_DEFAULT),
                                  H5Gclose, "cannot open /snapshots/" + table);
    Hid copy = create_group(target, snapshots.get(), table, "/history/snapshots/" + table);
    for (const auto& step : link_names(impl.context, source.get(), "/snapshots/" + table)) {
      target.check(
          H5Ocopy(source.get(), step.c_str(), copy.get(), step.c_str(), H5P_DEFAULT, H5P_DEFAULT),
          "cannot copy /snapshots/" + table + "/" + step);
    }
  }
  target.check(snapshots.close(), "cannot close /history/snapshots");
  target.check(history.close(), "cannot close /history");
  target.check(file.close(), "cannot close the file");
}

void check_output_destination(const std::filesystem::path& path, bool overwrite) {
  check_destination(path, overwrite);
}

// ====================================================================== reader

namespace {

/// first, last, min, max and mean of the defined (not NaN) values: a metric
/// undefined at step 0 starts at step 1. All NaN when none is defined.
template <class Summary>
void summarize_defined(const std::vector<double>& values, Summary& metric, std::size_t offset = 0,
                       std::size_t stride = 1) {
  constexpr double undefined = std::numeric_limits<double>::quiet_NaN();
  metric.first = metric.last = metric.min = metric.max = metric.mean = undefined;
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t i = offset; i < values.size(); i += stride) {
    const double value = values[i];
    if (std::isnan(value)) continue;
    if (count == 0) metric.first = metric.min = metric.max = value;
    metric.last = value;
    metric.min = std::min(metric.min, value);
    metric.max = std::max(metric.max, value);
    sum += value;
    ++count;
  }
  if (count > 0) metric.mean = sum / static_cast<double>(count);
}

/// Per-element summaries of a metric over dimensions, labelled by the label
/// datasets its `coordinates` attribute names ("l1,l2" for two dimensions).
void summarize_elements(const FileContext& context, hid_t metrics, hid_t dataset,
                        const std::vector<double>& values, FileSummary::MetricSummary& metric) {
  std::vector<std::vector<std::string>> labels;
  std::istringstream coordinates(attribute_text(dataset, "coordinates").value_or(""));
  for (std::string name; coordinates >> name;) {
    metric.dimensions.push_back(name.substr(0, name.size() - std::string("_label").size()));
    labels.push_back(read_strings(context, metrics, name, "/metrics/" + name));
  }
  std::size_t product = 1;
  for (const auto& l : labels) product *= l.size();
  const bool labelled = !labels.empty() && product == metric.size;
  metric.first = metric.last = metric.min = metric.max = metric.mean =
      std::numeric_limits<double>::quiet_NaN();
  for (std::size_t e = 0; e < metric.size; ++e) {
    FileSummary::MetricSummary::Element element;
    if (labelled) {
      std::size_t rest = e;
      for (std::size_t k = labels.size(); k > 0; --k) {
        const auto& l = labels[k - 1];
        std::string label = l[rest % l.size()];
        if (!element.label.empty()) label += "," + element.label;
        element.label = std::move(label);
        rest /= l.size();
      }
    } else {
      element.label = std::to_string(e);
    }
    summarize_defined(values, element, e, metric.size);
    metric.elements.push_back(std::move(element));
  }
}

}  // namespace

FileSummary read_summary(const std::filesystem::path& path) {
  const detail::SilenceErrors silence;
  const FileContext context(path.string());
  check_input_file(path);
  input_files::record(path);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) throw OutputError(path.string() + ": not a cpsim output file (not HDF5)");
  if (is_hdf5 < 0) context.fail("cannot open");
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  const hid_t root = file.get();
  if (attribute_text(root, "format") != std::string(kFormat) || !has_link(root, "metrics")) {
    throw OutputError(path.string() + ": not a cpsim output file");
  }

  FileSummary summary;
  for (const auto& name : attribute_names(root)) {
    if (auto attribute = read_attribute(root, name.c_str())) {
      summary.attributes.push_back(std::move(*attribute));
    }
  }
  summary.partial = path.extension() == ".partial";
  summary.complete = !summary.partial && attribute_text(root, "complete").value_or("0") != "0";

  Hid metrics =
      context.own(H5Gopen2(root, "metrics", H5P_DEFAULT), H5Gclose, "cannot open /metrics");
  Hid step;
  if (has_link(metrics.get(), "step")) {
    step = context.own(H5Dopen2(metrics.get(), "step", H5P_DEFAULT), H5Dclose,
                       "cannot open /metrics/step");
    const auto dims = dataset_dims(context, step.get(), "/metrics/step");
    if (dims.size() == 1) summary.rows = static_cast<std::int64_t>(dims[0]);
  }
  // A finished file holds every step it says it completed, and step 0.
  std::int64_t claimed = 0;
  const std::string steps_completed = attribute_text(root, "steps_completed").value_or("0");
  const auto [end, parsed] = std::from_chars(
      steps_completed.data(), steps_completed.data() + steps_completed.size(), claimed);
  if (parsed == std::errc() && claimed >= 0 && claimed < std::numeric_limits<std::int64_t>::max() &&
      summary.rows < claimed + 1) {
    summary.warnings.push_back("/metrics/step has " + std::to_string(summary.rows) +
                               " rows, fewer than the " + std::to_string(claimed + 1) +
                               " the attribute steps_completed = " + steps_completed + " claims");
  }
  for (const auto& name : link_names(context, metrics.get(), "/metrics")) {
    if (object_type(metrics.get(), name) != H5I_DATASET) continue;
    const std::string where = "/metrics/" + name;
    Hid dataset = context.own(H5Dopen2(metrics.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                              "cannot open " + where);
    // Metrics are the datasets whose first axis is the step; dimension
    // scales and label datasets are not.
    if (H5DSis_scale(dataset.get()) > 0 || !step.valid()) continue;
    const htri_t on_step = H5DSis_attached(dataset.get(), step.get(), 0);
    if (on_step <= 0) {
      H5Eclear2(H5E_DEFAULT);
      continue;
    }
    const auto dims = dataset_dims(context, dataset.get(), where);
    if (!dims.empty() && static_cast<std::int64_t>(dims[0]) < summary.rows) {
      summary.warnings.push_back(where + " has " + std::to_string(dims[0]) +
                                 " rows, fewer than the " + std::to_string(summary.rows) +
                                 " of /metrics/step");
    }
    FileSummary::MetricSummary metric;
    metric.name = name;
    metric.unit = attribute_text(dataset.get(), "units").value_or("");
    metric.description = attribute_text(dataset.get(), "long_name").value_or("");
    metric.size = 1;
    for (std::size_t axis = 1; axis < dims.size(); ++axis) {
      metric.size *= static_cast<std::size_t>(dims[axis]);
    }
    if (!dims.empty() && dims[0] > 0) {
      std::vector<double> values(values_to_read(context, dims, where));
      if (!values.empty()) {
        context.check(
            H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            "cannot read " + where);
      }
      if (dims.size() == 1) {
        summarize_defined(values, metric);
      } else {
        summarize_elements(context, metrics.get(), dataset.get(), values, metric);
      }
    }
    summary.metrics.push_back(std::move(metric));
  }

  if (has_link(root, "snapshots")) {
    Hid snapshots =
        context.own(H5Gopen2(root, "snapshots", H5P_DEFAULT), H5Gclose, "cannot open /snapshots");
    for (const auto& table : link_names(context, snapshots.get(), "/snapshots")) {
      if (object_type(snapshots.get(), table) != H5I_GROUP) continue;
      const std::string where = "/snapshots/" + table;
      Hid group = context.own(H5Gopen2(snapshots.get(), table.c_str(), H5P_DEFAULT), H5Gclose,
                              "cannot open " + where);
      for (const auto& step_name : link_names(context, group.get(), where)) {
        summary.snapshot_groups.push_back(where + "/" + step_name);
      }
    }
  }
  if (has_link(root, "tables")) {
    Hid tables =
        context.own(H5Gopen2(root, "tables", H5P_DEFAULT), H5Gclose, "cannot open /tables");
    summary.tables = link_names(context, tables.get(), "/tables");
  }
  return summary;
}

}  // namespace cpsim
