#include "cpsim/engine/random.hpp"

#include <utility>

namespace cpsim {
namespace {
// SplitMix64's finaliser: a strong 64-bit mixer used as the Feistel round
// function (the round keys, not this function, carry the randomness).
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

KeyedPermutation::KeyedPermutation(std::uint64_t n, const RandomStream& stream, std::uint64_t step)
    : n_(n) {
  if (n <= small_domain) {
    table_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) table_[i] = i;
    for (std::uint64_t i = n; i-- > 1;) {
      std::swap(table_[i], table_[stream.index(~0ULL - 1 - i, step, i + 1)]);
    }
    return;
  }
  // Smallest 2 * half_bits_ >= bit width of n - 1, at least 2 bits overall, so
  // the domain is under 4n and cycle walking takes < 4 tries on average.
  unsigned bits = 0;
  while (bits < 64 && (n > 1 ? ((n - 1) >> bits) != 0 : bits < 1)) ++bits;
  half_bits_ = bits <= 2 ? 1U : (bits + 1) / 2;
  half_mask_ = half_bits_ >= 64 ? ~0ULL : ((1ULL << half_bits_) - 1);
  const RandomBlock a = stream.block(~0ULL, step, 0);
  const RandomBlock b = stream.block(~0ULL, step, 1);
  round_keys_ = {a[0], a[1], a[2], a[3], b[0], b[1]};
}

std::uint64_t KeyedPermutation::encrypt(std::uint64_t x) const noexcept {
  std::uint64_t left = (x >> half_bits_) & half_mask_;
  std::uint64_t right = x & half_mask_;
  for (const std::uint64_t key : round_keys_) {
    const std::uint64_t next = left ^ (mix64(right ^ key) & half_mask_);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

}  // namespace cpsim
