#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cpsim/engine/model.hpp"

namespace cpsim {

std::uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return UINT64_MAX;  // unknown: do not refuse
}

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
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
                                            " of memory, more than the " + format_bytes(available) +
                                            " available");
  }
}

}  // namespace cpsim
