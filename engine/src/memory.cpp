// What memory a run may use, and the check of a model's estimate against it
// (model.hpp).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cpsim/engine/model.hpp"

namespace cpsim {
namespace {

constexpr std::uint64_t kUnknown = UINT64_MAX;

/// The value of "KEY: N kB" in a /proc file, in bytes; kUnknown if absent.
std::uint64_t proc_kilobytes(const char* file, std::string_view wanted) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kilobytes = 0;
    if (fields >> key >> kilobytes && key == wanted) return kilobytes * 1024;
  }
  return kUnknown;
}

/// A number in a cgroup file ("max" or missing: kUnknown).
std::uint64_t cgroup_number(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return kUnknown;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return kUnknown;
  }
}

/// Room left under this process's cgroup memory limit (v2: memory.max -
/// memory.current of the group /proc/self/cgroup names; v1: the memory
/// controller's limit_in_bytes - usage_in_bytes).
std::uint64_t cgroup_room() {
  std::string group;
  std::ifstream cgroup("/proc/self/cgroup");
  for (std::string line; std::getline(cgroup, line);) {
    if (line.rfind("0::", 0) == 0) group = line.substr(3);
  }
  for (const std::string& folder : {"/sys/fs/cgroup" + group, std::string("/sys/fs/cgroup")}) {
    const std::uint64_t limit = cgroup_number(folder + "/memory.max");
    if (limit != kUnknown) {
      const std::uint64_t used = cgroup_number(folder + "/memory.current");
      return used == kUnknown ? limit : limit - std::min(limit, used);
    }
  }
  const std::uint64_t limit = cgroup_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  // v1 says "no limit" with a huge number (PAGE_COUNTER_MAX pages).
  if (limit == kUnknown || limit >= (std::uint64_t{1} << 62U)) return kUnknown;
  const std::uint64_t used = cgroup_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  return used == kUnknown ? limit : limit - std::min(limit, used);
}

/// Room left under a process limit (soft), given what the process uses of it.
std::uint64_t limit_room(int resource, std::uint64_t used) {
  rlimit limit{};
  if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kUnknown;
  const auto cap = static_cast<std::uint64_t>(limit.rlim_cur);
  return used == kUnknown ? cap : cap - std::min(cap, used);
}

}  // namespace

std::uint64_t available_memory_bytes() {
  return std::min({proc_kilobytes("/proc/meminfo", "MemAvailable:"),
                   limit_room(RLIMIT_AS, proc_kilobytes("/proc/self/status", "VmSize:")),
                   limit_room(RLIMIT_DATA, proc_kilobytes("/proc/self/status", "VmData:")),
                   cgroup_room()});
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

void check_memory(const ModelInfo& model, const Parameters& parameters, std::uint64_t available) {
  if (!model.estimate_memory) return;
  const MemoryEstimate estimate = model.estimate_memory(parameters);
  if (estimate.bytes > available) {
    parameters.fail(estimate.parameter, "needs about " + format_bytes(estimate.bytes) +
                                            " of memory, " + format_bytes(available) +
                                            " available");
  }
}

}  // namespace cpsim
