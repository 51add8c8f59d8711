#pragma once
// Reads every numeric dataset of an HDF5 file as raw bytes, keyed by path,
// so tests can assert that two runs wrote bit-identical data; and root
// attributes.
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cpsim::testing {

using DatasetBytes = std::map<std::string, std::vector<unsigned char>>;

inline herr_t collect_dataset(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  auto& out = *static_cast<DatasetBytes*>(data);
  const hid_t dataset = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(dataset);
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
    const hid_t space = H5Dget_space(dataset);
    const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<unsigned char> bytes(count * H5Tget_size(type));
    if (count > 0) H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
    out[name] = std::move(bytes);
    H5Sclose(space);
  }
  H5Tclose(type);
  H5Dclose(dataset);
  return 0;
}

inline DatasetBytes read_all_datasets(const std::string& path) {
  DatasetBytes out;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return out;
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, collect_dataset, &out, H5O_INFO_BASIC);
  H5Fclose(file);
  return out;
}

/// The bytes of a float64 dataset (from read_all_datasets) as doubles.
inline std::vector<double> as_doubles(const std::vector<unsigned char>& bytes) {
  std::vector<double> values(bytes.size() / sizeof(double));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

/// A root attribute of `path` read as int64 (HDF5 converts any integer
/// type); nullopt when the file or the attribute is missing.
inline std::optional<std::int64_t> read_root_integer_attribute(const std::string& path,
                                                               const char* name) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return std::nullopt;
  std::optional<std::int64_t> value;
  if (H5Aexists(file, name) > 0) {
    const hid_t attribute = H5Aopen(file, name, H5P_DEFAULT);
    std::int64_t read = 0;
    if (attribute >= 0 && H5Aread(attribute, H5T_NATIVE_INT64, &read) >= 0) value = read;
    if (attribute >= 0) H5Aclose(attribute);
  }
  H5Fclose(file);
  return value;
}

}  // namespace cpsim::testing
