#pragma once
// Writing a MeasureGrid as one HDF5 group (the study file's /households and
// /budget; layout in docs/studies.md). Private to the engine.
#include <string>
#include <utility>
#include <vector>

#include "cpsim/engine/measures.hpp"
#include "detail/hdf5.hpp"

namespace cpsim::detail {

struct GridAttributes {
  std::string description;
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<std::pair<std::string, double>> numbers;
};

void write_measure_grid(const FileContext& context, hid_t root, const std::string& name,
                        const MeasureGrid& grid, const GridAttributes& attributes);

/// Bytes of data the grid holds.
std::uintmax_t measure_grid_bytes(const MeasureGrid& grid);

}  // namespace cpsim::detail
