#pragma once
// How the chunked datasets of an output file (metrics, agent panels, study
// metrics) are compressed: the scenario's `output.codec` and
// `output.compression` (docs/output-format.md, "Compression").
//
// Both codecs run behind the shuffle filter and change only the bytes on
// disk: what h5py, xarray and `cpsim info` read back is the same.
// - deflate (zlib, HDF5's built-in filter): every HDF5 reader opens it.
//   Level 1..9; the default 4.
// - lz4 (HDF5 filter 32004, Debian's `hdf5-filter-plugin`): about nine times
//   less CPU than deflate 4 for a household panel, files about a quarter
//   larger; a reader needs the plugin (Debian's HDF5 finds it by itself).
//   It has no levels: any level above 0 means "on".
// Level 0 stores the data as they are, whatever the codec.
#include <string>
#include <string_view>

namespace cpsim {

enum class Codec { Deflate, Lz4 };

struct Compression {
  int level = 0;  ///< 0: none; 1..9: deflate's level, or just "on" for lz4
  Codec codec = Codec::Deflate;
};

/// The HDF5 filter id of LZ4 (registered with The HDF Group).
inline constexpr int kLz4FilterId = 32004;

/// "deflate" or "lz4": the scenario key's values.
std::string_view codec_name(Codec codec) noexcept;

/// Refuses (OutputError, one line naming `file`) a level outside 0..9, or
/// lz4 when this process's HDF5 cannot load the LZ4 filter plugin.
void check_compression(const std::string& file, Compression compression);

}  // namespace cpsim
