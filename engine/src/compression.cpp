#include "cpsim/engine/compression.hpp"

#include "cpsim/engine/errors.hpp"
#include "detail/hdf5.hpp"

namespace cpsim {

std::string_view codec_name(Codec codec) noexcept {
  return codec == Codec::Lz4 ? "lz4" : "deflate";
}

void check_compression(const std::string& file, Compression compression) {
  if (compression.level < 0 || compression.level > 9) {
    throw OutputError(file + ": compression level must be 0..9, got " +
                      std::to_string(compression.level));
  }
  if (compression.codec != Codec::Lz4 || compression.level == 0) return;
  // H5Zfilter_avail loads the plugin from HDF5_PLUGIN_PATH, or else from
  // the library's own plugin folder (Debian's hdf5-filter-plugin installs
  // there), so a file that needs it is refused before anything is written.
  const detail::SilenceErrors silence;
  if (H5Zfilter_avail(static_cast<H5Z_filter_t>(kLz4FilterId)) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw OutputError(file +
                      ": output.codec lz4 needs HDF5's LZ4 filter plugin (filter 32004), which "
                      "this HDF5 cannot load: install Debian's hdf5-filter-plugin, or set "
                      "HDF5_PLUGIN_PATH to the folder holding libh5lz4.so");
  }
}

}  // namespace cpsim
