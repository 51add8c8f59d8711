// Parameter draws from a calibration file (parameter_draws.hpp): reading the
// file's /calibration group, the Cholesky factor of its covariance, and the
// study's draws, one per replicate.
#include "cpsim/engine/parameter_draws.hpp"

#include <algorithm>
#include <cmath>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/input_files.hpp"
#include "cpsim/engine/random.hpp"
#include "detail/hdf5.hpp"
#include "detail/hdf5_io.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using yaml::Node;

/// What the calibration file holds.
struct Calibration {
  std::vector<std::string> names;
  std::vector<double> estimate, lower, upper, covariance;
};

/// Reads the file; every problem is a message for the `calibration:` key.
Calibration read_calibration(const fs::path& file, const Node& where) {
  using namespace detail;  // NOLINT(google-build-using-namespace)
  const std::string name = file.string();
  auto refuse = [&](const std::string& message) { where.fail(name + ": " + message); };
  std::error_code error;
  const auto status = fs::status(file, error);
  if (!fs::exists(status)) refuse("cannot read calibration file (no such file)");
  if (!fs::is_regular_file(status)) refuse("not a regular file");
  input_files::record(file);
  const SilenceErrors silence;
  if (H5Fis_hdf5(file.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    refuse("not an HDF5 file (a calibration written by `cpsim calibrate` is expected)");
  }
  Calibration calibration;
  try {
    const FileContext context(name);
    Hid h5 =
        context.own(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open");
    if (!has_link(h5.get(), "calibration") ||
        H5Lexists(h5.get(), "calibration/parameters", H5P_DEFAULT) <= 0) {
      refuse(
          "no group /calibration/parameters (a calibration written by `cpsim calibrate` is "
          "expected)");
    }
    Hid group = context.own(H5Gopen2(h5.get(), "calibration/parameters", H5P_DEFAULT), H5Gclose,
                            "cannot open /calibration/parameters");
    calibration.names = read_strings(context, group.get(), "name", "/calibration/parameters/name");
    if (calibration.names.empty()) refuse("/calibration/parameters/name: missing or empty");
    const std::size_t n = calibration.names.size();
    std::vector<hsize_t> dims;
    for (const auto& [field, values] :
         {std::pair<const char*, std::vector<double>*>{"estimate", &calibration.estimate},
          {"lower", &calibration.lower},
          {"upper", &calibration.upper}}) {
      const std::string path = std::string("/calibration/parameters/") + field;
      if (!has_link(group.get(), field)) refuse(path + ": missing");
      *values = read_doubles(context, group.get(), field, path, dims);
      if (dims.size() != 1 || values->size() != n) {
        refuse(path + ": expected " + std::to_string(n) + " values, one per name, found " +
               std::to_string(values->size()));
      }
    }
    Hid top = context.own(H5Gopen2(h5.get(), "calibration", H5P_DEFAULT), H5Gclose,
                          "cannot open /calibration");
    if (!has_link(top.get(), "covariance")) refuse("/calibration/covariance: missing");
    calibration.covariance =
        read_doubles(context, top.get(), "covariance", "/calibration/covariance", dims);
    if (dims.size() != 2 || dims[0] != n || dims[1] != n) {
      std::string shape;
      for (const hsize_t d : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
      refuse("/calibration/covariance: expected " + std::to_string(n) + " x " + std::to_string(n) +
             " values, found " + (shape.empty() ? "a scalar" : shape));
    }
  } catch (const OutputError& e) {
    where.fail(e.what());
  }
  return calibration;
}

/// The lower Cholesky factor of a symmetric positive semi-definite matrix
/// (a zero pivot, within rounding, gives a zero column: a parameter the
/// calibration fixed). Empty if the matrix is not positive semi-definite.
std::vector<double> cholesky(const std::vector<double>& a, std::size_t n) {
  double largest = 0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(a[i * n + i]));
  const double tolerance = 1e-12 * std::max(largest, 1e-300);
  std::vector<double> l(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    double pivot = a[j * n + j];
    for (std::size_t c = 0; c < j; ++c) pivot -= l[j * n + c] * l[j * n + c];
    if (pivot < -tolerance) return {};
    if (pivot <= tolerance) continue;  // a zero column
    l[j * n + j] = std::sqrt(pivot);
    for (std::size_t i = j + 1; i < n; ++i) {
      double sum = a[i * n + j];
      for (std::size_t c = 0; c < j; ++c) sum -= l[i * n + c] * l[j * n + c];
      l[i * n + j] = sum / l[j * n + j];
    }
  }
  return l;
}

}  // namespace

ParameterDraws read_parameter_draws(const Node& node, const fs::path& folder,
                                    const ParamSchema& schema, std::uint64_t seed,
                                    std::int64_t replicates) {
  ParameterDraws draws;
  draws.location = node.location.source();
  const Node& block = node.expect_map();
  block.check_keys({"calibration", "draws"});
  if (const Node* method = block.find("draws")) {
    const std::string& text = method->as_string("a kind of draws");
    if (text != "multivariate_normal") {
      method->fail("expected multivariate_normal, found " + method->describe() +
                   yaml::suggestion(text, std::vector<std::string>{"multivariate_normal"}));
    }
  }
  const Node& file = block.required("calibration", "missing (the calibration file, FILE.h5)");
  draws.calibration_text = file.as_string("a file name");
  if (draws.calibration_text.empty()) file.fail("expected a file name, found an empty string");
  draws.calibration = fs::path(draws.calibration_text).is_absolute()
                          ? fs::path(draws.calibration_text)
                          : folder / draws.calibration_text;
  const Calibration calibration = read_calibration(draws.calibration, file);
  const std::size_t n = calibration.names.size();
  const std::string prefix = draws.calibration.string() + ": ";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& path = calibration.names[i];
    std::string error;
    const ParamSpec* spec = numeric_parameter(schema, path, error);
    const std::string where = "/calibration/parameters/name[" + std::to_string(i) + "]: ";
    if (spec == nullptr) file.fail(prefix + where + error);
    for (std::size_t j = 0; j < i; ++j) {
      if (calibration.names[j] == path) file.fail(prefix + where + "'" + path + "' appears twice");
    }
    double lower = calibration.lower[i];
    double upper = calibration.upper[i];
    const double estimate = calibration.estimate[i];
    if (!std::isfinite(estimate) || std::isnan(lower) || std::isnan(upper) ||
        !(lower <= estimate) || !(estimate <= upper)) {
      file.fail(prefix + "parameter '" + path + "': expected lower <= estimate <= upper, found " +
                detail::format_double(lower) + ", " + detail::format_double(estimate) + ", " +
                detail::format_double(upper));
    }
    // The draws stay where the model accepts them, too.
    if (spec->min) lower = std::max(lower, *spec->min);
    if (spec->max) upper = std::min(upper, *spec->max);
    draws.parameters.push_back({path, path.substr(std::string("parameters.").size()),
                                spec->type == ParamType::Integer, lower, upper});
  }
  draws.estimate = calibration.estimate;
  draws.covariance = calibration.covariance;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double a = draws.covariance[i * n + j];
      const double b = draws.covariance[j * n + i];
      if (!std::isfinite(a) ||
          std::abs(a - b) > 1e-9 * std::max({std::abs(a), std::abs(b), 1e-300})) {
        file.fail(prefix + "/calibration/covariance: not a finite symmetric matrix (element [" +
                  std::to_string(i) + ", " + std::to_string(j) + "])");
      }
    }
  }
  const std::vector<double> factor = cholesky(draws.covariance, n);
  if (factor.empty()) {
    file.fail(prefix + "/calibration/covariance: not positive semi-definite");
  }

  const RandomStream stream(seed, "parameter_uncertainty");
  const auto count = static_cast<std::size_t>(replicates);
  draws.values.resize(count * n);
  std::vector<double> z(n);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t i = 0; i < n; ++i) z[i] = stream.normal(r, 0, i);
    for (std::size_t i = 0; i < n; ++i) {
      double x = draws.estimate[i];
      for (std::size_t c = 0; c <= i; ++c) x += factor[i * n + c] * z[c];
      const ScenarioParameter& p = draws.parameters[i];
      const double clipped = std::clamp(x, p.lower, p.upper);
      if (clipped != x) ++draws.clipped;
      draws.values[r * n + i] = clipped;
    }
  }
  return draws;
}

Parameters with_draw(const Parameters& parameters, const ParameterDraws& draws, std::size_t r,
                     const std::vector<std::string>& kept) {
  Parameters drawn = parameters;
  const std::span<const double> values = draws.draw(r);
  for (std::size_t i = 0; i < draws.parameters.size(); ++i) {
    const ScenarioParameter& p = draws.parameters[i];
    if (std::find(kept.begin(), kept.end(), p.path) != kept.end()) continue;
    set_parameter(drawn, p, values[i]);
  }
  return drawn;
}

}  // namespace cpsim
