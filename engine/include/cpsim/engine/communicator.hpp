#pragma once
// The processes a run or a study is spread over (MPI ranks), behind a small
// model-agnostic interface. A serial communicator (one rank, no MPI) is
// always available; the MPI one exists when the build found MPI
// (CPSIM_WITH_MPI) and the process was started by a launcher (mpirun, srun).
//
// Every collective must be called by every rank in the same order, outside
// any oneTBB parallel region (MPI is initialised MPI_THREAD_SERIALIZED).
// Gathered data comes back in rank order; with contiguous blocks of global
// agent ids per rank (block_range) rank order is global order, which is what
// makes decomposed results bit-identical to one process.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace cpsim {

/// Types the collectives move: plain numbers and bytes.
template <class T>
concept Transferable = std::is_arithmetic_v<T> || std::is_same_v<T, std::byte>;

class Communicator {
 public:
  virtual ~Communicator() = default;

  [[nodiscard]] virtual int rank() const noexcept = 0;
  [[nodiscard]] virtual int size() const noexcept = 0;
  [[nodiscard]] bool is_root() const noexcept { return rank() == 0; }

  virtual void barrier() = 0;
  /// Root's bytes replace every other rank's.
  virtual void broadcast(std::vector<std::byte>& bytes, int root) = 0;
  [[nodiscard]] std::string broadcast_string(const std::string& text, int root);

  [[nodiscard]] virtual std::int64_t sum(std::int64_t value) = 0;
  [[nodiscard]] virtual std::int64_t max(std::int64_t value) = 0;

  /// Every rank's `local`, concatenated in rank order, on every rank.
  template <Transferable T>
  [[nodiscard]] std::vector<T> allgatherv(std::span<const T> local) {
    const std::vector<std::uint64_t> counts = allgather_count(local.size());
    std::vector<T> all(total(counts));
    allgatherv_raw(local.data(), counts, sizeof(T), all.data());
    return all;
  }

  /// Every rank's `local` concatenated in rank order on `root`; empty elsewhere.
  template <Transferable T>
  [[nodiscard]] std::vector<T> gatherv(std::span<const T> local, int root) {
    const std::vector<std::uint64_t> counts = allgather_count(local.size());
    std::vector<T> all(rank() == root ? total(counts) : 0);
    gatherv_raw(local.data(), counts, sizeof(T), all.data(), root);
    return all;
  }

  /// Sends send_counts[r] consecutive elements of `send` to rank r (in rank
  /// order) and returns what every rank sent here, in rank order;
  /// `receive_counts` gets how many came from each rank.
  template <Transferable T>
  [[nodiscard]] std::vector<T> alltoallv(std::span<const T> send,
                                         std::span<const std::uint64_t> send_counts,
                                         std::vector<std::uint64_t>& receive_counts) {
    receive_counts = alltoall_counts(send_counts);
    std::vector<T> received(total(receive_counts));
    alltoallv_raw(send.data(), send_counts, received.data(), receive_counts, sizeof(T));
    return received;
  }

  /// Ends every rank's process with `exit_code` (MPI_Abort); for an error
  /// that only this rank saw, which would otherwise leave the others waiting.
  [[noreturn]] void abort(int exit_code);

 protected:
  /// Ends every rank's process (MPI_Abort); abort() exits if it returns.
  virtual void abort_world(int exit_code) = 0;
  [[nodiscard]] static std::size_t total(std::span<const std::uint64_t> counts) noexcept;
  [[nodiscard]] virtual std::vector<std::uint64_t> allgather_count(std::uint64_t local) = 0;
  [[nodiscard]] virtual std::vector<std::uint64_t> alltoall_counts(
      std::span<const std::uint64_t> send_counts) = 0;
  /// Counts are in elements of `element_size` bytes.
  virtual void allgatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                              std::size_t element_size, void* receive) = 0;
  virtual void gatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                           std::size_t element_size, void* receive, int root) = 0;
  virtual void alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts,
                             void* receive, std::span<const std::uint64_t> receive_counts,
                             std::size_t element_size) = 0;
};

/// One rank, no MPI: collectives are copies.
class SerialCommunicator final : public Communicator {
 public:
  [[nodiscard]] int rank() const noexcept override { return 0; }
  [[nodiscard]] int size() const noexcept override { return 1; }
  void barrier() override {}
  void broadcast(std::vector<std::byte>&, int) override {}
  [[nodiscard]] std::int64_t sum(std::int64_t value) override { return value; }
  [[nodiscard]] std::int64_t max(std::int64_t value) override { return value; }

 protected:
  void abort_world(int exit_code) override;
  std::vector<std::uint64_t> allgather_count(std::uint64_t local) override { return {local}; }
  std::vector<std::uint64_t> alltoall_counts(std::span<const std::uint64_t> send_counts) override;
  void allgatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                      std::size_t element_size, void* receive) override;
  void gatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                   std::size_t element_size, void* receive, int root) override;
  void alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts, void* receive,
                     std::span<const std::uint64_t> receive_counts,
                     std::size_t element_size) override;
};

/// A stateless one-rank communicator shared by every simulation that is not
/// given another.
Communicator& serial_communicator() noexcept;

/// True if the environment says an MPI launcher started this process
/// (OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE or PMI_RANK is set).
bool launched_by_mpi_launcher() noexcept;

/// True if this build can use MPI (CPSIM_WITH_MPI).
bool built_with_mpi() noexcept;

/// The process world. Under an MPI launcher (and with MPI built in) it
/// initialises MPI and finalises it when destroyed; otherwise it is a serial
/// communicator and MPI is never touched. Throws std::runtime_error when a
/// launcher started several ranks of a build without MPI (each would run the
/// whole job and write the same file).
std::unique_ptr<Communicator> open_world_communicator(int& argc, char**& argv);

/// The contiguous block [begin, end) of `count` items (global agent ids,
/// runs) that rank `rank` of `ranks` holds: begin = floor(count * rank / ranks).
struct BlockRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] std::uint64_t size() const noexcept { return end - begin; }
  [[nodiscard]] bool contains(std::uint64_t i) const noexcept { return i >= begin && i < end; }
};
BlockRange block_range(std::uint64_t count, int rank, int ranks) noexcept;
/// The rank whose block holds item `i` (< count).
int block_owner(std::uint64_t i, std::uint64_t count, int ranks) noexcept;

}  // namespace cpsim
