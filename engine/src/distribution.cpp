#include "cpsim/engine/distribution.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

#include "cpsim/engine/parallel.hpp"

namespace cpsim {

double gini(std::span<const double> values) { return Distribution(values).gini(); }

namespace {

/// Maps a double to an unsigned integer with the same order (IEEE 754 total
/// order; -0 and +0 map alike).
std::uint64_t sortable_bits(double x) noexcept {
  if (x == 0) x = 0.0;
  std::uint64_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  return (u & 0x8000000000000000ULL) != 0 ? ~u : (u | 0x8000000000000000ULL);
}

double from_sortable_bits(std::uint64_t u) noexcept {
  u = (u & 0x8000000000000000ULL) != 0 ? (u & ~0x8000000000000000ULL) : ~u;
  double x = 0;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

/// Stable LSD radix sort of keys (and weights moved alongside) with 11-bit
/// digits; digits on which all keys agree are skipped, so values of similar
/// magnitude take few passes. Each pass splits the keys into fixed blocks of
/// `radix_block` (a size that does not depend on the thread count): the
/// blocks count their digits in parallel, every (digit, block) gets its
/// output offset in digit-major, block-minor order, and the blocks scatter in
/// parallel. That is exactly the sequential stable sort, so the result does
/// not depend on the thread count.
/// `keys` and `*weights` (if given) end up sorted in place; the buffers are
/// resized as needed and kept by the caller for the next sort.
void radix_sort(std::vector<std::uint64_t>& keys, std::vector<double>* weights,
                std::vector<std::uint64_t>& key_buffer, std::vector<double>& weight_buffer,
                std::vector<std::size_t>& offsets, std::vector<std::uint64_t>& block_differs) {
  constexpr unsigned digit_bits = 11;
  constexpr std::size_t buckets = std::size_t{1} << digit_bits;
  constexpr unsigned passes = (64 + digit_bits - 1) / digit_bits;
  constexpr std::size_t radix_block = std::size_t{1} << 16;
  const std::size_t n = keys.size();
  if (n < 2) return;
  const std::size_t blocks = (n + radix_block - 1) / radix_block;
  // Digits on which every key agrees move nothing: skip those passes.
  block_differs.assign(blocks, 0);
  parallel_for(
      blocks,
      [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b) {
          std::uint64_t bits = 0;
          const std::size_t end = std::min(n, (b + 1) * radix_block);
          for (std::size_t i = b * radix_block; i < end; ++i) bits |= keys[i] ^ keys[0];
          block_differs[b] = bits;
        }
      },
      1);
  std::uint64_t differing_bits = 0;
  for (const std::uint64_t bits : block_differs) differing_bits |= bits;
  offsets.resize(blocks * buckets);  // [block][digit]
  key_buffer.resize(n);
  if (weights != nullptr) weight_buffer.resize(n);
  for (unsigned p = 0; p < passes; ++p) {
    const unsigned shift = p * digit_bits;
    if (((differing_bits >> shift) & (buckets - 1)) == 0) continue;
    const auto digit = [shift](std::uint64_t key) {
      return static_cast<std::size_t>((key >> shift) & (buckets - 1));
    };
    parallel_for(
        blocks,
        [&](std::size_t b0, std::size_t b1) {
          for (std::size_t b = b0; b < b1; ++b) {
            std::size_t* count = &offsets[b * buckets];
            std::fill(count, count + buckets, std::size_t{0});
            const std::size_t end = std::min(n, (b + 1) * radix_block);
            for (std::size_t i = b * radix_block; i < end; ++i) ++count[digit(keys[i])];
          }
        },
        1);
    std::size_t offset = 0;
    for (std::size_t d = 0; d < buckets; ++d) {
      for (std::size_t b = 0; b < blocks; ++b) {
        const std::size_t here = offsets[b * buckets + d];
        offsets[b * buckets + d] = offset;
        offset += here;
      }
    }
    parallel_for(
        blocks,
        [&](std::size_t b0, std::size_t b1) {
          for (std::size_t b = b0; b < b1; ++b) {
            std::size_t* next = &offsets[b * buckets];
            const std::size_t end = std::min(n, (b + 1) * radix_block);
            for (std::size_t i = b * radix_block; i < end; ++i) {
              const std::size_t to = next[digit(keys[i])]++;
              key_buffer[to] = keys[i];
              if (weights != nullptr) weight_buffer[to] = (*weights)[i];
            }
          }
        },
        1);
    keys.swap(key_buffer);
    if (weights != nullptr) weights->swap(weight_buffer);
  }
}

}  // namespace

void Distribution::assign(std::span<const double> values) {
  weights_.assign(values.size(), 1.0);
  sort_by_value(values, /*move_weights=*/false);  // equal weights need not move
}

void Distribution::assign(std::span<const double> values, std::span<const double> weights) {
  if (values.size() != weights.size()) {
    throw std::invalid_argument("Distribution: values and weights differ in length");
  }
  for (const double w : weights) {
    if (!(w >= 0)) throw std::invalid_argument("Distribution: negative weight");
  }
  weights_.assign(weights.begin(), weights.end());
  sort_by_value(values, /*move_weights=*/true);
}

void Distribution::assign_integers(std::span<const std::int64_t> values, double unit) {
  if (!(unit > 0) || !std::isfinite(unit)) {
    throw std::invalid_argument("Distribution: the unit of integer values must be positive");
  }
  const std::size_t n = values.size();
  weights_.assign(n, 1.0);
  values_.resize(n);
  if (n == 0) {
    finish();
    return;
  }
  // Branch-free bounds in two interleaved pairs: std::minmax_element's
  // data-dependent branches mispredicted on random wealth and cost more
  // than the counting itself at N = 1,000.
  std::int64_t low = values[0];
  std::int64_t high = values[0];
  {
    std::int64_t low2 = low;
    std::int64_t high2 = high;
    std::size_t i = 1;
    for (; i + 1 < n; i += 2) {
      low = std::min(low, values[i]);
      high = std::max(high, values[i]);
      low2 = std::min(low2, values[i + 1]);
      high2 = std::max(high2, values[i + 1]);
    }
    if (i < n) {
      low = std::min(low, values[i]);
      high = std::max(high, values[i]);
    }
    low = std::min(low, low2);
    high = std::max(high, high2);
  }
  // Unsigned difference: no overflow for any two int64 values.
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  if (n > std::numeric_limits<std::uint32_t>::max() || span >= n + integer_counting_margin) {
    // A wide range: the radix sort of the doubles. values_ is its input
    // here; sort_by_value reads it into keys before it overwrites it.
    for (std::size_t i = 0; i < n; ++i) values_[i] = static_cast<double>(values[i]) * unit;
    sort_by_value(values_, /*move_weights=*/false);
    return;
  }
  // Counting sort: unit weights need not move, so the sorted values alone
  // are the radix sort's result. Four tallies, one per agent index mod 4,
  // summed at the end: with most agents at a few values, consecutive
  // increments of one counter would wait on each other's stores.
  constexpr std::size_t tallies = 4;
  const auto range = static_cast<std::size_t>(span) + 1;
  const auto offset = [low](std::int64_t v) {
    return static_cast<std::size_t>(static_cast<std::uint64_t>(v) -
                                    static_cast<std::uint64_t>(low));
  };
  std::vector<std::uint32_t>& counts = scratch_.counts;
  counts.assign(tallies * range, 0U);
  std::size_t i = 0;
  for (; i + tallies <= n; i += tallies) {
    for (std::size_t t = 0; t < tallies; ++t) ++counts[t * range + offset(values[i + t])];
  }
  for (; i < n; ++i) ++counts[offset(values[i])];
  for (std::size_t t = 1; t < tallies; ++t) {
    for (std::size_t d = 0; d < range; ++d) counts[d] += counts[t * range + d];
  }
  if (unit == 1.0 && sums_are_exact(n, low, high)) {
    integer_sums(std::span<const std::uint32_t>(counts).first(range), low);
    return;
  }
  auto out = values_.begin();
  for (std::size_t d = 0; d < range; ++d) {
    if (counts[d] == 0) continue;
    const double value = static_cast<double>(low + static_cast<std::int64_t>(d)) * unit;
    out = std::fill_n(out, counts[d], value);
  }
  finish();
}

// finish() and gini() add integers in doubles one by one, each add waiting
// on the last. Where every partial sum is an integer below 2^53 in
// magnitude, each of those adds is exact, so integer sums converted at the
// end are the same doubles to the bit, at a fraction of the latency. The
// largest partial sum is gini()'s area, at most 2 n sum |x| <= 2 n^2 max |x|.
bool Distribution::sums_are_exact(std::size_t n, std::int64_t low, std::int64_t high) {
  __extension__ using uint128 = unsigned __int128;
  const auto magnitude = [](std::int64_t v) {
    return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  };
  const uint128 largest = std::max(magnitude(low), magnitude(high));
  return 2 * static_cast<uint128>(n) * n * largest < (uint128{1} << 53);
}

// finish() and the Gini's area for counted integers with unit 1,
// by exact integer sums (sums_are_exact() holds).
void Distribution::integer_sums(std::span<const std::uint32_t> counts, std::int64_t low) {
  const std::size_t n = values_.size();
  cumulative_weight_.resize(n);
  cumulative_total_.resize(n);
  std::int64_t weight = 0;
  std::int64_t total = 0;
  std::int64_t area = 0;
  std::size_t i = 0;
  for (std::size_t d = 0; d < counts.size(); ++d) {
    const std::int64_t value = low + static_cast<std::int64_t>(d);
    for (std::uint32_t c = 0; c < counts[d]; ++c, ++i) {
      const std::int64_t before = total;
      ++weight;
      total += value;
      area += before + total;
      values_[i] = static_cast<double>(value);
      cumulative_weight_[i] = static_cast<double>(weight);
      cumulative_total_[i] = static_cast<double>(total);
    }
  }
  total_weight_ = static_cast<double>(weight);
  total_ = static_cast<double>(total);
  gini_area_ = static_cast<double>(area);
  gini_area_known_ = true;
}

// A stable sort by value, the weights moved alongside: equal values keep the
// input (agent) order, which does not depend on the thread count.
void Distribution::sort_by_value(std::span<const double> values, bool move_weights) {
  std::vector<std::uint64_t>& keys = scratch_.keys;
  keys.resize(values.size());
  parallel_for(values.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) keys[i] = sortable_bits(values[i]);
  });
  radix_sort(keys, move_weights ? &weights_ : nullptr, scratch_.key_buffer, scratch_.weight_buffer,
             scratch_.offsets, scratch_.block_differs);
  values_.resize(keys.size());
  parallel_for(keys.size(), [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) values_[i] = from_sortable_bits(keys[i]);
  });
  finish();
}

void Distribution::finish() {
  gini_area_known_ = false;
  const std::size_t n = values_.size();
  cumulative_weight_.resize(n);
  cumulative_total_.resize(n);
  double w = 0;
  double t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    w += weights_[i];
    t += weights_[i] * values_[i];
    cumulative_weight_[i] = w;
    cumulative_total_[i] = t;
  }
  total_weight_ = w;
  total_ = t;
}

double Distribution::mean() const noexcept {
  return total_weight_ > 0 ? total_ / total_weight_ : 0.0;
}

double Distribution::gini() const {
  if (total_weight_ <= 0 || total_ == 0) return 0.0;
  // 1 - sum_i w_i (C_{i-1} + C_i) / (W T), C = cumulative total.
  double area = gini_area_;
  if (!gini_area_known_) {
    area = 0;
    double previous = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      area += weights_[i] * (previous + cumulative_total_[i]);
      previous = cumulative_total_[i];
    }
  }
  return 1.0 - area / (total_weight_ * total_);
}

double Distribution::lorenz(double population_share) const {
  if (total_weight_ <= 0 || total_ == 0) return population_share;
  if (population_share <= 0) return 0.0;
  if (population_share >= 1) return 1.0;
  const double cut = population_share * total_weight_;
  const auto it = std::lower_bound(cumulative_weight_.begin(), cumulative_weight_.end(), cut);
  const auto i = static_cast<std::size_t>(it - cumulative_weight_.begin());
  if (i >= values_.size()) return 1.0;
  const double weight_before = i == 0 ? 0.0 : cumulative_weight_[i - 1];
  const double total_before = i == 0 ? 0.0 : cumulative_total_[i - 1];
  return (total_before + (cut - weight_before) * values_[i]) / total_;
}

double Distribution::palma() const {
  const double bottom = lorenz(0.4);
  return bottom > 0 ? top_share(0.1) / bottom : std::numeric_limits<double>::infinity();
}

double Distribution::quantile(double q) const {
  if (values_.empty()) return 0.0;
  const double cut = std::clamp(q, 0.0, 1.0) * total_weight_;
  const auto it = std::lower_bound(cumulative_weight_.begin(), cumulative_weight_.end(), cut);
  return it == cumulative_weight_.end()
             ? values_.back()
             : values_[static_cast<std::size_t>(it - cumulative_weight_.begin())];
}

double Distribution::share_below(double threshold) const {
  if (total_weight_ <= 0) return 0.0;
  const auto it = std::lower_bound(values_.begin(), values_.end(), threshold);
  const auto i = static_cast<std::size_t>(it - values_.begin());
  return i == 0 ? 0.0 : cumulative_weight_[i - 1] / total_weight_;
}

double Distribution::share_in(double lower, double upper) const {
  return share_below(upper) - share_below(lower);
}

TheilDecomposition theil(std::span<const double> values, std::span<const double> weights,
                         std::span<const std::uint32_t> group, std::size_t group_count) {
  if (values.size() != weights.size() || values.size() != group.size()) {
    throw std::invalid_argument("theil: values, weights and groups differ in length");
  }
  // Per block and group: weight, weighted total, and sum w x ln x; combined in
  // block order. T_g = (1/W_g) sum w (x/mu_g) ln(x/mu_g)
  //                 = sum w x ln x / X_g - ln mu_g, with X_g = sum w x.
  struct Acc {
    std::vector<double> weight, total, xlogx;
    Acc& operator+=(const Acc& o) {
      if (weight.empty()) {
        *this = o;
        return *this;
      }
      for (std::size_t g = 0; g < weight.size(); ++g) {
        weight[g] += o.weight[g];
        total[g] += o.total[g];
        xlogx[g] += o.xlogx[g];
      }
      return *this;
    }
  };
  const std::size_t n = values.size();
  const std::size_t blocks = (n + reduction_block - 1) / reduction_block;
  std::vector<Acc> partial(blocks);
  parallel_for(
      blocks,
      [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b) {
          Acc acc{std::vector<double>(group_count), std::vector<double>(group_count),
                  std::vector<double>(group_count)};
          const std::size_t end = std::min(n, (b + 1) * reduction_block);
          for (std::size_t i = b * reduction_block; i < end; ++i) {
            const std::uint32_t g = group[i];
            if (g >= group_count) throw std::out_of_range("theil: group index out of range");
            const double x = std::max(values[i], 0.0);
            acc.weight[g] += weights[i];
            acc.total[g] += weights[i] * x;
            if (x > 0) acc.xlogx[g] += weights[i] * x * std::log(x);
          }
          partial[b] = std::move(acc);
        }
      },
      1);
  Acc sum{std::vector<double>(group_count), std::vector<double>(group_count),
          std::vector<double>(group_count)};
  for (const Acc& p : partial) sum += p;

  TheilDecomposition out;
  out.group_theil.assign(group_count, 0.0);
  out.group_share.assign(group_count, 0.0);
  double weight = 0;
  double total = 0;
  for (std::size_t g = 0; g < group_count; ++g) {
    weight += sum.weight[g];
    total += sum.total[g];
  }
  if (weight <= 0 || total <= 0) return out;
  const double mu = total / weight;
  for (std::size_t g = 0; g < group_count; ++g) {
    if (sum.total[g] <= 0) continue;
    const double mu_g = sum.total[g] / sum.weight[g];
    out.group_theil[g] = sum.xlogx[g] / sum.total[g] - std::log(mu_g);
    out.group_share[g] = sum.total[g] / total;
    out.within += out.group_share[g] * out.group_theil[g];
    out.between += out.group_share[g] * std::log(mu_g / mu);
  }
  out.total = out.within + out.between;
  return out;
}

}  // namespace cpsim
