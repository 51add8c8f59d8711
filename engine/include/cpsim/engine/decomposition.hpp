#pragma once
// Helpers for models whose agents are spread over ranks in contiguous blocks
// of global ids (Simulation::agent_block): what the engine itself needs to
// write one file from a decomposed run, and the packing of a block of rows
// that keeps a replicated table whole when each rank updates its own block.
#include <cstddef>
#include <span>
#include <vector>

#include "cpsim/engine/agent_table.hpp"
#include "cpsim/engine/communicator.hpp"

namespace cpsim {

/// The whole table on `root`: ids and every column concatenated in rank
/// order (global order for block-decomposed tables); an empty table with the
/// same columns elsewhere. A replicated table (AgentTable::replicated) is
/// already whole: root gets its own copy. Collective: every rank calls it.
AgentTable gather_table(Communicator& communicator, const AgentTable& local, int root);

/// Rows [block.begin, block.end) of every column of `table`, column after
/// column, as bytes: what a rank that updated its block of a replicated table
/// sends to the others (one message for all columns).
std::vector<std::byte> pack_block(const AgentTable& table, BlockRange block);

/// Writes rows [block.begin, block.end) of every column from the front of
/// `bytes` (as pack_block wrote them) and returns how many bytes it read.
/// Throws std::logic_error if `bytes` is too short or the block lies outside
/// the table.
std::size_t unpack_block(AgentTable& table, BlockRange block, std::span<const std::byte> bytes);

}  // namespace cpsim
