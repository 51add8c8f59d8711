#include "cpsim/engine/study_parts.hpp"

#include <charconv>
#include <cstdio>
#include <system_error>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/input_files.hpp"
#include "cpsim/engine/random.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"

namespace cpsim {

using namespace detail;  // NOLINT(google-build-using-namespace)

namespace {

constexpr std::string_view kPartFormat = "cpsim-study-part";
constexpr std::int32_t kPartFormatVersion = 1;

/// The group of run i: "runs/0000042" (kMaxRuns has 7 digits).
std::string run_name(std::size_t run) {
  std::string digits = std::to_string(run);
  return std::string(digits.size() < 7 ? 7 - digits.size() : 0, '0') + digits;
}

template <class T>
void write_array(const FileContext& context, hid_t group, const std::string& name,
                 const std::string& where, const std::vector<hsize_t>& dims, const T* data) {
  Hid dataset =
      create_dataset(context, group, name, where, H5Type<T>::file(), dims, dims, {}, Compression{});
  std::size_t count = 1;
  for (const hsize_t n : dims) count *= n;
  write_all(context, dataset.get(), where, H5Type<T>::memory(), data, count);
  context.check(dataset.close(), "cannot close " + where);
}

/// A whole dataset of `rank` dimensions, its shape in `dims`.
template <class T>
std::vector<T> read_array(const FileContext& context, hid_t group, const std::string& name,
                          const std::string& where, std::size_t rank, std::vector<hsize_t>& dims) {
  Hid dataset =
      context.own(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + where);
  dims = dataset_dims(context, dataset.get(), where);
  if (dims.size() != rank) {
    throw OutputError(context.path() + ": " + where + ": expected " + std::to_string(rank) +
                      " dimensions, found " + std::to_string(dims.size()));
  }
  std::vector<T> values(values_to_read(context, dims, where));
  if (!values.empty()) {
    context.check(
        H5Dread(dataset.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "cannot read " + where);
  }
  return values;
}

void write_panel(const FileContext& context, hid_t group, const std::string& where,
                 const HouseholdPanel& panel) {
  const hsize_t n = panel.size();
  write_array<std::uint64_t>(context, group, "id", where + "/id", {n}, panel.id.data());
  write_array<double>(context, group, "income", where + "/income", {n}, panel.income.data());
  std::vector<double> persons;
  for (const auto& column : panel.persons)
    persons.insert(persons.end(), column.begin(), column.end());
  write_array<double>(context, group, "persons", where + "/persons", {panel.persons.size(), n},
                      persons.data());
  std::vector<std::uint32_t> groups;
  for (const auto& column : panel.group) groups.insert(groups.end(), column.begin(), column.end());
  write_array<std::uint32_t>(context, group, "groups", where + "/groups", {panel.group.size(), n},
                             groups.data());
}

HouseholdPanel read_panel(const FileContext& context, hid_t group, const std::string& where) {
  HouseholdPanel panel;
  std::vector<hsize_t> dims;
  panel.id = read_array<std::uint64_t>(context, group, "id", where + "/id", 1, dims);
  const hsize_t n = dims[0];
  panel.income = read_array<double>(context, group, "income", where + "/income", 1, dims);
  const auto persons = read_array<double>(context, group, "persons", where + "/persons", 2, dims);
  const hsize_t age_groups = dims[0];
  const bool persons_ok = dims[1] == n || age_groups == 0;
  const auto groups =
      read_array<std::uint32_t>(context, group, "groups", where + "/groups", 2, dims);
  if (panel.income.size() != n || !persons_ok || (dims[0] != 0 && dims[1] != n)) {
    throw OutputError(context.path() + ": " + where + ": its columns differ in length");
  }
  for (hsize_t a = 0; a < age_groups; ++a) {
    panel.persons.emplace_back(persons.begin() + static_cast<std::ptrdiff_t>(a * n),
                               persons.begin() + static_cast<std::ptrdiff_t>((a + 1) * n));
  }
  for (hsize_t g = 0; g < dims[0]; ++g) {
    panel.group.emplace_back(groups.begin() + static_cast<std::ptrdiff_t>(g * n),
                             groups.begin() + static_cast<std::ptrdiff_t>((g + 1) * n));
  }
  return panel;
}

/// A root attribute that must be there, as text.
std::string required_text(const FileContext& context, hid_t root, const char* name) {
  std::optional<std::string> text = attribute_text(root, name);
  if (!text) throw OutputError(context.path() + ": no attribute " + name + " (a damaged part?)");
  return *text;
}

template <class T>
T required_number(const FileContext& context, hid_t root, const char* name) {
  const std::string text = required_text(context, root, name);
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw OutputError(context.path() + ": attribute " + name + " is not a number: '" + text + "'");
  }
  return value;
}

}  // namespace

RunBlock part_runs(std::size_t runs, PartNumber part) noexcept {
  const auto count = static_cast<std::size_t>(part.count);
  const auto index = static_cast<std::size_t>(part.index);
  // runs <= kMaxRuns (1e6) and count <= runs: no overflow in 64 bits.
  return {(index - 1) * runs / count, index * runs / count};
}

PartNumber parse_part(const std::string& text, std::size_t runs) {
  const std::string where = "--part: ";
  const std::size_t slash = text.find('/');
  PartNumber part{0, 0};
  const auto number = [&](std::string_view digits, std::int64_t& value) {
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
  };
  const std::string_view all(text);
  if (slash == std::string::npos || !number(all.substr(0, slash), part.index) ||
      !number(all.substr(slash + 1), part.count)) {
    throw ScenarioError(where + "expected I/N (part I of N, from 1), found '" + text + "'");
  }
  if (part.count < 1 || part.index < 1 || part.index > part.count) {
    throw ScenarioError(where + "expected 1 <= I <= N, found " + text);
  }
  if (static_cast<std::uint64_t>(part.count) > runs) {
    throw ScenarioError(where + "the study has " + std::to_string(runs) + " runs, fewer than " +
                        std::to_string(part.count) + " parts (every part holds at least one run)");
  }
  return part;
}

std::string study_digest(const Study& study) {
  std::string text = study.resolved_yaml;
  for (const StudyVariant& variant : study.variants) {
    text += '\0';
    text += variant.scenario.resolved_yaml;
  }
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx",
                static_cast<unsigned long long>(stream_id(text)));  // NOLINT(google-runtime-int)
  return hex.data();
}

void write_study_part(const std::filesystem::path& path, const Study& study,
                      const StudyResults& results, const StudyPartInfo& info, bool overwrite) {
  const SilenceErrors silence;
  check_destination(path, overwrite);
  const std::size_t runs = study.variants.size() * static_cast<std::size_t>(study.replicates);
  const RunBlock block = part_runs(runs, info.part);
  const std::filesystem::path partial = path.string() + ".partial";
  const FileContext context(partial.string());
  Hid file = create_file(context, partial);
  try {
    const auto rows = static_cast<hsize_t>(results.rows);
    const std::size_t reals = results.metrics.real_count();
    const std::size_t integers = results.metrics.integer_count();
    std::uintmax_t bytes = block.size() * rows * (reals + integers) * sizeof(double);
    std::size_t objects = 16 + block.size() * 3;
    for (std::size_t i = block.first; i < block.last && i < results.panels.size(); ++i) {
      for (const HouseholdPanel& panel : results.panels[i]) {
        bytes += panel.size() * (16 + 8 * panel.persons.size() + 4 * panel.group.size());
        objects += 5;
      }
    }
    ensure_room(context, file.get(), partial, bytes, objects, 0, "cannot write the part");
    const hid_t root = file.get();
    const std::string at = "/";
    write_provenance(context, root, kPartFormat, kPartFormatVersion, info.command_line);
    write_string_attribute(context, root, at, "study_name", study.name);
    write_string_attribute(context, root, at, "study_file", study.file.string());
    std::error_code error;
    write_string_attribute(context, root, at, "working_directory",
                           std::filesystem::current_path(error).string());
    write_string_attribute(context, root, at, "study_digest", study_digest(study));
    write_scalar_attribute<std::uint64_t>(context, root, at, "seed", study.seed);
    write_scalar_attribute<std::int64_t>(context, root, at, "replicates", study.replicates);
    write_scalar_attribute<std::int64_t>(context, root, at, "runs",
                                         static_cast<std::int64_t>(runs));
    write_scalar_attribute<std::int64_t>(context, root, at, "steps", results.rows - 1);
    write_scalar_attribute<std::int64_t>(context, root, at, "part", info.part.index);
    write_scalar_attribute<std::int64_t>(context, root, at, "parts", info.part.count);
    write_scalar_attribute<std::int64_t>(context, root, at, "first_run",
                                         static_cast<std::int64_t>(block.first));
    write_scalar_attribute<std::int64_t>(context, root, at, "run_count",
                                         static_cast<std::int64_t>(block.size()));
    write_scalar_attribute<std::uint64_t>(context, root, at, "real_count", reals);
    write_scalar_attribute<std::uint64_t>(context, root, at, "integer_count", integers);
    write_scalar_attribute<std::int32_t>(context, root, at, "threads", info.threads);
    write_scalar_attribute<std::int32_t>(context, root, at, "jobs", info.jobs);
    write_scalar_attribute<std::int32_t>(context, root, at, "ranks", info.ranks);
    write_scalar_attribute<double>(context, root, at, "wall_seconds", info.wall_seconds);

    Hid group = create_group(context, root, "runs", "/runs");
    for (std::size_t i = block.first; i < block.last; ++i) {
      const std::string where = "/runs/" + run_name(i);
      Hid run = create_group(context, group.get(), run_name(i), where);
      const RunTrajectory& trajectory = results.runs[i];
      write_array<double>(context, run.get(), "reals", where + "/reals", {rows, reals},
                          trajectory.reals.data());
      write_array<std::int64_t>(context, run.get(), "integers", where + "/integers",
                                {rows, integers}, trajectory.integers.data());
      const std::vector<HouseholdPanel> none;
      const auto& panels = i < results.panels.size() ? results.panels[i] : none;
      for (std::size_t k = 0; k < panels.size(); ++k) {
        const std::string name = "panel_" + std::to_string(k);
        Hid panel = create_group(context, run.get(), name, where + "/" + name);
        write_panel(context, panel.get(), where + "/" + name, panels[k]);
      }
    }
    context.check(file.close(), "cannot close the file");
  } catch (...) {
    discard_partial(file, partial);
    throw;
  }
  publish(partial, path, overwrite);
}

bool is_study_part(const std::filesystem::path& path) { return has_format(path, kPartFormat); }

StudyPart read_study_part(const std::filesystem::path& path, bool with_runs) {
  const SilenceErrors silence;
  check_input_file(path);
  input_files::record(path);
  if (!is_study_part(path)) {
    throw OutputError(path.string() + ": not a cpsim study part (written by cpsim study --part)");
  }
  const FileContext context(path.string());
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  const hid_t root = file.get();
  StudyPart part;
  part.path = path;
  part.format_version = required_number<std::int64_t>(context, root, "format_version");
  part.cpsim_version = required_text(context, root, "cpsim_version");
  part.git_commit = required_text(context, root, "git_commit");
  part.study_name = required_text(context, root, "study_name");
  part.study_file = required_text(context, root, "study_file");
  part.working_directory = required_text(context, root, "working_directory");
  part.digest = required_text(context, root, "study_digest");
  part.seed = required_number<std::uint64_t>(context, root, "seed");
  part.replicates = required_number<std::int64_t>(context, root, "replicates");
  part.runs = required_number<std::int64_t>(context, root, "runs");
  part.rows = required_number<std::int64_t>(context, root, "steps") + 1;
  part.part.index = required_number<std::int64_t>(context, root, "part");
  part.part.count = required_number<std::int64_t>(context, root, "parts");
  const auto first = required_number<std::int64_t>(context, root, "first_run");
  const auto count = required_number<std::int64_t>(context, root, "run_count");
  part.real_count = required_number<std::uint64_t>(context, root, "real_count");
  part.integer_count = required_number<std::uint64_t>(context, root, "integer_count");
  part.info.part = part.part;
  part.info.command_line = required_text(context, root, "command_line");
  part.info.threads = required_number<int>(context, root, "threads");
  part.info.jobs = required_number<int>(context, root, "jobs");
  part.info.ranks = required_number<int>(context, root, "ranks");
  part.info.wall_seconds = required_number<double>(context, root, "wall_seconds");
  // A damaged or hostile file may claim anything: within the study bounds,
  // and the block the part number implies.
  if (part.runs < 1 || part.runs > kMaxRuns || part.part.count < 1 || part.part.count > part.runs ||
      part.part.index < 1 || part.part.index > part.part.count || part.rows < 1 ||
      part.rows > kMaxSteps + 1 || part.replicates < 1 || part.replicates > kMaxReplicates) {
    throw OutputError(path.string() +
                      ": its part, runs or steps are out of range (a damaged part?)");
  }
  part.block = part_runs(static_cast<std::size_t>(part.runs), part.part);
  if (first != static_cast<std::int64_t>(part.block.first) ||
      count != static_cast<std::int64_t>(part.block.size())) {
    throw OutputError(path.string() + ": holds runs " + std::to_string(first) + " to " +
                      std::to_string(first + count - 1) + ", not those of part " +
                      std::to_string(part.part.index) + "/" + std::to_string(part.part.count));
  }
  if (!with_runs) return part;

  Hid group = context.own(H5Gopen2(root, "runs", H5P_DEFAULT), H5Gclose, "cannot open /runs");
  const auto rows = static_cast<hsize_t>(part.rows);
  for (std::size_t i = part.block.first; i < part.block.last; ++i) {
    const std::string where = "/runs/" + run_name(i);
    Hid run = context.own(H5Gopen2(group.get(), run_name(i).c_str(), H5P_DEFAULT), H5Gclose,
                          "cannot open " + where);
    RunTrajectory trajectory;
    std::vector<hsize_t> dims;
    trajectory.reals = read_array<double>(context, run.get(), "reals", where + "/reals", 2, dims);
    const bool reals_ok = dims[0] == rows && dims[1] == part.real_count;
    trajectory.integers =
        read_array<std::int64_t>(context, run.get(), "integers", where + "/integers", 2, dims);
    if (!reals_ok || dims[0] != rows || dims[1] != part.integer_count) {
      throw OutputError(path.string() + ": " + where + ": not " + std::to_string(part.rows) +
                        " rows of the part's metrics (a damaged part?)");
    }
    part.trajectories.push_back(std::move(trajectory));
    std::vector<HouseholdPanel> panels;
    for (std::size_t k = 0;; ++k) {
      const std::string name = "panel_" + std::to_string(k);
      if (!has_link(run.get(), name.c_str())) break;
      Hid panel = context.own(H5Gopen2(run.get(), name.c_str(), H5P_DEFAULT), H5Gclose,
                              "cannot open " + where + "/" + name);
      panels.push_back(read_panel(context, panel.get(), where + "/" + name));
    }
    part.panels.push_back(std::move(panels));
  }
  return part;
}

}  // namespace cpsim
