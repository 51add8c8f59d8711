#pragma once
// Counter-based random streams (Philox4x64-10 from Random123).
//
// A draw is a pure function of (seed, stream, agent id, step, draw index):
// no generator state is shared between threads or advanced across agents, so
// results do not depend on the thread count, the partition of agents among
// threads, or on which other streams a model draws from. Streams are named,
// and a stream's id is a hash of its name (not a registration order), so a
// policy that adds its own stream shifts nobody else's draws: paired
// scenarios share common random numbers.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace cpsim {

/// 64-bit FNV-1a of a stream name; stable across builds and platforms.
constexpr std::uint64_t stream_id(std::string_view name) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// Four independent 64-bit random words.
using RandomBlock = std::array<std::uint64_t, 4>;

/// Maps a 64-bit word to a double uniform on [0, 1) with 53 random bits.
constexpr double to_unit_interval(std::uint64_t word) noexcept {
  return static_cast<double>(word >> 11) * 0x1.0p-53;
}

/// Maps a 64-bit word to a double uniform on (0, 1]; safe under log().
constexpr double to_unit_interval_open_zero(std::uint64_t word) noexcept {
  return (static_cast<double>(word >> 11) + 1.0) * 0x1.0p-53;
}

/// Maps a 64-bit word to an integer uniform on [0, n) by multiply-shift
/// (Lemire). The bias is below n / 2^64, far beneath any statistical test.
constexpr std::uint64_t to_index(std::uint64_t word, std::uint64_t n) noexcept {
  __extension__ using uint128 = unsigned __int128;  // GCC and Clang; silences -Wpedantic
  return static_cast<std::uint64_t>((static_cast<uint128>(word) * n) >> 64);
}

/// K independent integers, draw j exactly uniform on [0, ranges[j]), from
/// 64-bit uniform candidates: Lemire's batched method (Brackett-Rozinsky and
/// Lemire, "Batched ranged random integer generation", Software: Practice
/// and Experience 2025). Each draw is the high half of the previous low half
/// (the candidate, first) times its range. That is the mixed-radix
/// expansion of candidate * P, P the product of the ranges:
/// candidate * P = 2^64 (x_0 r_1 ... r_{K-1} + ... + x_{K-1}) + L, so the
/// draws are the digits of Lemire's multiply-shift draw on [0, P), made
/// exactly uniform (no bias at all) by its rejection of L < 2^64 mod P.
/// K = 1 is Lemire's method itself ("Fast random integer generation in an
/// interval", ACM TOMACS 2019). `candidate(r)` returns the r-th candidate
/// (r = 0, 1, ...): a keyed draw, so a rejection moves no other draw. A second
/// candidate is needed with probability below P / 2^64, and the modulo is
/// computed only when L < P. Requires every range >= 1 and P < 2^64.
template <std::size_t K, class Candidate>
constexpr std::array<std::uint64_t, K> uniform_batch(const std::array<std::uint64_t, K>& ranges,
                                                     Candidate&& candidate) {
  __extension__ using uint128 = unsigned __int128;  // GCC and Clang; silences -Wpedantic
  std::uint64_t product = 1;
  for (const std::uint64_t range : ranges) product *= range;
  std::array<std::uint64_t, K> draws{};
  for (std::uint64_t r = 0;; ++r) {
    std::uint64_t low = candidate(r);
    for (std::size_t j = 0; j < K; ++j) {
      const uint128 scaled = static_cast<uint128>(low) * ranges[j];
      draws[j] = static_cast<std::uint64_t>(scaled >> 64);
      low = static_cast<std::uint64_t>(scaled);
    }
    if (low >= product || low >= (0 - product) % product) return draws;  // 2^64 mod P
  }
}

/// One named random stream of one simulation. Cheap to copy; thread-safe
/// because it holds no mutable state.
class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint64_t stream) noexcept : key_{{seed, stream}} {}
  RandomStream(std::uint64_t seed, std::string_view name) noexcept
      : RandomStream(seed, stream_id(name)) {}

  /// Four words for (subject, step, index). `subject` is usually a global
  /// agent id; `index` counts blocks drawn by that subject in that step.
  [[nodiscard]] RandomBlock block(std::uint64_t subject, std::uint64_t step,
                                  std::uint64_t index = 0) const noexcept {
    const r123::Philox4x64::ctr_type counter{{subject, step, index, 0}};
    const auto out = r123::Philox4x64{}(counter, key_);
    return {out.v[0], out.v[1], out.v[2], out.v[3]};
  }

  /// One word: word `index % 4` of block `index / 4`.
  [[nodiscard]] std::uint64_t word(std::uint64_t subject, std::uint64_t step,
                                   std::uint64_t index = 0) const noexcept {
    return block(subject, step, index / 4)[index % 4];
  }

  [[nodiscard]] double uniform(std::uint64_t subject, std::uint64_t step,
                               std::uint64_t index = 0) const noexcept {
    return to_unit_interval(word(subject, step, index));
  }

  [[nodiscard]] std::uint64_t index(std::uint64_t subject, std::uint64_t step, std::uint64_t n,
                                    std::uint64_t index = 0) const noexcept {
    return to_index(word(subject, step, index), n);
  }

  /// Standard normal by Box-Muller from two words of one block.
  [[nodiscard]] double normal(std::uint64_t subject, std::uint64_t step,
                              std::uint64_t index = 0) const noexcept {
    const RandomBlock b = block(subject, step, index);
    return box_muller(b[0], b[1]);
  }

  static double box_muller(std::uint64_t a, std::uint64_t b) noexcept {
    constexpr double two_pi = 6.283185307179586476925286766559;
    return std::sqrt(-2.0 * std::log(to_unit_interval_open_zero(a))) *
           std::cos(two_pi * to_unit_interval(b));
  }

  [[nodiscard]] std::uint64_t seed() const noexcept { return key_.v[0]; }
  [[nodiscard]] std::uint64_t id() const noexcept { return key_.v[1]; }

 private:
  r123::Philox4x64::key_type key_{{0, 0}};
};

/// A keyed pseudo-random permutation of [0, n): an unbalanced Feistel network
/// over the smallest power of two >= n, with cycle walking. Any element's
/// image is computed alone in O(1) expected time, so a step's random order or
/// random disjoint pairing can be built in parallel, identically at any
/// thread count. The round keys come from Philox, keyed by (stream, step).
/// Small domains (n <= small_domain) are where a Feistel network on a few bits
/// is measurably non-uniform; there the permutation is an exact Fisher-Yates
/// shuffle with keyed draws, stored as a table.
class KeyedPermutation {
 public:
  KeyedPermutation(std::uint64_t n, const RandomStream& stream, std::uint64_t step);

  [[nodiscard]] std::uint64_t size() const noexcept { return n_; }

  /// The element at position `i` of the permuted order; i < size().
  [[nodiscard]] std::uint64_t operator()(std::uint64_t i) const noexcept {
    if (!table_.empty()) return table_[i];
    std::uint64_t x = i;
    do {
      x = encrypt(x);
    } while (x >= n_);
    return x;
  }

  /// The position of `element` in the permuted order: inverse(p(i)) == i.
  /// Decrypts with the rounds reversed and walks the cycle backwards, so one
  /// element's position costs what one image costs (a decomposed model finds
  /// its own agents' positions without evaluating all n).
  [[nodiscard]] std::uint64_t inverse(std::uint64_t element) const noexcept {
    if (!table_.empty()) return inverse_table_[element];
    std::uint64_t x = element;
    do {
      x = decrypt(x);
    } while (x >= n_);
    return x;
  }

  static constexpr std::uint64_t small_domain = 4096;

 private:
  static constexpr std::size_t rounds = 6;

  /// One pass of the network over the power-of-two domain. The round
  /// function is keyed multiply-shift hashing, ((r ^ k1) * k2) >> (64 - w)
  /// with k2 odd: the top bits of a product depend on every bit of r, it
  /// costs one multiplication, and six rounds pass the uniformity tests.
  [[nodiscard]] std::uint64_t encrypt(std::uint64_t x) const noexcept {
    unsigned left_width = left_bits_;
    unsigned right_width = right_bits_;
    std::uint64_t left = x >> right_width;
    std::uint64_t right = x & ((std::uint64_t{1} << right_width) - 1);
    for (std::size_t r = 0; r < rounds; ++r) {
      const std::uint64_t f = ((right ^ round_xor_[r]) * round_multiplier_[r]) >> (64 - left_width);
      const std::uint64_t next = left ^ f;
      left = right;
      right = next;
      std::swap(left_width, right_width);
    }
    static_assert(rounds % 2 == 0, "an even number of rounds restores the split");
    return (left << right_width) | right;
  }

  /// encrypt's inverse: round r maps (left, right) to (right, left ^ F_r(right)),
  /// so undoing it takes right' = left and left' = right ^ F_r(left).
  [[nodiscard]] std::uint64_t decrypt(std::uint64_t x) const noexcept {
    unsigned left_width = left_bits_;
    unsigned right_width = right_bits_;
    std::uint64_t left = x >> right_width;
    std::uint64_t right = x & ((std::uint64_t{1} << right_width) - 1);
    for (std::size_t r = rounds; r-- > 0;) {
      // Before round r the left part had right_width bits (the widths swap every round).
      const std::uint64_t f = ((left ^ round_xor_[r]) * round_multiplier_[r]) >> (64 - right_width);
      const std::uint64_t previous_left = right ^ f;
      right = left;
      left = previous_left;
      std::swap(left_width, right_width);
    }
    return (left << right_width) | right;
  }

  std::uint64_t n_;
  unsigned left_bits_ = 1;
  unsigned right_bits_ = 1;
  std::array<std::uint64_t, rounds> round_xor_{};
  std::array<std::uint64_t, rounds> round_multiplier_{};
  std::vector<std::uint32_t> table_;          ///< used when n <= small_domain
  std::vector<std::uint32_t> inverse_table_;  ///< table_'s inverse
};

}  // namespace cpsim
