#pragma once
#include <string_view>

namespace cpsim {
/// cpsim's version (project version in CMakeLists.txt).
std::string_view version();
/// `git describe --always --dirty` of the tree the binary was built from.
std::string_view git_commit();
}  // namespace cpsim
