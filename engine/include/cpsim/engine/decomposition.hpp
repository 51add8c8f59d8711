#pragma once
// Helpers for models whose agents are spread over ranks in contiguous blocks
// of global ids (Simulation::agent_block): what the engine itself needs to
// write one file from a decomposed run.
#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/communicator.hpp"

namespace cpsim {

/// The whole table on `root`: ids and every column concatenated in rank
/// order (global order for block-decomposed tables); an empty table with the
/// same columns elsewhere. Collective: every rank calls it.
AgentTable gather_table(Communicator& communicator, const AgentTable& local, int root);

}  // namespace cpsim
