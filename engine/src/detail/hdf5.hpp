#pragma once
// Thin RAII and error helpers over the HDF5 C API, private to the engine's
// output code. Every failing call becomes a cpsim::OutputError that names
// the file, what was being done and, when HDF5 says, why (e.g. "No space
// left on device").
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "cpsim/engine/errors.hpp"

namespace cpsim::detail {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);

  Hid() noexcept = default;
  Hid(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  Hid(Hid&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  ~Hid() { reset(); }

  [[nodiscard]] hid_t get() const noexcept { return id_; }
  [[nodiscard]] bool valid() const noexcept { return id_ >= 0; }

  /// Closes now and reports HDF5's status (negative on failure).
  herr_t close() noexcept {
    if (id_ < 0) return 0;
    const herr_t status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }
  /// Closes now, ignoring failures (destructors, error paths).
  void reset() noexcept { static_cast<void>(close()); }
  /// Forgets the identifier without closing it (see RunWriter::Impl::abandon).
  void release() noexcept { id_ = H5I_INVALID_HID; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Keeps HDF5 from registering its exit handler (H5_term_library); must run
/// before the library's first call, so every entry point of the engine's
/// HDF5 code calls it (through SilenceErrors). Why: after a write fails (a
/// full disk, a file-size limit) H5Fclose can fail too and leave the file
/// half-closed inside the library, and the exit handler then crashes on it
/// (SIGSEGV in H5F__close_cb, exit 139 instead of the error's exit 3).
/// cpsim closes every file it opens itself, so the handler has nothing to
/// do; the process's memory and descriptors go back to the system at exit.
inline void skip_library_shutdown() noexcept {
  static const bool skipped = [] {
    static_cast<void>(H5dont_atexit());
    return true;
  }();
  static_cast<void>(skipped);
}

/// Turns HDF5's automatic error printing off for the calling thread while
/// alive (the library keeps that setting per thread), restoring it after.
class SilenceErrors {
 public:
  SilenceErrors() noexcept {
    skip_library_shutdown();
    if (H5Eget_auto2(H5E_DEFAULT, &function_, &data_) < 0) function_ = nullptr;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  SilenceErrors(const SilenceErrors&) = delete;
  SilenceErrors& operator=(const SilenceErrors&) = delete;
  ~SilenceErrors() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }

 private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

/// The most specific reason on HDF5's error stack ("" if none), then clears it.
inline std::string last_hdf5_error() {
  struct Found {
    std::string description;
  } found;
  auto visit = [](unsigned depth, const H5E_error2_t* error, void* data) -> herr_t {
    auto* out = static_cast<Found*>(data);
    if (depth == 0 && error != nullptr && error->desc != nullptr) out->description = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, visit, &found);
  H5Eclear2(H5E_DEFAULT);
  // The POSIX driver writes "..., errno = 28, error message = 'No space left
  // on device', ..." followed by buffer addresses: keep only the message.
  const std::string_view key = "error message = '";
  const auto start = found.description.find(key);
  if (start != std::string::npos) {
    const auto begin = start + key.size();
    const auto end = found.description.find('\'', begin);
    return found.description.substr(begin, end == std::string::npos ? end : end - begin);
  }
  return found.description;
}

/// Error reporting for one file: every message starts with its path.
class FileContext {
 public:
  explicit FileContext(std::string path) : path_(std::move(path)) {}

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// Throws OutputError "PATH: WHAT[: reason from HDF5]".
  [[noreturn]] void fail(const std::string& what) const {
    const std::string reason = last_hdf5_error();
    throw OutputError(path_ + ": " + what + (reason.empty() ? "" : ": " + reason));
  }
  void check(herr_t status, const std::string& what) const {
    if (status < 0) fail(what);
  }
  /// Wraps a freshly returned identifier, throwing if the call failed.
  [[nodiscard]] Hid own(hid_t id, Hid::Closer closer, const std::string& what) const {
    if (id < 0) fail(what);
    return Hid(id, closer);
  }

 private:
  std::string path_;
};

/// HDF5 memory (native) and file (little-endian standard) types of T.
template <class T>
struct H5Type;

#define CPSIM_DETAIL_H5TYPE(T, NATIVE, FILE)          \
  template <>                                         \
  struct H5Type<T> {                                  \
    static hid_t memory() noexcept { return NATIVE; } \
    static hid_t file() noexcept { return FILE; }     \
  }
CPSIM_DETAIL_H5TYPE(std::int8_t, H5T_NATIVE_INT8, H5T_STD_I8LE);
CPSIM_DETAIL_H5TYPE(std::uint8_t, H5T_NATIVE_UINT8, H5T_STD_U8LE);
CPSIM_DETAIL_H5TYPE(std::int16_t, H5T_NATIVE_INT16, H5T_STD_I16LE);
CPSIM_DETAIL_H5TYPE(std::uint16_t, H5T_NATIVE_UINT16, H5T_STD_U16LE);
CPSIM_DETAIL_H5TYPE(std::int32_t, H5T_NATIVE_INT32, H5T_STD_I32LE);
CPSIM_DETAIL_H5TYPE(std::uint32_t, H5T_NATIVE_UINT32, H5T_STD_U32LE);
CPSIM_DETAIL_H5TYPE(std::int64_t, H5T_NATIVE_INT64, H5T_STD_I64LE);
CPSIM_DETAIL_H5TYPE(std::uint64_t, H5T_NATIVE_UINT64, H5T_STD_U64LE);
CPSIM_DETAIL_H5TYPE(float, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE);
CPSIM_DETAIL_H5TYPE(double, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
#undef CPSIM_DETAIL_H5TYPE

/// A variable-length UTF-8 string type (h5py reads it as str, xarray as object).
inline Hid utf8_string_type(const FileContext& context) {
  Hid type = context.own(H5Tcopy(H5T_C_S1), H5Tclose, "cannot create a string type");
  context.check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create a string type");
  context.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create a string type");
  return type;
}

}  // namespace cpsim::detail
