#include "measure_grid_io.hpp"

#include <sstream>

#include "cpsim/engine/study_output.hpp"
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
  Hid year = write_scale<std::int64_t>(context, group.get(), "year", where + "/year", grid.years,
                                       Compression{}, false);
  write_units(context, year.get(), where + "/year", "1", "simulated year (1 = the first)");
  {
    const std::string step_where = where + "/year_step";
    Hid steps =
        create_dataset(context, group.get(), "year_step", step_where, H5T_STD_I64LE,
                       {grid.year_steps.size()}, {grid.year_steps.size()}, {}, Compression{});
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
                                 dims, dims, {}, Compression{});
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

namespace cpsim {

std::optional<std::string> StoredGrid::attribute(const std::string& name) const {
  for (const FileAttribute& a : attributes) {
    if (a.name == name) return a.text;
  }
  return std::nullopt;
}

std::optional<StoredGrid> read_study_grid(const std::filesystem::path& path,
                                          const std::string& name) {
  using namespace detail;  // NOLINT(google-build-using-namespace)
  const SilenceErrors silence;
  if (!is_study_file(path)) throw OutputError(path.string() + ": not a cpsim study file");
  const FileContext context(path.string());
  Hid file =
      context.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
  if (!has_link(file.get(), name.c_str())) return std::nullopt;
  const std::string where = "/" + name;
  Hid group = context.own(H5Gopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Gclose,
                          "cannot open " + where);
  StoredGrid stored;
  for (const auto& attribute : attribute_names(group.get())) {
    if (auto value = read_attribute(group.get(), attribute.c_str())) {
      stored.attributes.push_back(std::move(*value));
    }
  }
  MeasureGrid& grid = stored.grid;
  grid.contrasts = read_strings(context, group.get(), "contrast_label", where + "/contrast_label");
  std::vector<hsize_t> dims;
  for (const double y : read_doubles(context, group.get(), "year", where + "/year", dims)) {
    grid.years.push_back(static_cast<std::int64_t>(y));
  }
  for (const double s :
       read_doubles(context, group.get(), "year_step", where + "/year_step", dims)) {
    grid.year_steps.push_back(static_cast<std::int64_t>(s));
  }
  const std::size_t cells = grid.contrasts.size() * grid.years.size();
  grid.cells.assign(cells, MeasureSet{});
  for (const std::string& dataset_name : link_names(context, group.get(), where)) {
    if (object_type(group.get(), dataset_name) != H5I_DATASET) continue;
    Hid dataset = context.own(H5Dopen2(group.get(), dataset_name.c_str(), H5P_DEFAULT), H5Dclose,
                              "cannot open " + where + "/" + dataset_name);
    const auto names_text = attribute_text(dataset.get(), "dimension_names");
    if (!names_text) continue;  // a coordinate
    std::vector<std::string> names;
    std::istringstream words(*names_text);
    for (std::string word; words >> word;) names.push_back(word);
    const std::vector<double> values =
        read_doubles(context, group.get(), dataset_name, where + "/" + dataset_name, dims);
    if (names.size() != dims.size() || names.size() < 2 || dims[0] != grid.contrasts.size() ||
        dims[1] != grid.years.size()) {
      throw OutputError(path.string() + ": " + where + "/" + dataset_name +
                        ": shape does not match its dimension_names");
    }
    std::size_t per_cell = 1;
    for (std::size_t a = 2; a < dims.size(); ++a) per_cell *= static_cast<std::size_t>(dims[a]);
    for (std::size_t c = 0; c < cells; ++c) {
      MeasureSet& cell = grid.cells[c];
      std::vector<std::size_t> measure_dims;
      for (std::size_t a = 2; a < names.size(); ++a) {
        measure_dims.push_back(
            cell.dimension(names[a], read_strings(context, group.get(), names[a] + "_label",
                                                  where + "/" + names[a] + "_label")));
      }
      Measure& measure =
          cell.add(dataset_name, attribute_text(dataset.get(), "units").value_or(""),
                   attribute_text(dataset.get(), "long_name").value_or(""), measure_dims);
      measure.values.assign(values.begin() + static_cast<std::ptrdiff_t>(c * per_cell),
                            values.begin() + static_cast<std::ptrdiff_t>((c + 1) * per_cell));
    }
  }
  return stored;
}

}  // namespace cpsim
