#pragma once
#include <filesystem>
#include <string>
#include <vector>

/// The input files this process has read: every YAML document, CSV table and
/// HDF5 input, recorded by the readers themselves (yaml::read_text_file and
/// the HDF5 input checks) when they open a file, so a command can state in
/// its output exactly what it read (a calibration's `input_files`
/// attribute). Why: an out-of-sample test must show that held-out data were
/// never opened, and only the readers can say that; a list kept by the
/// caller would only say what it meant to read.
///
/// Thread-safe. Paths are absolute and lexically normal (symbolic links are
/// not resolved, so a path reads as the user wrote it, made absolute).
namespace cpsim::input_files {

/// Records `file` as read. Called by the readers; never throws.
void record(const std::filesystem::path& file) noexcept;

/// Every file recorded so far, sorted, each once.
[[nodiscard]] std::vector<std::string> recorded();

}  // namespace cpsim::input_files
