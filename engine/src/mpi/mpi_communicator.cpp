// The MPI communicator over MPI_COMM_WORLD; compiled only when CMake found
// MPI (CPSIM_WITH_MPI). Elements travel as a contiguous datatype of
// element_size bytes, so counts are element counts (each below 2^31 per rank).
#include <mpi.h>

#include <climits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpsim/engine/communicator.hpp"

namespace cpsim::detail {
namespace {

void check(int status, const char* call) {
  if (status != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + call + " failed");
}

int to_int(std::uint64_t count) {
  if (count > static_cast<std::uint64_t>(INT_MAX)) {
    throw std::runtime_error("MPI: a message of " + std::to_string(count) +
                             " elements exceeds MPI's int counts");
  }
  return static_cast<int>(count);
}

/// Counts and displacements in MPI's int form.
struct Layout {
  std::vector<int> counts, displacements;
  explicit Layout(std::span<const std::uint64_t> element_counts) {
    std::uint64_t offset = 0;
    for (const std::uint64_t count : element_counts) {
      counts.push_back(to_int(count));
      displacements.push_back(to_int(offset));
      offset += count;
    }
  }
};

/// A contiguous datatype of `bytes` bytes, freed at scope exit.
class ElementType {
 public:
  explicit ElementType(std::size_t bytes) {
    check(MPI_Type_contiguous(static_cast<int>(bytes), MPI_BYTE, &type_), "MPI_Type_contiguous");
    check(MPI_Type_commit(&type_), "MPI_Type_commit");
  }
  ~ElementType() { MPI_Type_free(&type_); }
  ElementType(const ElementType&) = delete;
  ElementType& operator=(const ElementType&) = delete;
  [[nodiscard]] MPI_Datatype get() const noexcept { return type_; }

 private:
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

class MpiWorld final : public Communicator {
 public:
  MpiWorld(int& argc, char**& argv) {
    int provided = 0;
    // Collectives are called from one thread at a time (never inside a
    // parallel loop), but not always from the main thread.
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
    if (provided < MPI_THREAD_SERIALIZED) {
      MPI_Finalize();
      throw std::runtime_error("MPI: this MPI library does not offer MPI_THREAD_SERIALIZED");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiWorld() override { MPI_Finalize(); }
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  [[nodiscard]] int rank() const noexcept override { return rank_; }
  [[nodiscard]] int size() const noexcept override { return size_; }

  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

  void broadcast(std::vector<std::byte>& bytes, int root) override {
    auto length = static_cast<std::uint64_t>(bytes.size());
    check(MPI_Bcast(&length, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
    bytes.resize(static_cast<std::size_t>(length));
    check(MPI_Bcast(bytes.data(), to_int(length), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }

  [[nodiscard]] std::int64_t sum(std::int64_t value) override { return reduce(value, MPI_SUM); }
  [[nodiscard]] std::int64_t max(std::int64_t value) override { return reduce(value, MPI_MAX); }

 protected:
  void abort_world(int exit_code) override { MPI_Abort(MPI_COMM_WORLD, exit_code); }
  std::vector<std::uint64_t> allgather_count(std::uint64_t local) override {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&local, 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
          "MPI_Allgather");
    return counts;
  }

  std::vector<std::uint64_t> alltoall_counts(std::span<const std::uint64_t> send_counts) override {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(size_));
    check(MPI_Alltoall(send_counts.data(), 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T,
                       MPI_COMM_WORLD),
          "MPI_Alltoall");
    return counts;
  }

  void allgatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                      std::size_t element_size, void* receive) override {
    const Layout layout(counts);
    const ElementType type(element_size);
    check(MPI_Allgatherv(send, layout.counts[static_cast<std::size_t>(rank_)], type.get(), receive,
                         layout.counts.data(), layout.displacements.data(), type.get(),
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
  }

  void gatherv_raw(const void* send, std::span<const std::uint64_t> counts,
                   std::size_t element_size, void* receive, int root) override {
    const Layout layout(counts);
    const ElementType type(element_size);
    check(MPI_Gatherv(send, layout.counts[static_cast<std::size_t>(rank_)], type.get(), receive,
                      layout.counts.data(), layout.displacements.data(), type.get(), root,
                      MPI_COMM_WORLD),
          "MPI_Gatherv");
  }

  void alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts, void* receive,
                     std::span<const std::uint64_t> receive_counts,
                     std::size_t element_size) override {
    const Layout out(send_counts);
    const Layout in(receive_counts);
    const ElementType type(element_size);
    check(MPI_Alltoallv(send, out.counts.data(), out.displacements.data(), type.get(), receive,
                        in.counts.data(), in.displacements.data(), type.get(), MPI_COMM_WORLD),
          "MPI_Alltoallv");
  }

 private:
  std::int64_t reduce(std::int64_t value, MPI_Op op) {
    std::int64_t result = 0;
    check(MPI_Allreduce(&value, &result, 1, MPI_INT64_T, op, MPI_COMM_WORLD), "MPI_Allreduce");
    return result;
  }

  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

std::unique_ptr<Communicator> open_mpi_world(int& argc, char**& argv) {
  return std::make_unique<MpiWorld>(argc, argv);
}

}  // namespace cpsim::detail
