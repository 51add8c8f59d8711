#include "cpsim/engine/random.hpp"

namespace cpsim {

KeyedPermutation::KeyedPermutation(std::uint64_t n, const RandomStream& stream, std::uint64_t step)
    : n_(n) {
  if (n <= small_domain) {
    table_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) table_[i] = i;
    for (std::uint64_t i = n; i-- > 1;) {
      std::swap(table_[i], table_[stream.index(~0ULL - 1 - i, step, i + 1)]);
    }
    inverse_table_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) inverse_table_[table_[i]] = i;
    return;
  }
  // The domain is the smallest power of two >= n (at least 4), so cycle
  // walking takes < 2 tries on average. Its bits are split into a left part
  // of ceil(bits/2) and a right part of floor(bits/2); an unbalanced round
  // maps (left, right) to (right, left ^ F(right)), which swaps the two
  // widths, and an even number of rounds brings them back.
  unsigned bits = 2;
  while (bits < 64 && ((n - 1) >> bits) != 0) ++bits;
  right_bits_ = bits / 2;
  left_bits_ = bits - right_bits_;
  for (std::size_t r = 0; r < rounds; r += 2) {
    const RandomBlock words = stream.block(~0ULL, step, r / 2);
    round_xor_[r] = words[0];
    round_multiplier_[r] = words[1] | 1U;
    round_xor_[r + 1] = words[2];
    round_multiplier_[r + 1] = words[3] | 1U;
  }
}

}  // namespace cpsim
