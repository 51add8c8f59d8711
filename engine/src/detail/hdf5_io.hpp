#pragma once
// HDF5 writing and reading helpers shared by the run file (output.cpp) and
// the study file (study_output.cpp): attributes, datasets, dimension scales,
// groups, provenance values and the free-space check. Private to the engine.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpsim/engine/build_info.hpp"
#include "cpsim/engine/compression.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/output.hpp"
#include "hdf5.hpp"

namespace cpsim::detail {

/// Steps per chunk of a metric dataset (fewer for very large metrics).
constexpr hsize_t kMetricChunkSteps = 256;
/// Upper bound on one metric chunk, in values (1 MiB of float64).
constexpr hsize_t kMetricChunkValues = 131072;
/// Agents per chunk of a snapshot column.
constexpr hsize_t kSnapshotChunk = 65536;

// ---------------------------------------------------------------- attributes

inline void write_string_attribute(const FileContext& context, hid_t object,
                                   const std::string& where, const char* name,
                                   const std::string& value) {
  const std::string what = "cannot write attribute " + where + "@" + name;
  Hid type = detail::utf8_string_type(context);
  Hid space = context.own(H5Screate(H5S_SCALAR), H5Sclose, what);
  Hid attribute = context.own(
      H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
  const char* text = value.c_str();
  context.check(H5Awrite(attribute.get(), type.get(), &text), what);
  context.check(attribute.close(), what);
}

/// Writes (or, if it exists, overwrites) a scalar numeric attribute.
template <class T>
inline void write_scalar_attribute(const FileContext& context, hid_t object,
                                   const std::string& where, const char* name, T value) {
  const std::string what = "cannot write attribute " + where + "@" + name;
  const htri_t exists = H5Aexists(object, name);
  if (exists < 0) context.fail(what);
  Hid attribute;
  if (exists > 0) {
    attribute = context.own(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, what);
  } else {
    Hid space = context.own(H5Screate(H5S_SCALAR), H5Sclose, what);
    attribute = context.own(
        H5Acreate2(object, name, H5Type<T>::file(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose, what);
  }
  context.check(H5Awrite(attribute.get(), H5Type<T>::memory(), &value), what);
  context.check(attribute.close(), what);
}

inline void write_units(const FileContext& context, hid_t object, const std::string& where,
                        const std::string& units, const std::string& long_name) {
  write_string_attribute(context, object, where, "units", units);
  write_string_attribute(context, object, where, "long_name", long_name);
}

// ------------------------------------------------------------------ datasets

/// Creates a dataset; `chunk` empty means contiguous storage. Filters
/// (shuffle, then deflate or LZ4) only apply to chunked datasets and level > 0.
inline Hid create_dataset(const FileContext& context, hid_t location, const std::string& name,
                          const std::string& where, hid_t file_type,
                          const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max_dims,
                          const std::vector<hsize_t>& chunk, Compression compression) {
  const std::string what = "cannot create dataset " + where;
  Hid space =
      context.own(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
                  H5Sclose, what);
  Hid properties = context.own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, what);
  if (!chunk.empty()) {
    context.check(H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()),
                  what);
    if (compression.level > 0) {
      context.check(H5Pset_shuffle(properties.get()), what);
      if (compression.codec == Codec::Lz4) {
        // One parameter, the LZ4 block size: 0 takes the filter's default
        // (a chunk is one block); h5py's hdf5plugin.LZ4() writes the same.
        const unsigned block_size = 0;
        context.check(H5Pset_filter(properties.get(), static_cast<H5Z_filter_t>(kLz4FilterId),
                                    H5Z_FLAG_MANDATORY, 1, &block_size),
                      what);
      } else {
        context.check(H5Pset_deflate(properties.get(), static_cast<unsigned>(compression.level)),
                      what);
      }
    }
  }
  return context.own(H5Dcreate2(location, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                properties.get(), H5P_DEFAULT),
                     H5Dclose, what);
}

/// Writes all of a dataset from `data` (nothing to write for zero elements).
inline void write_all(const FileContext& context, hid_t dataset, const std::string& where,
                      hid_t memory_type, const void* data, std::size_t count) {
  if (count == 0) return;
  context.check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                "cannot write dataset " + where);
}

/// Reads all of a dataset of `count` elements into `data` (nothing for zero).
inline void read_all(const FileContext& context, hid_t dataset, const std::string& where,
                     hid_t memory_type, void* data, std::size_t count) {
  if (count == 0) return;
  context.check(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                "cannot read dataset " + where);
}

/// A 1-D dimension scale `name` holding `values`, with storage chunked when
/// `chunked` (snapshots) or contiguous (fixed dimensions).
template <class T>
inline Hid write_scale(const FileContext& context, hid_t location, const std::string& name,
                       const std::string& where, std::span<const T> values, Compression compression,
                       bool chunked) {
  const auto n = static_cast<hsize_t>(values.size());
  std::vector<hsize_t> chunk;
  if (chunked && n > 0) chunk = {std::min(n, kSnapshotChunk)};
  Hid dataset = create_dataset(context, location, name, where, H5Type<T>::file(), {n}, {n}, chunk,
                               chunked ? compression : Compression{});
  write_all(context, dataset.get(), where, H5Type<T>::memory(), values.data(), values.size());
  context.check(H5DSset_scale(dataset.get(), name.c_str()),
                "cannot make " + where + " a dimension scale");
  return dataset;
}

inline void attach(const FileContext& context, hid_t dataset, hid_t scale, unsigned axis,
                   const std::string& where) {
  context.check(H5DSattach_scale(dataset, scale, axis),
                "cannot attach dimension scale to axis " + std::to_string(axis) + " of " + where);
}

/// A 1-D dataset of variable-length UTF-8 strings.
inline Hid write_strings(const FileContext& context, hid_t location, const std::string& name,
                         const std::string& where, const std::vector<std::string>& values) {
  const auto n = static_cast<hsize_t>(values.size());
  Hid type = detail::utf8_string_type(context);
  Hid dataset =
      create_dataset(context, location, name, where, type.get(), {n}, {n}, {}, Compression{});
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value.c_str());
  write_all(context, dataset.get(), where, type.get(), pointers.data(), pointers.size());
  return dataset;
}

/// `<name>_label`: `labels` on dimension scale `scale` (a non-index coordinate in xarray).
inline void write_labels_on(const FileContext& context, hid_t group, const std::string& where,
                            const std::string& name, const std::vector<std::string>& labels,
                            hid_t scale, const std::string& long_name) {
  const std::string label_where = where + "_label";
  Hid label_dataset = write_strings(context, group, name + "_label", label_where, labels);
  attach(context, label_dataset.get(), scale, 0, label_where);
  write_string_attribute(context, label_dataset.get(), label_where, "long_name", long_name);
  context.check(label_dataset.close(), "cannot close " + label_where);
}

/// A labelled dimension: `<name>` (int64 0..n-1, a dimension scale, the
/// index coordinate in xarray) and `<name>_label` (UTF-8 labels on it, a
/// non-index coordinate). Returns the scale, to attach datasets to.
inline Hid write_labelled_dimension(const FileContext& context, hid_t group,
                                    const std::string& group_where, const std::string& name,
                                    const std::vector<std::string>& labels) {
  const std::string where = group_where + "/" + name;
  std::vector<std::int64_t> coordinates(labels.size());
  for (std::size_t i = 0; i < coordinates.size(); ++i) {
    coordinates[i] = static_cast<std::int64_t>(i);
  }
  Hid scale =
      write_scale<std::int64_t>(context, group, name, where, coordinates, Compression{}, false);
  write_units(context, scale.get(), where, "1", "index along dimension " + name);
  write_labels_on(context, group, where, name, labels, scale.get(), "label of each " + name);
  return scale;
}

/// A dimension indexed by its labels: `<name>` (the UTF-8 labels, a dimension
/// scale, so xarray's index coordinate: `ds.sel(sector="services")`) and
/// `<name>_label` (the same labels on it, for readers of files written
/// before the labels were the index). Returns the scale.
inline Hid write_string_dimension(const FileContext& context, hid_t group,
                                  const std::string& group_where, const std::string& name,
                                  const std::vector<std::string>& labels) {
  const std::string where = group_where + "/" + name;
  Hid scale = write_strings(context, group, name, where, labels);
  context.check(H5DSset_scale(scale.get(), name.c_str()),
                "cannot make " + where + " a dimension scale");
  write_string_attribute(context, scale.get(), where, "long_name", "label of each " + name);
  write_labels_on(context, group, where, name, labels, scale.get(),
                  "label of each " + name + " (the same as " + name + ")");
  return scale;
}

/// Track creation order so readers list metrics and columns as declared.
inline void track_creation_order(const FileContext& context, hid_t properties,
                                 const std::string& what) {
  constexpr unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  context.check(H5Pset_link_creation_order(properties, order), what);
  context.check(H5Pset_attr_creation_order(properties, order), what);
}

inline Hid create_group(const FileContext& context, hid_t location, const std::string& name,
                        const std::string& where) {
  const std::string what = "cannot create group " + where;
  Hid properties = context.own(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, what);
  track_creation_order(context, properties.get(), what);
  return context.own(H5Gcreate2(location, name.c_str(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                     H5Gclose, what);
}

/// HDF5 link names may not contain '/' nor be "." (and empty names are useless).
inline void check_name(const FileContext& context, const std::string& kind,
                       const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    throw OutputError(context.path() + ": " + kind + " name '" + name +
                      "' cannot be stored (empty, '.' or contains '/')");
  }
}

inline std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text.data(), length);
}

inline std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return std::string(name.data());
}

/// The attributes a study, study-part or calibration file opens with: its
/// format and version, the cpsim version and commit that wrote it, when,
/// where, and by which command.
inline void write_provenance(const FileContext& context, hid_t root, std::string_view format,
                             std::int32_t format_version, const std::string& command_line) {
  const std::string at = "/";
  write_string_attribute(context, root, at, "format", std::string(format));
  write_scalar_attribute<std::int32_t>(context, root, at, "format_version", format_version);
  write_string_attribute(context, root, at, "cpsim_version", std::string(version()));
  write_string_attribute(context, root, at, "git_commit", std::string(git_commit()));
  write_string_attribute(context, root, at, "created", utc_now_iso8601());
  write_string_attribute(context, root, at, "hostname", host_name());
  write_string_attribute(context, root, at, "command_line", command_line);
}

/// Throws OutputError unless the disk and the file size limit (ulimit -f)
/// leave room to write `bytes` of data and `new_objects` new datasets or
/// groups (one dirty chunk of `metric_chunk_bytes` per dataset counted), and then to close the
/// file.
///
/// Why check instead of letting the write fail: after a failed write HDF5
/// 1.10 cannot always close the file (its metadata cache is left dirty and
/// inconsistent); the file then stays half-closed inside the library, which
/// crashes when the process exits. Refusing beforehand keeps the library
/// able to close, so the caller gets a clean error and the .partial file is
/// removed. The estimate is an upper bound: data uncompressed, one dirty
/// chunk per metric dataset, the whole metadata cache and accumulator.
inline void ensure_room(const FileContext& context, hid_t file,
                        const std::filesystem::path& partial_path, std::uintmax_t bytes,
                        std::size_t new_objects, std::uintmax_t metric_chunk_bytes,
                        const std::string& what) {
  std::size_t max_size = 0;
  std::size_t min_clean_size = 0;
  std::size_t cached = 0;
  int entries = 0;
  if (H5Fget_mdc_size(file, &max_size, &min_clean_size, &cached, &entries) < 0) {
    context.fail(what + ": cannot query the metadata cache");
  }
  constexpr std::uintmax_t kPerObject = 8U << 10;
  constexpr std::uintmax_t kMetadataMargin = 64U << 10;
  constexpr std::uintmax_t kAccumulator = 1U << 20;
  const std::uintmax_t new_metadata = kMetadataMargin + kPerObject * new_objects;

  std::error_code error;
  const auto space = std::filesystem::space(partial_path, error);
  const std::uintmax_t needed = bytes + new_metadata + metric_chunk_bytes + cached + kAccumulator;
  if (!error && space.available < needed) {
    throw OutputError(context.path() + ": " + what + ": No space left on device (needs up to " +
                      std::to_string(needed) + " bytes, " + std::to_string(space.available) +
                      " free)");
  }

  // Cached metadata is written below the end of the allocated space; only
  // new data and new objects make the file longer.
  rlimit limit{};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    hsize_t size = 0;
    if (H5Fget_filesize(file, &size) < 0) context.fail(what + ": cannot query the file size");
    const std::uintmax_t longest = size + bytes + new_metadata + metric_chunk_bytes;
    if (longest > limit.rlim_cur) {
      throw OutputError(context.path() + ": " + what + ": File too large (needs up to " +
                        std::to_string(longest) + " bytes, the file size limit is " +
                        std::to_string(limit.rlim_cur) + ")");
    }
  }
}

// ------------------------------------------------------------------ files

/// Refuses a destination that is a folder, that exists (unless `overwrite`),
/// whose folder does not exist, or whose name (with ".partial", which is
/// written first) is longer than the folder's file system allows, before
/// anything is computed or written. Every refusal is one OutputError line.
inline void check_destination(const std::filesystem::path& final_path, bool overwrite) {
  const std::string final_name = final_path.string();
  if (final_path.empty()) throw OutputError("output file: an empty name");
  const auto folder =
      final_path.has_parent_path() ? final_path.parent_path() : std::filesystem::path(".");
  // The name's length first: status() of a name too long fails with
  // ENAMETOOLONG, and the .partial name is longer still.
  const std::string partial_name = final_path.filename().string() + ".partial";
  const long name_max = ::pathconf(folder.c_str(), _PC_NAME_MAX);
  if (name_max > 0 && partial_name.size() > static_cast<std::size_t>(name_max)) {
    // Named by its start: the whole name would make a very long line.
    throw OutputError(final_name.substr(0, 60) + "...: file name too long (" +
                      std::to_string(partial_name.size()) + " bytes with .partial; the file " +
                      "system allows " + std::to_string(name_max) + ")");
  }
  std::error_code error;
  const auto status = std::filesystem::status(final_path, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    throw OutputError(final_name + ": cannot write here: " + error.message());
  }
  if (std::filesystem::is_directory(status)) {
    throw OutputError(final_name + ": is a folder, not a file name");
  }
  if (std::filesystem::exists(status) && !overwrite) {
    throw OutputError(final_name + ": already exists (use --force to overwrite)");
  }
  if (!std::filesystem::is_directory(folder, error)) {
    throw OutputError(final_name + ": folder " + folder.string() + " does not exist");
  }
}

/// Creates (truncates) `partial_path` with creation order tracked.
inline Hid create_file(const FileContext& context, const std::filesystem::path& partial_path) {
  const std::string what = "cannot create file";
  Hid creation = context.own(H5Pcreate(H5P_FILE_CREATE), H5Pclose, what);
  track_creation_order(context, creation.get(), what);
  Hid access = context.own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, what);
  // Closing the file closes whatever is still open in it, so a failure
  // half-way never leaves the file open (and the .partial undeletable).
  context.check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), what);
  const hid_t file = H5Fcreate(partial_path.c_str(), H5F_ACC_TRUNC, creation.get(), access.get());
  if (file < 0) {
    // It may have been made, empty, before the failure (a full disk): never
    // leave a .partial behind. (HDF5's error stack is read after.)
    std::error_code ignored;
    std::filesystem::remove(partial_path, ignored);
    context.fail(what);
  }
  return Hid(file, H5Fclose);
}

/// Renames a complete, closed `partial` file to `final_path`; refuses if a
/// file appeared there meanwhile and `overwrite` is false.
inline void publish(const std::filesystem::path& partial, const std::filesystem::path& final_path,
                    bool overwrite) {
  const std::string final_name = final_path.string();
  std::error_code error;
  if (!overwrite && std::filesystem::exists(final_path, error)) {
    throw OutputError(final_name + ": appeared during the run; results left in " +
                      partial.string());
  }
  std::filesystem::rename(partial, final_path, error);
  if (error) {
    throw OutputError(final_name + ": cannot rename " + partial.string() +
                      " to it: " + error.message());
  }
}

/// Deletes the unfinished `partial` after a failure while writing it:
/// truncated first so that HDF5's last metadata write on close has room (see
/// RunWriter::Impl::abandon), then closed and removed.
inline void discard_partial(Hid& file, const std::filesystem::path& partial) noexcept {
  std::error_code ignored;
  std::filesystem::resize_file(partial, 0, ignored);
  file.reset();
  std::filesystem::remove(partial, ignored);
}

/// Writes a whole file as NAME.partial and renames it to `final_path` when
/// `write(context, file, partial)` has returned and the file is closed; on
/// any error the partial file is discarded and the error propagates. The
/// calibration file uses it.
template <class Write>
inline void write_complete_file(const std::filesystem::path& final_path, bool overwrite,
                                const Write& write) {
  const SilenceErrors silence;
  check_destination(final_path, overwrite);
  const std::filesystem::path partial = final_path.string() + ".partial";
  const FileContext context(partial.string());
  Hid file = create_file(context, partial);
  try {
    write(context, file.get(), partial);
    context.check(file.close(), "cannot close the file");
  } catch (...) {
    discard_partial(file, partial);
    throw;
  }
  publish(partial, final_path, overwrite);
}

// ------------------------------------------------------------------- reading

/// Names of a group's links, in creation order where the file tracks it.
inline std::vector<std::string> link_names(const FileContext& context, hid_t group,
                                           const std::string& where) {
  H5G_info_t info{};
  context.check(H5Gget_info(group, &info), "cannot list " + where);
  std::vector<std::string> names;
  for (const H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
    names.clear();
    bool ok = true;
    for (hsize_t i = 0; i < info.nlinks && ok; ++i) {
      const ssize_t length =
          H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (length < 0) {
        ok = false;
        break;
      }
      std::string name(static_cast<std::size_t>(length) + 1, '\0');
      if (H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, name.data(), name.size(),
                             H5P_DEFAULT) < 0) {
        ok = false;
        break;
      }
      name.resize(static_cast<std::size_t>(length));
      names.push_back(std::move(name));
    }
    if (ok) return names;
    H5Eclear2(H5E_DEFAULT);
  }
  context.fail("cannot list " + where);
}

inline bool has_link(hid_t location, const char* name) {
  const htri_t exists = H5Lexists(location, name, H5P_DEFAULT);
  if (exists < 0) H5Eclear2(H5E_DEFAULT);
  return exists > 0;
}

inline H5I_type_t object_type(hid_t location, const std::string& name) {
  const hid_t object = H5Oopen(location, name.c_str(), H5P_DEFAULT);
  if (object < 0) {
    H5Eclear2(H5E_DEFAULT);
    return H5I_BADID;
  }
  const H5I_type_t type = H5Iget_type(object);
  H5Oclose(object);
  return type;
}

inline std::string format_double(double value) {
  std::array<char, 64> text{};
  const auto result = std::to_chars(text.data(), text.data() + text.size(), value);
  return std::string(text.data(), result.ptr);
}

/// A scalar (or one-element) attribute's value and kind (the name is left
/// empty); nullopt if of another kind.
inline std::optional<FileAttribute> read_attribute(hid_t attribute) {
  using Kind = FileAttribute::Kind;
  Hid type(H5Aget_type(attribute), H5Tclose);
  Hid space(H5Aget_space(attribute), H5Sclose);
  if (!type.valid() || !space.valid()) return std::nullopt;
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      if (H5Tis_variable_str(type.get()) > 0) {
        Hid memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(memory_type.get(), H5T_VARIABLE);
        H5Tset_cset(memory_type.get(), H5Tget_cset(type.get()));
        char* text = nullptr;
        if (H5Aread(attribute, memory_type.get(), &text) < 0) return std::nullopt;
        std::string value = text != nullptr ? text : "";
        H5free_memory(text);
        return FileAttribute{{}, std::move(value), Kind::Text};
      }
      const std::size_t size = H5Tget_size(type.get());
      std::string value(size, '\0');
      if (H5Aread(attribute, type.get(), value.data()) < 0) return std::nullopt;
      value.resize(std::min(value.find('\0'), value.size()));
      return FileAttribute{{}, std::move(value), Kind::Text};
    }
    case H5T_INTEGER: {
      if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::uint64_t value = 0;
        if (H5Aread(attribute, H5T_NATIVE_UINT64, &value) < 0) return std::nullopt;
        return FileAttribute{{}, std::to_string(value), Kind::Unsigned};
      }
      std::int64_t value = 0;
      if (H5Aread(attribute, H5T_NATIVE_INT64, &value) < 0) return std::nullopt;
      return FileAttribute{{}, std::to_string(value), Kind::Integer};
    }
    case H5T_FLOAT: {
      double value = 0;
      if (H5Aread(attribute, H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
      return FileAttribute{{}, format_double(value), Kind::Real};
    }
    default:
      return std::nullopt;
  }
}

inline std::optional<FileAttribute> read_attribute(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  Hid attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) return std::nullopt;
  std::optional<FileAttribute> value = read_attribute(attribute.get());
  if (value) value->name = name;
  return value;
}

inline std::optional<std::string> attribute_text(hid_t object, const char* name) {
  std::optional<FileAttribute> value = read_attribute(object, name);
  if (!value) return std::nullopt;
  return std::move(value->text);
}

/// True if `path` is a regular HDF5 file whose root attribute `format` is
/// `format` (cpsim-study, cpsim-study-part).
inline bool has_format(const std::filesystem::path& path, std::string_view format) {
  const SilenceErrors silence;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error) || H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return false;
  return attribute_text(file.get(), "format") == std::string(format);
}

/// Root attribute names in creation order (name order if not tracked).
inline std::vector<std::string> attribute_names(hid_t object) {
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  std::vector<std::string> names;
  for (const H5_index_t index : {H5_INDEX_CRT_ORDER, H5_INDEX_NAME}) {
    names.clear();
    hsize_t position = 0;
    if (H5Aiterate2(object, index, H5_ITER_INC, &position, collect, &names) >= 0) return names;
    H5Eclear2(H5E_DEFAULT);
  }
  return {};
}

inline std::vector<hsize_t> dataset_dims(const FileContext& context, hid_t dataset,
                                         const std::string& where) {
  Hid space = context.own(H5Dget_space(dataset), H5Sclose, "cannot read " + where);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) context.fail("cannot read " + where);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

/// Most values read from one dataset at once (2^26: 512 MiB of doubles). A
/// file claiming more (a damaged or hostile file: an extent is only a
/// number) is refused with an OutputError instead of exhausting memory.
inline constexpr std::uint64_t kMaxReadValues = std::uint64_t{1} << 26U;

/// The number of values of a dataset of extent `dims`, refused (OutputError
/// "PATH: WHERE: N values, more than ...") above kMaxReadValues.
inline std::size_t values_to_read(const FileContext& context, const std::vector<hsize_t>& dims,
                                  const std::string& where) {
  std::uint64_t count = 1;
  for (const hsize_t n : dims) {
    if (n != 0 && count > kMaxReadValues / n) {
      count = kMaxReadValues + 1;
      break;
    }
    count *= n;
  }
  if (count > kMaxReadValues) {
    throw OutputError(context.path() + ": " + where + ": more than " +
                      std::to_string(kMaxReadValues) + " values, too many to read");
  }
  return static_cast<std::size_t>(count);
}

/// Refuses (OutputError, exit 3) a file to read that is missing or not a
/// regular file, from its type, before HDF5 opens it: opening a FIFO would
/// wait for a writer, and a device is no file.
inline void check_input_file(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  const std::string name = path.string();
  if (!std::filesystem::exists(status)) throw OutputError(name + ": cannot open (no such file)");
  switch (status.type()) {
    case std::filesystem::file_type::regular:
      return;
    case std::filesystem::file_type::directory:
      throw OutputError(name + ": a folder, not a file");
    case std::filesystem::file_type::fifo:
      throw OutputError(name + ": a FIFO, not a regular file");
    case std::filesystem::file_type::character:
      throw OutputError(name + ": a character device, not a regular file");
    case std::filesystem::file_type::block:
      throw OutputError(name + ": a block device, not a regular file");
    default:
      throw OutputError(name + ": not a regular file");
  }
}

// ------------------------------------------------------------------ reading

/// A 1-D dataset of UTF-8 strings; empty if there is none.
inline std::vector<std::string> read_strings(const FileContext& context, hid_t group,
                                             const std::string& name, const std::string& where) {
  if (!has_link(group, name.c_str())) return {};
  Hid dataset =
      context.own(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + where);
  const auto dims = dataset_dims(context, dataset.get(), where);
  if (dims.size() != 1) return {};
  std::vector<char*> pointers(values_to_read(context, dims, where), nullptr);
  Hid type = utf8_string_type(context);
  if (!pointers.empty()) {
    context.check(
        H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        "cannot read " + where);
  }
  std::vector<std::string> values;
  for (char* text : pointers) {
    values.emplace_back(text != nullptr ? text : "");
    H5free_memory(text);
  }
  return values;
}

/// A whole dataset as doubles, its shape in `dims`.
inline std::vector<double> read_doubles(const FileContext& context, hid_t group,
                                        const std::string& name, const std::string& where,
                                        std::vector<hsize_t>& dims) {
  Hid dataset =
      context.own(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + where);
  dims = dataset_dims(context, dataset.get(), where);
  const std::size_t count = values_to_read(context, dims, where);
  std::vector<double> values(count);
  if (count > 0) {
    context.check(
        H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "cannot read " + where);
  }
  return values;
}

}  // namespace cpsim::detail
