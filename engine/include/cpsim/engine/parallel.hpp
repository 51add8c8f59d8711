#pragma once
// Parallel loops and deterministic reductions on oneTBB.
//
// Determinism contract: a reduction's result depends only on the input, never
// on the thread count. Sums over agents are formed over fixed blocks of
// `reduction_block` consecutive agents (a size that does not depend on the
// thread count); block partials are computed in parallel and combined in
// block order on one thread. Integer sums are exact in any order anyway.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define CPSIM_TSAN 1
#endif

namespace cpsim {

namespace detail {
/// ThreadSanitizer cannot see the synchronisation inside Debian's libtbb (not
/// built with TSan), so it would miss that a parallel loop's body runs after
/// the code before the loop and before the code after it. These annotations
/// state exactly that fork-join order and nothing more; races between two
/// bodies of the same loop are still reported.
struct ForkJoinAnnotation {
#ifdef CPSIM_TSAN
  char fork = 0;
  char join = 0;
  void before_fork() { __tsan_release(&fork); }
  void body_begins() { __tsan_acquire(&fork); }
  void body_ends() { __tsan_release(&join); }
  void after_join() { __tsan_acquire(&join); }
#else
  void before_fork() {}
  void body_begins() {}
  void body_ends() {}
  void after_join() {}
#endif
};
}  // namespace detail

/// Agents per reduction block. Part of the determinism contract: changing it
/// changes floating-point results in the last bits.
inline constexpr std::size_t reduction_block = 4096;

/// Calls body(begin, end) over [0, n) in parallel chunks of at least `grain`.
/// The body must only write data owned by indices in [begin, end).
template <class Body>
void parallel_for(std::size_t n, Body&& body, std::size_t grain = 1024) {
  if (n == 0) return;
  detail::ForkJoinAnnotation annotation;
  annotation.before_fork();
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<std::size_t>(0, n, grain),
      [&body, &annotation](const oneapi::tbb::blocked_range<std::size_t>& range) {
        annotation.body_begins();
        body(range.begin(), range.end());
        annotation.body_ends();
      });
  annotation.after_join();
}

/// Sum of f(i) over [0, n), identical at any thread count.
template <class T, class F>
T deterministic_sum(std::size_t n, F&& f) {
  const std::size_t blocks = (n + reduction_block - 1) / reduction_block;
  std::vector<T> partial(blocks, T{});
  parallel_for(
      blocks,
      [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b) {
          const std::size_t end = (b + 1) * reduction_block < n ? (b + 1) * reduction_block : n;
          T acc{};
          for (std::size_t i = b * reduction_block; i < end; ++i) acc += f(i);
          partial[b] = acc;
        }
      },
      1);
  T total{};
  for (const T& p : partial) total += p;
  return total;
}

}  // namespace cpsim
