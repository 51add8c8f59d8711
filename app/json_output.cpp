#include "json_output.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace cpsim::app {
namespace {

// Keys stay in the order written (metrics in declaration order).
using Json = nlohmann::ordered_json;

std::string document(const Json& json) { return json.dump(2) + '\n'; }

/// Numbers as numbers, as the file stored them.
Json attribute_json(const FileAttribute& attribute) {
  switch (attribute.kind) {
    case FileAttribute::Kind::Integer:
      return std::stoll(attribute.text);
    case FileAttribute::Kind::Unsigned:
      return std::stoull(attribute.text);
    case FileAttribute::Kind::Real:
      return std::stod(attribute.text);
    case FileAttribute::Kind::Text:
      break;
  }
  return attribute.text;
}

Json attributes_json(const std::vector<FileAttribute>& attributes) {
  Json json = Json::object();
  for (const FileAttribute& attribute : attributes)
    json[attribute.name] = attribute_json(attribute);
  return json;
}

Json difference_json(const DifferenceSummary& summary) {
  return {{"mean", summary.mean},
          {"sd", summary.sd},
          {"n", summary.n},
          {"ci_low", summary.ci_low},
          {"ci_high", summary.ci_high}};
}

/// One contrast x metric: the means at `final_step`, the paired difference
/// with its interval, and the last-`window`-steps average when there is one.
Json contrast_json(const ContrastSummaryRow& row, std::int64_t final_step, std::int64_t window) {
  Json json = {{"contrast", row.contrast},
               {"metric", row.metric},
               {"unit", row.unit},
               {"step", final_step},
               {"baseline_mean", row.baseline_mean},
               {"reform_mean", row.reform_mean},
               {"difference", difference_json(row.final_step)}};
  if (row.window && window > 0) {
    Json last = difference_json(*row.window);
    last["steps"] = window;
    json["window"] = std::move(last);
  }
  return json;
}

Json table_json(const ResultTable& table) {
  Json columns = Json::object();
  for (const ResultTable::Column& column : table.columns) {
    Json values = Json::array();
    std::visit([&values](const auto& cells) { values = cells; }, column.values);
    columns[column.name] = {{"unit", column.unit}, {"values", std::move(values)}};
  }
  return {{"description", table.description}, {"columns", std::move(columns)}};
}

Json output_json(const std::filesystem::path& output) {
  return output.empty() ? Json(nullptr) : Json(output.string());
}

}  // namespace

std::string run_summary_json(const RunRequest& request, const RunResult& result, int ranks,
                             bool with_profile) {
  const Scenario& scenario = request.scenario;
  Json metrics = Json::object();
  for (std::size_t i = 0; i < result.metric_names.size(); ++i) {
    metrics[result.metric_names[i]] = {{"unit", result.metric_units[i]},
                                       {"first", result.first_values[i]},
                                       {"last", result.last_values[i]}};
  }
  Json tables = Json::object();
  for (const ResultTable& table : result.tables) tables[table.name] = table_json(table);
  Json json = {{"kind", "run"},
               {"scenario", scenario.name},
               {"scenario_file", scenario.file.string()},
               {"model", scenario.model},
               {"seed", scenario.seed},
               {"steps_requested", scenario.steps},
               {"steps_completed", result.steps_completed},
               {"complete", result.complete},
               {"wall_seconds", result.wall_seconds},
               {"threads", request.threads},
               {"ranks", ranks},
               {"output", output_json(request.output)},
               {"metrics", std::move(metrics)},
               {"tables", std::move(tables)}};
  if (with_profile) json["profile"] = table_json(result.phase_times);
  return document(json);
}

std::string study_summary_json(const StudyRequest& request, const StudyOutcome& outcome) {
  const Study& study = request.study;
  const std::int64_t final_step = outcome.results.rows - 1;
  const std::int64_t window = std::min(study.summary_window, final_step);
  Json scenarios = Json::array();
  for (const StudyVariant& variant : study.variants) scenarios.push_back(variant.name);
  Json contrasts = Json::array();
  for (const ContrastSummaryRow& row : outcome.summary) {
    contrasts.push_back(contrast_json(row, final_step, window));
  }
  Json json = {{"kind", "study"},
               {"study", study.name},
               {"study_file", study.file.string()},
               {"model", study.variants.front().scenario.model},
               {"seed", study.seed},
               {"scenarios", std::move(scenarios)},
               {"replicates", study.replicates},
               {"runs", outcome.runs_completed},
               {"steps", final_step},
               {"steps_per_year", study.steps_per_year},
               {"confidence", study.confidence},
               {"summary_window", window},
               {"wall_seconds", outcome.wall_seconds},
               {"threads", outcome.threads},
               {"jobs", outcome.jobs},
               {"ranks", outcome.ranks},
               {"output", output_json(request.output)},
               {"contrasts", std::move(contrasts)}};
  if (outcome.results.sensitivity) {
    Json tables = Json::array();
    for (const ResultTable& table :
         sensitivity_tables(*study.sensitivity, *outcome.results.sensitivity, study.confidence)) {
      Json entry = table_json(table);
      entry["name"] = table.name;
      tables.push_back(std::move(entry));
    }
    json["sensitivity"] = std::move(tables);
  }
  return document(json);
}

std::string run_file_json(const std::filesystem::path& path, const FileSummary& summary) {
  Json metrics = Json::object();
  for (const FileSummary::MetricSummary& metric : summary.metrics) {
    Json entry = {{"unit", metric.unit}, {"description", metric.description}};
    const auto statistics = [](const auto& s) {
      return Json{
          {"first", s.first}, {"last", s.last}, {"min", s.min}, {"max", s.max}, {"mean", s.mean}};
    };
    if (metric.dimensions.empty()) {
      entry.update(statistics(metric));
    } else {
      entry["values_per_step"] = metric.size;
      entry["dimensions"] = metric.dimensions;
      Json elements = Json::object();
      for (const auto& element : metric.elements) elements[element.label] = statistics(element);
      entry["elements"] = std::move(elements);
    }
    metrics[metric.name] = std::move(entry);
  }
  return document({{"kind", "run"},
                   {"file", path.string()},
                   {"complete", summary.complete},
                   {"partial", summary.partial},
                   {"warnings", summary.warnings},
                   {"rows", summary.rows},
                   {"attributes", attributes_json(summary.attributes)},
                   {"metrics", std::move(metrics)},
                   {"snapshots", summary.snapshot_groups},
                   {"tables", summary.tables}});
}

std::string study_file_json(const std::filesystem::path& path, const StudyFileSummary& summary) {
  const std::int64_t final_step = summary.steps - 1;
  Json contrasts = Json::array();
  for (const ContrastSummaryRow& row : summary.final_step) {
    contrasts.push_back(contrast_json(row, final_step, 0));
  }
  return document({{"kind", "study"},
                   {"file", path.string()},
                   {"scenarios", summary.scenarios},
                   {"replicates", summary.replicates},
                   {"steps", final_step},
                   {"attributes", attributes_json(summary.attributes)},
                   {"metrics", summary.metrics},
                   {"contrasts", std::move(contrasts)}});
}

}  // namespace cpsim::app
