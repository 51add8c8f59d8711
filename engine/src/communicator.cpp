#include "cpsim/engine/communicator.hpp"

#include <cstdlib>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace cpsim {

#ifdef CPSIM_WITH_MPI
namespace detail {
std::unique_ptr<Communicator> open_mpi_world(int& argc, char**& argv);  // mpi/mpi_communicator.cpp
}
#endif

std::string Communicator::broadcast_string(const std::string& text, int root) {
  std::vector<std::byte> bytes(text.size());
  if (!bytes.empty()) std::memcpy(bytes.data(), text.data(), bytes.size());
  broadcast(bytes, root);
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::size_t Communicator::total(std::span<const std::uint64_t> counts) noexcept {
  return static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}));
}

void Communicator::abort(int exit_code) {
  abort_world(exit_code);
  std::_Exit(exit_code);
}

void SerialCommunicator::abort_world(int exit_code) { std::exit(exit_code); }

std::vector<std::uint64_t> SerialCommunicator::alltoall_counts(
    std::span<const std::uint64_t> send_counts) {
  return {send_counts.begin(), send_counts.end()};
}

void SerialCommunicator::allgatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                                        std::size_t element_size, void* receive) {
  if (counts[0] > 0) std::memcpy(receive, send, counts[0] * element_size);
}

void SerialCommunicator::gatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                                     std::size_t element_size, void* receive, int) {
  if (counts[0] > 0) std::memcpy(receive, send, counts[0] * element_size);
}

void SerialCommunicator::alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts,
                                       void* receive, std::span<const std::uint64_t>,
                                       std::size_t element_size) {
  if (send_counts[0] > 0) std::memcpy(receive, send, send_counts[0] * element_size);
}

Communicator& serial_communicator() noexcept {
  // Stateless, so sharing one instance shares nothing mutable.
  static SerialCommunicator serial;
  return serial;
}

bool launched_by_mpi_launcher() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

bool built_with_mpi() noexcept {
#ifdef CPSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

#ifndef CPSIM_WITH_MPI
namespace {
/// The world size a launcher announced, or 1.
long launcher_world_size() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::strtol(value, nullptr, 10);
  }
  return 1;
}
}  // namespace
#endif

std::unique_ptr<Communicator> open_world_communicator([[maybe_unused]] int& argc,
                                                      [[maybe_unused]] char**& argv) {
  if (!launched_by_mpi_launcher()) return std::make_unique<SerialCommunicator>();
#ifdef CPSIM_WITH_MPI
  return detail::open_mpi_world(argc, argv);
#else
  if (launcher_world_size() > 1) {
    throw std::runtime_error("started on " + std::to_string(launcher_world_size()) +
                             " MPI ranks, but this cpsim was built without MPI "
                             "(reconfigure with -DCPSIM_WITH_MPI=ON and libopenmpi-dev)");
  }
  return std::make_unique<SerialCommunicator>();
#endif
}

BlockRange block_range(std::uint64_t count, int rank, int ranks) noexcept {
  __extension__ using uint128 = unsigned __int128;
  const auto edge = [&](int r) {
    return static_cast<std::uint64_t>(static_cast<uint128>(count) * static_cast<unsigned>(r) /
                                      static_cast<unsigned>(ranks));
  };
  return {edge(rank), edge(rank + 1)};
}

int block_owner(std::uint64_t i, std::uint64_t count, int ranks) noexcept {
  // The largest r with floor(count * r / ranks) <= i, i.e. count * r < (i + 1) * ranks.
  __extension__ using uint128 = unsigned __int128;
  return static_cast<int>((static_cast<uint128>(i + 1) * static_cast<unsigned>(ranks) - 1) / count);
}

}  // namespace cpsim
