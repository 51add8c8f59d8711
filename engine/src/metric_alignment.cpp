#include "cpsim/engine/metric_alignment.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace cpsim {
namespace {

std::vector<std::string> dimension_names(const MetricSet& set, const MetricSpec& spec) {
  std::vector<std::string> names;
  for (const std::size_t d : spec.dimensions) names.push_back(set.dimensions()[d].name);
  return names;
}

std::size_t find_dimension(const MetricSet& set, const std::string& name) {
  for (std::size_t d = 0; d < set.dimensions().size(); ++d) {
    if (set.dimensions()[d].name == name) return d;
  }
  return set.dimensions().size();
}

}  // namespace

MetricSet union_metrics(std::span<const MetricSet* const> sets) {
  // Dimensions: by name, labels in order of first appearance.
  std::vector<Dimension> dimensions;
  for (const MetricSet* set : sets) {
    for (const Dimension& dimension : set->dimensions()) {
      auto same = std::find_if(dimensions.begin(), dimensions.end(),
                               [&](const Dimension& d) { return d.name == dimension.name; });
      if (same == dimensions.end()) {
        dimensions.push_back(dimension);
        continue;
      }
      for (const std::string& label : dimension.labels) {
        if (std::find(same->labels.begin(), same->labels.end(), label) == same->labels.end()) {
          same->labels.push_back(label);
        }
      }
    }
  }
  // Metrics: the first declaration of each name, checked against the others.
  std::vector<std::pair<const MetricSet*, const MetricSpec*>> metrics;
  for (const MetricSet* set : sets) {
    for (const MetricSpec& spec : set->specs()) {
      auto same = std::find_if(metrics.begin(), metrics.end(),
                               [&](const auto& m) { return m.second->name == spec.name; });
      if (same == metrics.end()) {
        metrics.emplace_back(set, &spec);
        continue;
      }
      const MetricSpec& first = *same->second;
      if (first.type != spec.type || first.unit != spec.unit ||
          dimension_names(*same->first, first) != dimension_names(*set, spec)) {
        throw std::invalid_argument("metric '" + spec.name +
                                    "' is declared with a different type, unit or dimensions");
      }
    }
  }
  MetricSet out;
  for (Dimension& dimension : dimensions) {
    out.add_dimension(std::move(dimension.name), std::move(dimension.labels));
  }
  for (const auto& [set, spec] : metrics) {
    std::vector<std::size_t> dims;
    for (const std::string& name : dimension_names(*set, *spec)) {
      dims.push_back(find_dimension(out, name));
    }
    // Undefined where any variant says so (a union of the reasons' sources).
    std::string at_step0 = spec->undefined_at_step0;
    std::string where = spec->undefined_where;
    for (const MetricSet* other : sets) {
      const std::size_t i = other->find(spec->name);
      if (i == other->specs().size()) continue;
      if (at_step0.empty()) at_step0 = other->spec(i).undefined_at_step0;
      if (where.empty()) where = other->spec(i).undefined_where;
    }
    if (spec->type == MetricType::Real) {
      const Metric<double> metric = out.add_real(spec->name, spec->unit, spec->description, dims);
      if (!at_step0.empty()) out.declare_undefined_at_step0(metric, at_step0);
      if (!where.empty()) out.declare_undefined_where(metric, where);
    } else {
      out.add_integer(spec->name, spec->unit, spec->description, dims);
    }
  }
  return out;
}

MetricRemap::MetricRemap(const MetricSet& from, const MetricSet& to) {
  real_source_.assign(to.real_count(), absent);
  integer_source_.assign(to.integer_count(), absent);
  real_nan_at_step0_.assign(to.real_count(), false);
  identity_ = from.real_count() == to.real_count() && from.integer_count() == to.integer_count();
  for (const MetricSpec& spec : to.specs()) {
    const std::size_t index = from.find(spec.name);
    const bool real = spec.type == MetricType::Real;
    std::vector<std::size_t>& source = real ? real_source_ : integer_source_;
    const MetricSpec* mine = index < from.specs().size() ? &from.spec(index) : nullptr;
    if (mine == nullptr || mine->offset != spec.offset || mine->size != spec.size) {
      identity_ = false;
    }
    // Walk `to`'s elements (row-major) and find each one's labels in `from`.
    std::vector<std::size_t> position(spec.dimensions.size(), 0);
    for (std::size_t element = 0; element < spec.size; ++element) {
      std::size_t at = absent;
      if (mine != nullptr) {
        at = 0;
        for (std::size_t k = 0; k < spec.dimensions.size(); ++k) {
          const Dimension& to_dim = to.dimensions()[spec.dimensions[k]];
          const Dimension& from_dim = from.dimensions()[mine->dimensions[k]];
          const auto found =
              std::find(from_dim.labels.begin(), from_dim.labels.end(), to_dim.labels[position[k]]);
          if (found == from_dim.labels.end()) {
            at = absent;
            break;
          }
          at = at * from_dim.labels.size() +
               static_cast<std::size_t>(found - from_dim.labels.begin());
        }
        if (at != absent) at += mine->offset;
        if (at != spec.offset + element) identity_ = false;
      }
      source[spec.offset + element] = at;
      if (real && at == absent && !spec.undefined_at_step0.empty()) {
        real_nan_at_step0_[spec.offset + element] = true;
      }
      for (std::size_t k = spec.dimensions.size(); k > 0; --k) {
        if (++position[k - 1] < to.dimensions()[spec.dimensions[k - 1]].labels.size()) break;
        position[k - 1] = 0;
      }
    }
  }
}

void MetricRemap::apply(std::span<const double> reals, std::span<const std::int64_t> integers,
                        bool first_row, std::vector<double>& out_reals,
                        std::vector<std::int64_t>& out_integers) const {
  for (std::size_t i = 0; i < real_source_.size(); ++i) {
    const std::size_t at = real_source_[i];
    if (at != absent) {
      out_reals.push_back(reals[at]);
    } else {
      out_reals.push_back(
          first_row && real_nan_at_step0_[i] ? std::numeric_limits<double>::quiet_NaN() : 0.0);
    }
  }
  for (const std::size_t at : integer_source_) {
    out_integers.push_back(at != absent ? integers[at] : 0);
  }
}

}  // namespace cpsim
