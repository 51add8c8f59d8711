#include "cpsim/engine/decomposition.hpp"

#include <algorithm>
#include <type_traits>

namespace cpsim {

AgentTable gather_table(Communicator& communicator, const AgentTable& local, int root) {
  AgentTable whole(local.name());
  const std::vector<AgentId> ids = communicator.gatherv<AgentId>(local.ids(), root);
  whole.append(ids);
  for (std::size_t c = 0; c < local.column_count(); ++c) {
    std::visit(
        [&](const auto& values) {
          using T = typename std::decay_t<decltype(values)>::value_type;
          const Column<T> column = whole.add_column<T>(local.column_info(c));
          const std::vector<T> gathered = communicator.gatherv<T>(std::span<const T>(values), root);
          std::copy(gathered.begin(), gathered.end(), whole[column].begin());
        },
        local.column_data(c));
  }
  return whole;
}

}  // namespace cpsim
