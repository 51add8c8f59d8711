#include "measure_grid_io.hpp"

#include "detail/hdf5_io.hpp"

namespace cpsim {
namespace detail {

void write_measure_grid(const FileContext& context, hid_t root, const std::string& name,
                        const MeasureGrid& grid, const GridAttributes& attributes) {
  const std::string where = "/" + name;
  Hid group = create_group(context, root, name, where);
  write_string_attribute(context, group.get(), where, "description", attributes.description);
  for (const auto& [key, value] : attributes.text) {
    write_string_attribute(context, group.get(), where, key.c_str(), value);
  }
  for (const auto& [key, value] : attributes.numbers) {
    write_scalar_attribute<double>(context, group.get(), where, key.c_str(), value);
  }
  Hid contrast = write_labelled_dimension(context, group.get(), where, "contrast", grid.contrasts);
  Hid year = write_scale<std::int64_t>(context, group.get(), "year", where + "/year", grid.years, 0,
                                       false);
  write_units(context, year.get(), where + "/year", "1", "simulated year (1 = the first)");
  {
    const std::string step_where = where + "/year_step";
    Hid steps = create_dataset(context, group.get(), "year_step", step_where, H5T_STD_I64LE,
                               {grid.year_steps.size()}, {grid.year_steps.size()}, {}, 0);
    write_all(context, steps.get(), step_where, H5T_NATIVE_INT64, grid.year_steps.data(),
              grid.year_steps.size());
    attach(context, steps.get(), year.get(), 0, step_where);
    write_units(context, steps.get(), step_where, "1", "the step that ends the year");
  }
  if (grid.cells.empty()) return;
  const MeasureSet& layout = grid.cells.front();
  std::vector<Hid> scales;
  for (const MeasureDimension& dimension : layout.dimensions) {
    scales.push_back(
        write_labelled_dimension(context, group.get(), where, dimension.name, dimension.labels));
  }
  for (std::size_t m = 0; m < layout.measures.size(); ++m) {
    const Measure& measure = layout.measures[m];
    const std::string measure_where = where + "/" + measure.name;
    std::vector<hsize_t> dims = {grid.contrasts.size(), grid.years.size()};
    std::string coordinates = "contrast_label year_step";
    std::string names = "contrast year";
    for (const std::size_t d : measure.dimensions) {
      dims.push_back(layout.dimensions[d].labels.size());
      coordinates += " " + layout.dimensions[d].name + "_label";
      names += " " + layout.dimensions[d].name;
    }
    Hid dataset = create_dataset(context, group.get(), measure.name, measure_where, H5T_IEEE_F64LE,
                                 dims, dims, {}, 0);
    std::vector<double> values;
    for (const MeasureSet& cell : grid.cells) {
      const Measure& mine = cell.measures.at(m);
      values.insert(values.end(), mine.values.begin(), mine.values.end());
    }
    write_all(context, dataset.get(), measure_where, H5T_NATIVE_DOUBLE, values.data(),
              values.size());
    unsigned axis = 0;
    attach(context, dataset.get(), contrast.get(), axis++, measure_where);
    attach(context, dataset.get(), year.get(), axis++, measure_where);
    for (const std::size_t d : measure.dimensions) {
      attach(context, dataset.get(), scales.at(d).get(), axis++, measure_where);
    }
    write_units(context, dataset.get(), measure_where, measure.unit, measure.description);
    write_string_attribute(context, dataset.get(), measure_where, "coordinates", coordinates);
    write_string_attribute(context, dataset.get(), measure_where, "dimension_names", names);
    context.check(dataset.close(), "cannot close " + measure_where);
  }
}

std::uintmax_t measure_grid_bytes(const MeasureGrid& grid) {
  std::uintmax_t bytes = 4096;
  for (const MeasureSet& cell : grid.cells) {
    for (const Measure& measure : cell.measures) bytes += measure.values.size() * sizeof(double);
  }
  return bytes;
}

}  // namespace detail
}  // namespace cpsim
