// Checkpoint files (checkpoint.hpp; layout: docs/checkpoint.md):
//   /               attributes: format "cpsim-checkpoint", format_version,
//                   cpsim_version, git_commit, created, hostname, command_line,
//                   model, scenario_name, scenario_file, scenario_yaml,
//                   scenario_hash, seed, step, ranks, history, complete
//                   (written last)
//   /tables/TABLE   agent (global ids) and one dataset per column, by name
//   /model/...      the model's arrays (StateWriter), by their paths
//   /history        metric rows and snapshots the run had written
//                   (RunWriter::copy_history)
#include "cpsim/engine/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/decomposition.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/output.hpp"
#include "cpsim/engine/simulation.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"

namespace cpsim {

using namespace detail;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::string_view kFormat = "cpsim-checkpoint";
constexpr std::int32_t kFormatVersion = 1;
static_assert(std::is_same_v<hid_t, std::int64_t>, "StateReader keeps a hid_t as int64");

/// Calls f(T{}) with T the element type `element` stands for.
template <class F>
decltype(auto) with_element_type(StateElement element, F&& f) {
  switch (element) {
    case StateElement::i8:
      return f(std::int8_t{});
    case StateElement::u8:
      return f(std::uint8_t{});
    case StateElement::i16:
      return f(std::int16_t{});
    case StateElement::u16:
      return f(std::uint16_t{});
    case StateElement::i32:
      return f(std::int32_t{});
    case StateElement::u32:
      return f(std::uint32_t{});
    case StateElement::i64:
      return f(std::int64_t{});
    case StateElement::u64:
      return f(std::uint64_t{});
    case StateElement::f32:
      return f(float{});
    case StateElement::f64:
      return f(double{});
  }
  throw std::logic_error("unknown state element type");
}

hid_t file_type(StateElement element) {
  return with_element_type(element, [](auto tag) { return H5Type<decltype(tag)>::file(); });
}
hid_t memory_type(StateElement element) {
  return with_element_type(element, [](auto tag) { return H5Type<decltype(tag)>::memory(); });
}
std::size_t element_size(StateElement element) {
  return with_element_type(element, [](auto tag) { return sizeof(tag); });
}

/// A 1-D dataset of `count` elements at `name` (intermediate groups made),
/// stored contiguously and uncompressed: a checkpoint is written often and
/// read once, so speed matters more than size.
void write_array(const FileContext& context, hid_t location, const std::string& name,
                 hid_t file_type_id, hid_t memory_type_id, const void* data, std::size_t count) {
  const std::string what = "cannot write " + name;
  const auto n = static_cast<hsize_t>(count);
  Hid space = context.own(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
  Hid links = context.own(H5Pcreate(H5P_LINK_CREATE), H5Pclose, what);
  context.check(H5Pset_create_intermediate_group(links.get(), 1), what);
  Hid dataset = context.own(H5Dcreate2(location, name.c_str(), file_type_id, space.get(),
                                       links.get(), H5P_DEFAULT, H5P_DEFAULT),
                            H5Dclose, what);
  write_all(context, dataset.get(), name, memory_type_id, data, count);
  context.check(dataset.close(), what);
}

/// Opens the 1-D dataset `name`, checks that it holds `file_type_id`, and
/// returns it with its length.
std::pair<Hid, std::size_t> open_array(const FileContext& context, hid_t location,
                                       const std::string& name, hid_t file_type_id) {
  if (H5Lexists(location, name.c_str(), H5P_DEFAULT) <= 0 &&
      object_type(location, name) == H5I_BADID) {
    H5Eclear2(H5E_DEFAULT);
    throw OutputError(context.path() + ": " + name +
                      " is missing (the checkpoint does not hold this model's state)");
  }
  Hid dataset =
      context.own(H5Dopen2(location, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + name);
  Hid type = context.own(H5Dget_type(dataset.get()), H5Tclose, "cannot read the type of " + name);
  if (H5Tequal(type.get(), file_type_id) <= 0) {
    throw OutputError(context.path() + ": " + name + " has another element type than expected");
  }
  const auto dims = dataset_dims(context, dataset.get(), name);
  if (dims.size() != 1) throw OutputError(context.path() + ": " + name + " is not 1-D");
  return {std::move(dataset), values_to_read(context, dims, name)};
}

void read_array(const FileContext& context, hid_t location, const std::string& name,
                StateElement element, void* data, std::size_t count) {
  auto [dataset, stored] = open_array(context, location, name, file_type(element));
  if (stored != count) {
    throw OutputError(context.path() + ": " + name + " holds " + std::to_string(stored) +
                      " values, expected " + std::to_string(count));
  }
  read_all(context, dataset.get(), name, memory_type(element), data, count);
}

std::string hex(std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (std::size_t i = 16; i-- > 0; value >>= 4U) text[i] = digits[value & 15U];
  return text;
}

/// Flushes a closed file's data to the disk, so that a rename after it never
/// exposes a file whose blocks are still in the page cache only.
void sync_to_disk(const std::filesystem::path& path, bool folder) {
  const int fd = ::open(path.c_str(), (folder ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (folder) return;  // a folder that cannot be opened: the rename still happened
    throw OutputError(path.string() + ": cannot open to flush: " + std::strerror(errno));
  }
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0 && !folder) {
    throw OutputError(path.string() + ": cannot flush to disk: " + std::strerror(error));
  }
}

void write_table(const FileContext& context, hid_t tables, const AgentTable& table) {
  check_name(context, "table", table.name());
  const std::string where = "/tables/" + table.name();
  Hid group = create_group(context, tables, table.name(), where);
  const auto ids = table.ids();
  write_array(context, group.get(), "agent", H5Type<AgentId>::file(), H5Type<AgentId>::memory(),
              ids.data(), ids.size());
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    const std::string& name = table.column_info(c).name;
    check_name(context, "column", name);
    if (name == "agent") {
      throw OutputError(context.path() + ": table '" + table.name() +
                        "': a column named 'agent' clashes with the agent ids");
    }
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          write_array(context, group.get(), name, H5Type<T>::file(), H5Type<T>::memory(),
                      values.data(), values.size());
        },
        table.column_data(c));
  }
}

/// Reads `table` from `group` (its agent ids and every column, by name): the
/// whole table, or (take_all_rows false) the rows of the agents it holds now.
void read_table(const FileContext& context, const Hid& group, const std::string& where,
                AgentTable& table, bool take_all_rows) {
  // Every column by name, and no other: a column the checkpoint lacks, or one
  // the model no longer has, means another version of the model.
  std::vector<std::string> stored = link_names(context, group.get(), where);
  stored.erase(std::remove(stored.begin(), stored.end(), "agent"), stored.end());
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    const std::string& name = table.column_info(c).name;
    if (std::find(stored.begin(), stored.end(), name) == stored.end()) {
      throw OutputError(context.path() + ": " + where + " has no column '" + name + "'");
    }
  }
  for (const std::string& name : stored) {
    if (table.find_column(name) == table.column_count()) {
      throw OutputError(context.path() + ": " + where + "/" + name +
                        " is not a column of the model's table");
    }
  }

  // Not a structured binding: the column lambda below captures the count.
  const auto agent = open_array(context, group.get(), "agent", H5Type<AgentId>::file());
  const std::size_t count = agent.second;
  std::vector<AgentId> ids(count);
  read_all(context, agent.first.get(), where + "/agent", H5Type<AgentId>::memory(), ids.data(),
           count);
  // A table split over ranks keeps the rows whose agents this rank holds.
  std::vector<std::size_t> rows;
  if (!take_all_rows) {
    std::vector<AgentId> mine(table.ids().begin(), table.ids().end());
    std::sort(mine.begin(), mine.end());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (std::binary_search(mine.begin(), mine.end(), ids[i])) rows.push_back(i);
    }
    std::vector<AgentId> kept(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) kept[k] = ids[rows[k]];
    ids = std::move(kept);
  }
  table.assign_ids(ids);
  for (std::size_t c = 0; c < table.column_count(); ++c) {
    const std::string name = table.column_info(c).name;
    table.with_column(c, [&](auto values) {
      using T = std::remove_cv_t<typename decltype(values)::element_type>;
      auto [dataset, stored_count] = open_array(context, group.get(), name, H5Type<T>::file());
      if (stored_count != count) {
        throw OutputError(context.path() + ": " + where + "/" + name + " holds " +
                          std::to_string(stored_count) + " values for " + std::to_string(count) +
                          " agents");
      }
      if (take_all_rows) {
        read_all(context, dataset.get(), where + "/" + name, H5Type<T>::memory(), values.data(),
                 count);
        return;
      }
      std::vector<T> all(count);
      read_all(context, dataset.get(), where + "/" + name, H5Type<T>::memory(), all.data(), count);
      for (std::size_t k = 0; k < rows.size(); ++k) values[k] = all[rows[k]];
    });
  }
}

void restore_table(const FileContext& context, hid_t tables, AgentTable& table,
                   bool take_all_rows) {
  const std::string where = "/tables/" + table.name();
  if (!has_link(tables, table.name().c_str())) {
    throw OutputError(context.path() + ": holds no table '" + table.name() +
                      "' (the model's tables differ)");
  }
  const Hid group = context.own(H5Gopen2(tables, table.name().c_str(), H5P_DEFAULT), H5Gclose,
                                "cannot open " + where);
  read_table(context, group, where, table, take_all_rows);
}

Hid open_checkpoint(const FileContext& context, const std::filesystem::path& path) {
  check_input_file(path);
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) throw OutputError(path.string() + ": not a cpsim checkpoint (not HDF5)");
  if (is_hdf5 < 0) context.fail("cannot open as a checkpoint");
  return context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                     "cannot open as a checkpoint");
}

}  // namespace

// ============================================================ state arrays

StateWriter::StateWriter() : entries_(std::make_shared<std::vector<Entry>>()) {}

StateWriter StateWriter::group(std::string_view name) const {
  StateWriter inner = *this;
  inner.prefix_ += std::string(name) + "/";
  return inner;
}

void StateWriter::add(std::string_view name, StateElement element, const void* data,
                      std::size_t count) {
  Entry entry{prefix_ + std::string(name), element, count, {}};
  entry.bytes.resize(count * element_size(element));
  if (count > 0) std::memcpy(entry.bytes.data(), data, entry.bytes.size());
  for (const Entry& existing : *entries_) {
    if (existing.path == entry.path) {
      throw std::logic_error("StateWriter: '" + entry.path + "' written twice");
    }
  }
  entries_->push_back(std::move(entry));
}

StateReader::StateReader(std::int64_t file, std::string file_name, std::string prefix)
    : file_(file), file_name_(std::move(file_name)), prefix_(std::move(prefix)) {}

StateReader StateReader::group(std::string_view name) const {
  return StateReader(file_, file_name_, prefix_ + std::string(name) + "/");
}

std::size_t StateReader::size(std::string_view name, StateElement element) const {
  const FileContext context(file_name_);
  return open_array(context, file_, prefix_ + std::string(name), file_type(element)).second;
}

void StateReader::read(std::string_view name, StateElement element, void* data,
                       std::size_t count) const {
  const FileContext context(file_name_);
  read_array(context, file_, prefix_ + std::string(name), element, data, count);
}

// ============================================================== checkpoints

std::uint64_t scenario_hash(std::string_view resolved_yaml) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : resolved_yaml) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void write_checkpoint(const std::filesystem::path& path, const Simulation& simulation,
                      const Scenario& scenario, RunWriter* history,
                      const std::string& command_line) {
  Communicator& world = simulation.communicator();
  // The collective part first (gathers, the model's own state), so that a
  // rank that fails to write cannot leave the others waiting in a gather.
  std::vector<AgentTable> gathered;
  gathered.reserve(simulation.tables().size());
  std::vector<const AgentTable*> tables;
  for (const auto& table : simulation.tables()) {
    if (world.size() > 1 && !table->replicated()) {
      gathered.push_back(gather_table(world, *table, 0));
      tables.push_back(&gathered.back());
    } else {
      tables.push_back(table.get());
    }
  }
  StateWriter state;
  if (simulation.model() != nullptr) simulation.model()->save_state(state);
  if (!world.is_root()) return;

  const SilenceErrors silence;
  const std::filesystem::path partial = path.string() + ".partial";
  const FileContext context(partial.string());
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);  // left by an attempt that was killed
  Hid file = create_file(context, partial);
  try {
    const hid_t root = file.get();
    const std::string at = "/";
    write_provenance(context, root, kFormat, kFormatVersion, command_line);
    write_string_attribute(context, root, at, "model", scenario.model);
    write_string_attribute(context, root, at, "scenario_name", scenario.name);
    write_string_attribute(context, root, at, "scenario_file", scenario.file.string());
    write_string_attribute(context, root, at, "scenario_yaml", scenario.resolved_yaml);
    write_string_attribute(context, root, at, "scenario_hash",
                           hex(scenario_hash(scenario.resolved_yaml)));
    write_scalar_attribute<std::uint64_t>(context, root, at, "seed", scenario.seed);
    write_scalar_attribute<std::int64_t>(context, root, at, "step", simulation.current_step());
    write_scalar_attribute<std::int32_t>(context, root, at, "ranks", world.size());
    write_scalar_attribute<std::int8_t>(context, root, at, "history", history != nullptr ? 1 : 0);

    std::uintmax_t bytes = 0;
    std::size_t objects = 2;
    for (const AgentTable* table : tables) {
      bytes += table->size() * table->bytes_per_agent();
      objects += table->column_count() + 2;
    }
    for (const auto& entry : state.entries()) bytes += entry.bytes.size();
    objects += state.entries().size();
    ensure_room(context, root, partial, bytes, objects, 0, "cannot write the checkpoint");

    Hid tables_group = create_group(context, root, "tables", "/tables");
    for (const AgentTable* table : tables) write_table(context, tables_group.get(), *table);
    context.check(tables_group.close(), "cannot close /tables");
    Hid model = create_group(context, root, "model", "/model");
    for (const auto& entry : state.entries()) {
      write_array(context, model.get(), entry.path, file_type(entry.element),
                  memory_type(entry.element), entry.bytes.data(), entry.count);
    }
    context.check(model.close(), "cannot close /model");
    context.check(file.close(), "cannot close the file");

    if (history != nullptr) history->copy_history(partial);

    // Marked complete last: a file without the mark was never finished.
    file =
        context.own(H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "cannot reopen");
    write_scalar_attribute<std::int8_t>(context, file.get(), at, "complete", 1);
    context.check(file.close(), "cannot close the file");
    sync_to_disk(partial, false);
  } catch (...) {
    discard_partial(file, partial);
    throw;
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);  // replaces the previous one at once
  if (error) {
    std::filesystem::remove(partial, ignored);
    throw OutputError(path.string() + ": cannot rename " + partial.string() +
                      " to it: " + error.message());
  }
  const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  sync_to_disk(folder, true);
}

bool is_checkpoint(const std::filesystem::path& path) { return has_format(path, kFormat); }

CheckpointHeader read_checkpoint_header(const std::filesystem::path& path) {
  const SilenceErrors silence;
  const FileContext context(path.string());
  Hid file = open_checkpoint(context, path);
  const hid_t root = file.get();
  if (attribute_text(root, "format") != std::string(kFormat)) {
    throw OutputError(path.string() + ": not a cpsim checkpoint");
  }
  const auto integer = [&](const char* name) -> std::int64_t {
    const auto attribute = read_attribute(root, name);
    if (!attribute || (attribute->kind != FileAttribute::Kind::Integer &&
                       attribute->kind != FileAttribute::Kind::Unsigned)) {
      throw OutputError(path.string() + ": damaged checkpoint (attribute '" + std::string(name) +
                        "' missing)");
    }
    return std::stoll(attribute->text);
  };
  const auto text = [&](const char* name) {
    const auto value = attribute_text(root, name);
    if (!value) {
      throw OutputError(path.string() + ": damaged checkpoint (attribute '" + std::string(name) +
                        "' missing)");
    }
    return *value;
  };
  const auto complete = read_attribute(root, "complete");
  if (!complete || complete->text != "1") {
    throw OutputError(path.string() + ": an unfinished checkpoint (its writing was interrupted)");
  }
  CheckpointHeader header;
  header.cpsim_version = text("cpsim_version");
  if (integer("format_version") != kFormatVersion || header.cpsim_version != version()) {
    throw ScenarioError(path.string() + ": written by cpsim " + header.cpsim_version +
                        ", this is cpsim " + std::string(version()) +
                        ": a checkpoint restarts only with the version that wrote it");
  }
  header.model = text("model");
  header.scenario_name = text("scenario_name");
  header.scenario_file = text("scenario_file");
  header.scenario_yaml = text("scenario_yaml");
  const std::string hash = text("scenario_hash");
  header.scenario_hash = scenario_hash(header.scenario_yaml);
  if (hash != hex(header.scenario_hash)) {
    throw OutputError(path.string() +
                      ": damaged checkpoint (its scenario does not match its hash)");
  }
  header.step = integer("step");
  header.has_history = integer("history") != 0;
  return header;
}

void check_checkpoint_scenario(const CheckpointHeader& header, const Scenario& scenario,
                               const std::filesystem::path& path) {
  if (header.scenario_hash == scenario_hash(scenario.resolved_yaml)) return;
  throw ScenarioError(path.string() + ": written by another scenario ('" + header.scenario_name +
                      "' from " + header.scenario_file + ", hash " + hex(header.scenario_hash) +
                      "), not by " + scenario.file.string() + " as resolved here (hash " +
                      hex(scenario_hash(scenario.resolved_yaml)) +
                      "): a restart needs the same scenario file, --set values, seed and steps");
}

void restore_checkpoint(const std::filesystem::path& path, Simulation& simulation) {
  const CheckpointHeader header = read_checkpoint_header(path);
  const SilenceErrors silence;
  const FileContext context(path.string());
  Hid file = open_checkpoint(context, path);
  if (!has_link(file.get(), "tables")) throw OutputError(path.string() + ": holds no /tables");
  Hid tables =
      context.own(H5Gopen2(file.get(), "tables", H5P_DEFAULT), H5Gclose, "cannot open /tables");
  const bool whole = simulation.communicator().size() == 1;
  for (const auto& table : simulation.tables()) {
    restore_table(context, tables.get(), *table, whole || table->replicated());
  }
  if (simulation.model() != nullptr) {
    StateReader reader(file.get(), path.string(), "/model/");
    simulation.model()->restore_state(reader);
  }
  simulation.resume_after(header.step);
}

void replay_history(const std::filesystem::path& path, const Simulation& simulation,
                    RunWriter& writer,
                    const std::function<void(std::int64_t, const MetricRow&)>& on_row) {
  const SilenceErrors silence;
  const FileContext context(path.string());
  Hid file = open_checkpoint(context, path);
  if (!has_link(file.get(), "history")) {
    throw OutputError(path.string() + ": holds no metric rows (its run wrote no file)");
  }
  Hid history =
      context.own(H5Gopen2(file.get(), "history", H5P_DEFAULT), H5Gclose, "cannot open /history");
  const MetricSet& metrics = simulation.metrics();
  const auto read_matrix = [&](const char* name, hid_t type, std::size_t width, auto& values) {
    const std::string where = std::string("/history/") + name;
    Hid dataset =
        context.own(H5Dopen2(history.get(), name, H5P_DEFAULT), H5Dclose, "cannot open " + where);
    const auto dims = dataset_dims(context, dataset.get(), where);
    if (dims.empty() || (width > 0 && (dims.size() != 2 || dims[1] != width))) {
      throw OutputError(path.string() + ": " + where + " does not match this run's metrics");
    }
    values.resize(values_to_read(context, dims, where));
    read_all(context, dataset.get(), where, type, values.data(), values.size());
    return static_cast<std::size_t>(dims[0]);
  };
  std::vector<std::int64_t> steps;
  std::vector<double> reals;
  std::vector<std::int64_t> integers;
  const std::size_t rows = read_matrix("step", H5T_NATIVE_INT64, 0, steps);
  const std::size_t real_count = metrics.real_count();
  const std::size_t integer_count = metrics.integer_count();
  if (read_matrix("reals", H5T_NATIVE_DOUBLE, real_count, reals) != rows ||
      read_matrix("integers", H5T_NATIVE_INT64, integer_count, integers) != rows) {
    throw OutputError(path.string() + ": /history rows do not match its steps");
  }
  MetricRow row(metrics);
  for (std::size_t r = 0; r < rows; ++r) {
    row.assign(std::span<const double>(reals).subspan(r * real_count, real_count),
               std::span<const std::int64_t>(integers).subspan(r * integer_count, integer_count));
    writer.append_metrics(steps[r], row);
    on_row(steps[r], row);
  }

  if (!has_link(history.get(), "snapshots")) return;
  Hid snapshots = context.own(H5Gopen2(history.get(), "snapshots", H5P_DEFAULT), H5Gclose,
                              "cannot open /history/snapshots");
  for (const auto& name : link_names(context, snapshots.get(), "/history/snapshots")) {
    const AgentTable* table = simulation.find_table(name);
    if (table == nullptr) {
      throw OutputError(path.string() + ": /history/snapshots/" + name +
                        " is not a table of the model");
    }
    Hid group = context.own(H5Gopen2(snapshots.get(), name.c_str(), H5P_DEFAULT), H5Gclose,
                            "cannot open /history/snapshots/" + name);
    for (const auto& step_name : link_names(context, group.get(), "/history/snapshots/" + name)) {
      const std::string where = "/history/snapshots/" + name + "/" + step_name;
      Hid step_group = context.own(H5Gopen2(group.get(), step_name.c_str(), H5P_DEFAULT), H5Gclose,
                                   "cannot open " + where);
      const auto step_attribute = read_attribute(step_group.get(), "step");
      if (!step_attribute) throw OutputError(path.string() + ": " + where + " has no step");
      AgentTable copy = *table;  // the model's columns, then the snapshot's values
      read_table(context, step_group, where, copy, true);
      writer.write_snapshot(std::stoll(step_attribute->text), copy);
    }
  }
}

}  // namespace cpsim
