#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cpsim/engine/model.hpp"

namespace cpsim {

void ModelRegistry::add(ModelInfo info) {
  if (info.name.empty()) {
    throw std::logic_error("ModelRegistry::add: a model needs a name");
  }
  if (find(info.name) != nullptr) {
    throw std::logic_error("ModelRegistry::add: model '" + info.name + "' registered twice");
  }
  static constexpr std::array<std::string_view, 4> reserved = {"type", "enabled", "start", "end"};
  std::vector<std::string> modules;
  for (const PolicyModuleInfo& policy : info.policies) {
    if (policy.name.empty() || policy.name.find('.') != std::string::npos ||
        std::find(modules.begin(), modules.end(), policy.name) != modules.end()) {
      throw std::logic_error("ModelRegistry::add: model '" + info.name +
                             "': policy module names must be unique, non-empty and without '.': '" +
                             policy.name + "'");
    }
    modules.push_back(policy.name);
    for (const std::string& key : policy.schema.children("")) {
      if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
        throw std::logic_error("ModelRegistry::add: policy module '" + policy.name +
                               "' declares the reserved key '" + key + "'");
      }
    }
  }
  models_.push_back(std::move(info));
}

const ModelInfo* ModelRegistry::find(std::string_view name) const {
  const auto it = std::find_if(models_.begin(), models_.end(),
                               [&](const ModelInfo& info) { return info.name == name; });
  return it == models_.end() ? nullptr : &*it;
}

const PolicyModuleInfo* ModelInfo::find_policy(std::string_view module) const {
  const auto it = std::find_if(policies.begin(), policies.end(),
                               [&](const PolicyModuleInfo& p) { return p.name == module; });
  return it == policies.end() ? nullptr : &*it;
}

std::vector<std::string> ModelInfo::policy_names() const {
  std::vector<std::string> result;
  result.reserve(policies.size());
  for (const PolicyModuleInfo& policy : policies) result.push_back(policy.name);
  return result;
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> result;
  result.reserve(models_.size());
  for (const ModelInfo& info : models_) {
    result.push_back(info.name);
  }
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace cpsim
