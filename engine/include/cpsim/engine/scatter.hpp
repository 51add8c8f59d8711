#pragma once
// Uniform random scatter of indistinguishable items over [0, n), in parallel
// and identically at any thread count.
//
// Where only how many items land on each slot matters (gifts to random
// receivers, arrivals at random places), the counts are Multinomial(items;
// 1/n, ..., 1/n) whoever sent each item. Drawing them hierarchically keeps all
// writes local: binomial splits over fixed leaves of `scatter_leaf` slots
// (first over groups of `scatter_group` leaves, then over the leaves of each
// group), then uniform draws within each leaf. The law is exactly the
// multinomial's; the leaves and the order of the splits depend only on n, so
// the result does not depend on the thread count, and each leaf's random
// writes stay within a few KiB.
#include <boost/random/binomial_distribution.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/random.hpp"

namespace cpsim {

/// A uniform random bit generator over one keyed counter sequence, for the
/// library distributions that need an engine: word k is word k % 4 of the
/// stream's block (subject, step, k / 4).
class CounterEngine {
 public:
  using result_type = std::uint64_t;
  CounterEngine(const RandomStream& stream, std::uint64_t subject, std::uint64_t step) noexcept
      : stream_(stream), subject_(subject), step_(step) {}
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  result_type operator()() noexcept {
    if (used_ == words_.size()) {
      words_ = stream_.block(subject_, step_, next_block_++);
      used_ = 0;
    }
    return words_[used_++];
  }

 private:
  RandomStream stream_;
  std::uint64_t subject_;
  std::uint64_t step_;
  std::uint64_t next_block_ = 0;
  RandomBlock words_{};
  std::size_t used_ = 4;
};

/// Slots per leaf, and leaves per group. Part of the determinism contract:
/// changing either changes which random numbers place which item.
inline constexpr std::size_t scatter_leaf = 512;
inline constexpr std::size_t scatter_group = 64;

namespace detail {
/// Splits `items` over consecutive parts of the given sizes (summing to
/// `total`) by conditional binomials, part by part: exact multinomial counts.
inline void split_multinomial(std::uint64_t items, std::uint64_t total,
                              const std::vector<std::uint64_t>& sizes, CounterEngine& engine,
                              std::uint64_t* counts) {
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    std::uint64_t share = items;
    if (k + 1 < sizes.size() && items > 0) {
      const double p = static_cast<double>(sizes[k]) / static_cast<double>(total);
      boost::random::binomial_distribution<std::int64_t> binomial(static_cast<std::int64_t>(items),
                                                                  p);
      share = static_cast<std::uint64_t>(binomial(engine));
    }
    counts[k] = share;
    items -= share;
    total -= sizes[k];
  }
}
}  // namespace detail

/// One leaf of a scatter: slots [begin, end) and the items that land on it.
class ScatterLeaf {
 public:
  std::size_t index;  ///< leaf number: begin / scatter_leaf
  std::size_t begin;
  std::size_t end;
  std::uint64_t items;

  /// Calls visit(slot) once per item of this leaf, each slot of the leaf
  /// equally likely.
  template <class Visit>
  void for_each_item(Visit&& visit) const {
    const auto size = static_cast<std::uint64_t>(end - begin);
    for (std::uint64_t k = 0; k < items; k += 4) {
      const RandomBlock words = place_->block(index, step_, k / 4);
      const std::uint64_t m = std::min<std::uint64_t>(4, items - k);
      for (std::uint64_t j = 0; j < m; ++j) visit(begin + to_index(words[j], size));
    }
  }

  ScatterLeaf(std::size_t leaf, std::size_t first, std::size_t last, std::uint64_t count,
              const RandomStream& place, std::uint64_t step) noexcept
      : index(leaf), begin(first), end(last), items(count), place_(&place), step_(step) {}

 private:
  const RandomStream* place_;
  std::uint64_t step_;
};

/// Drops `items` items on slots of [0, n), each slot equally likely and all
/// drops independent, and calls leaf(const ScatterLeaf&) once for every leaf
/// (also those that receive nothing), leaves in parallel. A leaf's task owns
/// its slots: it may also update them before or after placing its items.
/// `split` and `place` are two streams of the caller.
template <class Leaf>
void scatter_uniform(std::uint64_t items, std::size_t n, const RandomStream& split,
                     const RandomStream& place, std::uint64_t step, Leaf&& leaf) {
  if (n == 0) return;
  const std::size_t leaves = (n + scatter_leaf - 1) / scatter_leaf;
  const std::size_t groups = (leaves + scatter_group - 1) / scatter_group;
  const auto slots_in = [n](std::size_t first_slot, std::size_t count) {
    return static_cast<std::uint64_t>(std::min(n, first_slot + count) - first_slot);
  };

  std::vector<std::uint64_t> group_sizes(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    group_sizes[g] = slots_in(g * scatter_group * scatter_leaf, scatter_group * scatter_leaf);
  }
  std::vector<std::uint64_t> group_items(groups);
  CounterEngine top(split, groups, step);  // subject `groups` is no group's
  detail::split_multinomial(items, n, group_sizes, top, group_items.data());

  std::vector<std::uint64_t> leaf_items(leaves);
  const auto split_groups = [&](std::size_t g0, std::size_t g1) {
    std::vector<std::uint64_t> sizes;
    for (std::size_t g = g0; g < g1; ++g) {
      const std::size_t first = g * scatter_group;
      const std::size_t last = std::min(leaves, first + scatter_group);
      sizes.clear();
      for (std::size_t l = first; l < last; ++l)
        sizes.push_back(slots_in(l * scatter_leaf, scatter_leaf));
      CounterEngine engine(split, g, step);
      detail::split_multinomial(group_items[g], group_sizes[g], sizes, engine,
                                leaf_items.data() + first);
    }
  };
  if (groups == 1) {
    split_groups(0, 1);  // a fork-join costs more than one group's splits
  } else {
    parallel_for(groups, split_groups, 1);
  }

  parallel_for(
      leaves,
      [&](std::size_t l0, std::size_t l1) {
        for (std::size_t l = l0; l < l1; ++l) {
          const std::size_t first = l * scatter_leaf;
          leaf(ScatterLeaf(l, first, first + slots_in(first, scatter_leaf), leaf_items[l], place,
                           step));
        }
      },
      1);
}

}  // namespace cpsim
