#include "cpsim/engine/input_files.hpp"

#include <mutex>
#include <set>

namespace cpsim::input_files {

namespace {

struct Registry {
  std::mutex mutex;
  std::set<std::string> files;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

void record(const std::filesystem::path& file) noexcept {
  try {
    std::error_code error;
    std::filesystem::path path = std::filesystem::absolute(file, error);
    if (error) path = file;
    std::string name = path.lexically_normal().string();
    Registry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mutex);
    r.files.insert(std::move(name));
  } catch (...) {
    // Out of memory while recording: the list is provenance, not a result;
    // the read itself goes on.
  }
}

std::vector<std::string> recorded() {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  return {r.files.begin(), r.files.end()};
}

}  // namespace cpsim::input_files
