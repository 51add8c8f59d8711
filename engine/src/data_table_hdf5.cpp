// DataTable::read_hdf5: a group of 1-D datasets (cpsim's snapshot panels,
// h5py's `f.create_dataset(name, data=column)`) or a 1-D compound dataset
// (numpy record arrays, HDF5's table API) as a table of columns.
#include <cstring>
#include <filesystem>
#include <map>

#include "cpsim/engine/data_table.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/input_files.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"

namespace cpsim {

namespace {

using detail::FileContext;
using detail::Hid;

/// Reads one 1-D column: the whole dataset, or its compound `member` if not
/// empty. nullopt for a type that is neither numeric nor text.
std::optional<std::variant<std::vector<std::string>, std::vector<double>>> read_column(
    const FileContext& context, hid_t dataset, hid_t element_type, const std::string& member,
    std::size_t rows, const std::string& where) {
  const H5T_class_t kind = H5Tget_class(element_type);
  Hid memory;
  hid_t element = H5T_NATIVE_DOUBLE;
  Hid string_type;
  const bool text = kind == H5T_STRING;
  if (text) {
    string_type = context.own(H5Tcopy(element_type), H5Tclose, "cannot read " + where);
    element = string_type.get();
  } else if (kind != H5T_INTEGER && kind != H5T_FLOAT) {
    return std::nullopt;
  }
  const std::size_t element_size = H5Tget_size(element);
  hid_t read_type = element;
  if (!member.empty()) {
    memory = context.own(H5Tcreate(H5T_COMPOUND, element_size), H5Tclose, "cannot read " + where);
    context.check(H5Tinsert(memory.get(), member.c_str(), 0, element), "cannot read " + where);
    read_type = memory.get();
  }
  if (!text) {
    std::vector<double> values(rows);
    if (rows > 0) {
      context.check(H5Dread(dataset, read_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                    "cannot read " + where);
    }
    return values;
  }
  std::vector<std::string> values;
  values.reserve(rows);
  if (H5Tis_variable_str(element) > 0) {
    std::vector<char*> pointers(rows, nullptr);
    if (rows > 0) {
      context.check(H5Dread(dataset, read_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
                    "cannot read " + where);
    }
    for (char* p : pointers) {
      values.emplace_back(p != nullptr ? p : "");
      H5free_memory(p);
    }
    return values;
  }
  std::vector<char> bytes(rows * element_size);
  if (rows > 0) {
    context.check(H5Dread(dataset, read_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()),
                  "cannot read " + where);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const char* cell = bytes.data() + r * element_size;
    values.emplace_back(cell, strnlen(cell, element_size));
  }
  return values;
}

}  // namespace

DataTable DataTable::read_hdf5(const std::string& file, const std::string& path) {
  const detail::SilenceErrors silence;
  const std::string source = file + ":" + path;
  const FileContext context(file);
  detail::check_input_file(file);  // a FIFO would block H5Fis_hdf5
  input_files::record(file);
  if (H5Fis_hdf5(file.c_str()) <= 0) throw OutputError(file + ": cannot open (not an HDF5 file)");
  Hid h5 = context.own(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  const H5I_type_t type = path == "/" ? H5I_GROUP : detail::object_type(h5.get(), path);
  if (type != H5I_GROUP && type != H5I_DATASET) {
    throw ScenarioError(source + ": no such group or dataset in the file");
  }
  DataTable table;
  table.source_ = source;
  table.csv_ = false;
  std::map<std::string, std::size_t> lengths;  // for the message when they differ
  const auto add = [&](const std::string& name, hid_t dataset, hid_t element_type,
                       const std::string& member, const std::string& where) {
    const auto dims = detail::dataset_dims(context, dataset, where);
    if (dims.size() != 1) return;
    auto cells = read_column(context, dataset, element_type, member,
                             static_cast<std::size_t>(dims[0]), where);
    if (!cells) return;
    lengths[name] = static_cast<std::size_t>(dims[0]);
    table.columns_.push_back({name, std::move(*cells)});
  };
  if (type == H5I_GROUP) {
    Hid group =
        context.own(H5Gopen2(h5.get(), path.c_str(), H5P_DEFAULT), H5Gclose, "cannot open " + path);
    for (const std::string& name : detail::link_names(context, group.get(), path)) {
      if (detail::object_type(group.get(), name) != H5I_DATASET) continue;
      const std::string where = path + (path == "/" ? "" : "/") + name;
      Hid dataset = context.own(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                                "cannot open " + where);
      Hid element = context.own(H5Dget_type(dataset.get()), H5Tclose, "cannot read " + where);
      add(name, dataset.get(), element.get(), "", where);
    }
  } else {
    Hid dataset =
        context.own(H5Dopen2(h5.get(), path.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + path);
    Hid element = context.own(H5Dget_type(dataset.get()), H5Tclose, "cannot read " + path);
    if (H5Tget_class(element.get()) == H5T_COMPOUND) {
      const int members = H5Tget_nmembers(element.get());
      for (int m = 0; m < members; ++m) {
        char* raw = H5Tget_member_name(element.get(), static_cast<unsigned>(m));
        const std::string name = raw != nullptr ? raw : "";
        H5free_memory(raw);
        Hid member_type = context.own(H5Tget_member_type(element.get(), static_cast<unsigned>(m)),
                                      H5Tclose, "cannot read " + path);
        add(name, dataset.get(), member_type.get(), name, path + "." + name);
      }
    } else {
      add(path.substr(path.find_last_of('/') + 1), dataset.get(), element.get(), "", path);
    }
  }
  if (table.columns_.empty()) {
    throw ScenarioError(source + ": no 1-D numeric or text dataset to read as a column");
  }
  table.rows_ = lengths.begin()->second;
  for (const auto& [name, length] : lengths) {
    if (length != table.rows_) {
      throw ScenarioError(source + ": columns differ in length (" + lengths.begin()->first + ": " +
                          std::to_string(table.rows_) + ", " + name + ": " +
                          std::to_string(length) + ")");
    }
  }
  if (table.rows_ == 0) throw ScenarioError(source + ": no rows (an empty table)");
  return table;
}

}  // namespace cpsim
