#include "rank_errors.hpp"

#include <atomic>
#include <boost/program_options/errors.hpp>
#include <cstring>
#include <new>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "exit_code.hpp"

namespace cpsim::app {

namespace {
std::atomic<const char*> current_phase{"starting"};
}  // namespace

void set_phase(const char* phase) noexcept { current_phase.store(phase); }

ErrorReport describe_error(std::exception_ptr error, const std::string& command) {
  try {
    std::rethrow_exception(error);
  } catch (const AgreedError& e) {
    return e.report();
  } catch (const std::bad_alloc&) {
    return {exit_io_error, "cpsim " + command + ": out of memory while " + current_phase.load() +
                               " (more than the estimate; see the memory limits in README.md)"};
  } catch (const boost::program_options::error& e) {
    return {exit_bad_input,
            "cpsim " + command + ": " + e.what() + " (try cpsim " + command + " --help)"};
  } catch (const ScenarioError& e) {
    return {exit_bad_input, e.what()};
  } catch (const OutputError& e) {
    return {exit_io_error, e.what()};
  } catch (const SimulationError& e) {
    return {exit_simulation_error, std::string("simulation error: ") + e.what()};
  } catch (const std::exception& e) {
    return {exit_internal_error, std::string("cpsim: internal error: ") + e.what()};
  } catch (...) {
    return {exit_internal_error, "cpsim: internal error: unknown exception"};
  }
}

void agree_on_errors(Communicator& world, const std::function<void()>& body,
                     const std::string& command) {
  if (world.size() == 1) {
    body();
    return;
  }
  ErrorReport mine{0, {}};
  try {
    body();
  } catch (...) {
    mine = describe_error(std::current_exception(), command);
  }
  if (world.max(mine.exit_code != 0 ? 1 : 0) == 0) return;
  // Every rank's code and line, in rank order; the lowest failing rank wins,
  // so the printed line does not depend on timing.
  const std::vector<std::int64_t> codes =
      world.allgatherv<std::int64_t>(std::vector<std::int64_t>{mine.exit_code});
  std::vector<std::byte> bytes(mine.line.size());
  if (!bytes.empty()) std::memcpy(bytes.data(), mine.line.data(), bytes.size());
  const std::vector<std::uint64_t> lengths =
      world.allgatherv<std::uint64_t>(std::vector<std::uint64_t>{mine.line.size()});
  const std::vector<std::byte> lines = world.allgatherv<std::byte>(bytes);
  std::size_t offset = 0;
  for (std::size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] != 0) {
      throw AgreedError({static_cast<int>(codes[r]),
                         std::string(reinterpret_cast<const char*>(lines.data()) + offset,
                                     static_cast<std::size_t>(lengths[r]))});
    }
    offset += static_cast<std::size_t>(lengths[r]);
  }
}

}  // namespace cpsim::app
