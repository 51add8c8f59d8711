#include <algorithm>
#include <stdexcept>
#include <string>
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
  models_.push_back(std::move(info));
}

const ModelInfo* ModelRegistry::find(std::string_view name) const {
  const auto it = std::find_if(models_.begin(), models_.end(),
                               [&](const ModelInfo& info) { return info.name == name; });
  return it == models_.end() ? nullptr : &*it;
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
