#include "cpsim/engine/metrics.hpp"

#include <algorithm>
#include <stdexcept>

namespace cpsim {

std::size_t MetricSet::add_dimension(std::string name, std::vector<std::string> labels) {
  for (const auto& d : dimensions_) {
    if (d.name == name) throw std::logic_error("metric dimension '" + name + "' declared twice");
  }
  dimensions_.push_back({std::move(name), std::move(labels)});
  return dimensions_.size() - 1;
}

MetricSpec& MetricSet::add(std::string name, std::string unit, std::string description,
                           MetricType type, std::vector<std::size_t> dimensions) {
  if (find(name) != specs_.size()) throw std::logic_error("metric '" + name + "' declared twice");
  std::size_t size = 1;
  for (const std::size_t d : dimensions) size *= dimensions_.at(d).labels.size();
  std::size_t& counter = type == MetricType::Real ? real_count_ : integer_count_;
  specs_.push_back({std::move(name),
                    std::move(unit),
                    std::move(description),
                    type,
                    std::move(dimensions),
                    counter,
                    size,
                    {},
                    {}});
  counter += size;
  return specs_.back();
}

Metric<double> MetricSet::add_real(std::string name, std::string unit, std::string description,
                                   std::vector<std::size_t> dimensions) {
  add(std::move(name), std::move(unit), std::move(description), MetricType::Real,
      std::move(dimensions));
  return Metric<double>{specs_.size() - 1};
}

Metric<std::int64_t> MetricSet::add_integer(std::string name, std::string unit,
                                            std::string description,
                                            std::vector<std::size_t> dimensions) {
  add(std::move(name), std::move(unit), std::move(description), MetricType::Integer,
      std::move(dimensions));
  return Metric<std::int64_t>{specs_.size() - 1};
}

void MetricSet::declare_undefined_at_step0(Metric<double> metric, std::string reason) {
  MetricSpec& spec = specs_.at(metric.index);
  if (spec.type != MetricType::Real) {
    throw std::logic_error("metric '" + spec.name + "': only a real metric can be undefined");
  }
  if (reason.empty()) {
    throw std::logic_error("metric '" + spec.name + "': undefined at step 0 needs a reason");
  }
  spec.undefined_at_step0 = std::move(reason);
}

void MetricSet::declare_undefined_where(Metric<double> metric, std::string condition) {
  MetricSpec& spec = specs_.at(metric.index);
  if (spec.type != MetricType::Real) {
    throw std::logic_error("metric '" + spec.name + "': only a real metric can be undefined");
  }
  if (condition.empty()) {
    throw std::logic_error("metric '" + spec.name + "': undefined where needs a condition");
  }
  spec.undefined_where = std::move(condition);
}

std::string undefined_note(const MetricSpec& spec) {
  std::string note;
  if (!spec.undefined_at_step0.empty()) note = "NaN at step 0: " + spec.undefined_at_step0;
  if (!spec.undefined_where.empty()) {
    note += (note.empty() ? "" : "; ") + std::string("NaN where ") + spec.undefined_where;
  }
  return note;
}

std::size_t MetricSet::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name == name) return i;
  }
  return specs_.size();
}

MetricRow::MetricRow(const MetricSet& set)
    : set_(&set), reals_(set.real_count(), 0.0), integers_(set.integer_count(), 0) {}

void MetricRow::reset() noexcept {
  std::fill(reals_.begin(), reals_.end(), 0.0);
  std::fill(integers_.begin(), integers_.end(), std::int64_t{0});
}

void MetricRow::assign(std::span<const double> reals, std::span<const std::int64_t> integers) {
  if (reals.size() != reals_.size() || integers.size() != integers_.size()) {
    throw std::invalid_argument("MetricRow::assign: the values do not match the metrics");
  }
  std::copy(reals.begin(), reals.end(), reals_.begin());
  std::copy(integers.begin(), integers.end(), integers_.begin());
}

namespace {
const MetricSpec& checked(const MetricSet* set, std::size_t index, std::size_t flat_index,
                          MetricType type) {
  if (set == nullptr) throw std::logic_error("MetricRow used without a MetricSet");
  const MetricSpec& spec = set->spec(index);
  if (spec.type != type || flat_index >= spec.size) {
    throw std::out_of_range("metric '" + spec.name + "': index or type mismatch");
  }
  return spec;
}
}  // namespace

void MetricRow::set(Metric<double> metric, std::size_t flat_index, double value) {
  reals_[checked(set_, metric.index, flat_index, MetricType::Real).offset + flat_index] = value;
}

void MetricRow::set(Metric<std::int64_t> metric, std::size_t flat_index, std::int64_t value) {
  integers_[checked(set_, metric.index, flat_index, MetricType::Integer).offset + flat_index] =
      value;
}

double MetricRow::get(Metric<double> metric, std::size_t flat_index) const {
  return reals_[checked(set_, metric.index, flat_index, MetricType::Real).offset + flat_index];
}

std::int64_t MetricRow::get(Metric<std::int64_t> metric, std::size_t flat_index) const {
  return integers_[checked(set_, metric.index, flat_index, MetricType::Integer).offset +
                   flat_index];
}

}  // namespace cpsim
