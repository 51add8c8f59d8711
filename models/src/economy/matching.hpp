#pragma once
// Deterministic parallel job matching (design-notes "Markets in parallel,
// deterministically"). One round:
//  1. every seeker draws k firms (k in [min, max]) with probability
//     proportional to the firm's open vacancies, from keyed random numbers,
//     and emits applications (firm, score, seeker);
//  2. applications are grouped by firm (counting sort) and ordered within a
//     firm by (score descending, seeker key); each firm offers its top
//     `vacancies` applicants;
//  3. each seeker keeps the offer it values most (ties: lower firm index), if
//     it values it above zero;
//  4. offers declined (or made to a seeker who took another job) pass to the
//     firm's next applicants in its order: steps 3-4 repeat in waves until
//     no firm with an open vacancy has an applicant left it has not asked.
// A fixed number of rounds follows. Because a declined offer is never lost,
// more applications reach more open vacancies and never raise unemployment
// through congestion (docs/economy-rules.md R3). The result is a pure
// function of the inputs and the keyed random numbers: identical at any
// thread count. No firm hires more than its vacancies and no seeker takes two
// jobs, by construction.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/random.hpp"
#include "economy/alias_table.hpp"

namespace cpsim::models::economy {

struct MatchingRules {
  std::int64_t applications_min = 3;
  std::int64_t applications_max = 5;
  std::int64_t rounds = 3;
};

struct Application {
  std::int32_t firm;
  float score;
  std::uint64_t key;     ///< the seeker's key: the last sort criterion
  std::uint32_t seeker;  ///< index into the seeker arrays
  std::uint8_t slot;     ///< which of the seeker's applications
};

/// seeker_keys: stable ids for random draws and tie-breaks (unique);
/// scores: the firm's ranking of a seeker; vacancies: per firm, decreased by
/// each hire; value(seeker, firm): the seeker's valuation of an offer (> 0 to
/// accept). Returns the firm each seeker joined, or -1.
template <class Value>
std::vector<std::int32_t> match_jobs(std::span<const std::uint64_t> seeker_keys,
                                     std::span<const float> scores,
                                     std::span<std::int32_t> vacancies, const MatchingRules& rules,
                                     const RandomStream& stream, std::uint64_t step,
                                     Value&& value) {
  constexpr std::size_t max_applications = 8;
  const std::size_t seekers = seeker_keys.size();
  const auto per_seeker = static_cast<std::size_t>(
      std::clamp<std::int64_t>(rules.applications_max, 1, max_applications));
  std::vector<std::int32_t> hired(seekers, -1);
  std::vector<double> weights(vacancies.size());
  std::vector<Application> slots(seekers * per_seeker);
  std::vector<Application> applications;
  std::vector<std::size_t> bucket_start(vacancies.size() + 1), fill(vacancies.size());
  std::vector<std::uint8_t> offered(seekers);
  std::vector<std::size_t> next(vacancies.size());        ///< a firm's next applicant to ask
  std::vector<std::size_t> wave_start(vacancies.size());  ///< its cursor at the wave's start
  std::vector<std::uint32_t> active;                      ///< firms that can still offer
  const std::int32_t empty = -1;

  for (std::int64_t round = 0; round < rules.rounds; ++round) {
    for (std::size_t f = 0; f < vacancies.size(); ++f) {
      weights[f] = vacancies[f] > 0 ? static_cast<double>(vacancies[f]) : 0.0;
    }
    const AliasTable open_firms(weights);
    if (open_firms.empty()) break;
    const auto round_index = static_cast<std::uint64_t>(round) * 16;
    const auto mine_firm = [&](std::size_t s, std::size_t j) {
      return slots[s * per_seeker + j].firm;
    };

    // 1. applications, in parallel; each seeker writes its own slots
    parallel_for(seekers, [&](std::size_t b, std::size_t e) {
      for (std::size_t s = b; s < e; ++s) {
        Application* mine = &slots[s * per_seeker];
        for (std::size_t j = 0; j < per_seeker; ++j) mine[j] = {empty, 0.0F, 0, 0, 0};
        offered[s] = 0;
        if (hired[s] >= 0) continue;
        const RandomBlock head = stream.block(seeker_keys[s], step, round_index);
        const auto span =
            static_cast<std::uint64_t>(rules.applications_max - rules.applications_min + 1);
        const auto count = std::min<std::size_t>(
            per_seeker, static_cast<std::size_t>(rules.applications_min) +
                            static_cast<std::size_t>(to_index(head[0], span)));
        for (std::size_t j = 0; j < count; ++j) {
          const RandomBlock r = stream.block(seeker_keys[s], step, round_index + 1 + j);
          const auto firm = static_cast<std::int32_t>(open_firms.draw(r[0], r[1]));
          bool repeated = false;
          for (std::size_t k = 0; k < j; ++k) repeated = repeated || mine[k].firm == firm;
          if (!repeated) {
            mine[j] = {firm, scores[s], seeker_keys[s], static_cast<std::uint32_t>(s),
                       static_cast<std::uint8_t>(j)};
          }
        }
      }
    });

    // 2. group the applications by firm with a counting sort (a sequential
    // scatter in seeker order), then order each firm's applicants by score,
    // best first, then seeker key: a total order, so every firm sees the same
    // sequence at any thread count. Each firm offers to its top applicants.
    std::fill(bucket_start.begin(), bucket_start.end(), 0);
    for (const Application& a : slots) {
      if (a.firm != empty) ++bucket_start[static_cast<std::size_t>(a.firm) + 1];
    }
    for (std::size_t f = 0; f < vacancies.size(); ++f) bucket_start[f + 1] += bucket_start[f];
    applications.resize(bucket_start.back());
    std::copy(bucket_start.begin(), bucket_start.end() - 1, fill.begin());
    for (const Application& a : slots) {
      if (a.firm != empty) applications[fill[static_cast<std::size_t>(a.firm)]++] = a;
    }
    parallel_for(vacancies.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t f = b; f < e; ++f) {
        const auto first = applications.begin() + static_cast<std::ptrdiff_t>(bucket_start[f]);
        const auto last = applications.begin() + static_cast<std::ptrdiff_t>(bucket_start[f + 1]);
        std::sort(first, last, [](const Application& x, const Application& y) {
          if (x.score != y.score) return x.score > y.score;
          return x.key < y.key;
        });
        next[f] = bucket_start[f];
      }
    });

    // 3-4. offer waves: each firm with open vacancies offers to its next
    // applicants who are still unemployed (as many as it has vacancies); each
    // seeker keeps its best offer of the wave. Writes are per firm (its own
    // cursor) and per seeker (its own offer bits); hires are integer adds.
    // A wave visits only the firms still able to offer and the seekers just
    // offered a job: a seeker is claimed by whichever firm's range reaches it
    // first (an atomic exchange of its offer bits), and its choice does not
    // depend on which one that is.
    active.clear();
    for (std::size_t f = 0; f < vacancies.size(); ++f) {
      if (vacancies[f] > 0 && bucket_start[f] < bucket_start[f + 1]) {
        active.push_back(static_cast<std::uint32_t>(f));
      }
    }
    while (!active.empty()) {
      parallel_for(active.size(), [&](std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
          const std::size_t f = active[k];
          wave_start[f] = next[f];
          std::int32_t offers = 0;
          while (offers < vacancies[f] && next[f] < bucket_start[f + 1]) {
            const Application& a = applications[next[f]++];
            if (hired[a.seeker] >= 0) continue;
            std::atomic_ref<std::uint8_t>(offered[a.seeker])
                .fetch_or(static_cast<std::uint8_t>(1U << a.slot), std::memory_order_relaxed);
            ++offers;
          }
        }
      });
      parallel_for(active.size(), [&](std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
          const std::size_t f = active[k];
          for (std::size_t at = wave_start[f]; at < next[f]; ++at) {
            const std::size_t s = applications[at].seeker;
            const std::uint8_t bits =
                std::atomic_ref<std::uint8_t>(offered[s]).exchange(0, std::memory_order_relaxed);
            if (bits == 0) continue;  // not offered, or claimed by another firm's range
            double best_value = 0;
            std::int32_t best_firm = -1;
            for (std::size_t j = 0; j < per_seeker; ++j) {
              if ((bits & (1U << j)) == 0) continue;
              const auto firm = mine_firm(s, j);
              const double v = value(s, static_cast<std::size_t>(firm));
              if (v > 0 &&
                  (best_firm < 0 || v > best_value || (v == best_value && firm < best_firm))) {
                best_value = v;
                best_firm = firm;
              }
            }
            if (best_firm >= 0) {
              hired[s] = best_firm;
              std::atomic_ref<std::int32_t>(vacancies[static_cast<std::size_t>(best_firm)])
                  .fetch_sub(1, std::memory_order_relaxed);
            }
          }
        }
      });
      // Firms that can still offer, in their order.
      std::size_t kept = 0;
      for (const std::uint32_t f : active) {
        if (vacancies[f] > 0 && next[f] < bucket_start[f + 1]) active[kept++] = f;
      }
      active.resize(kept);
    }
  }
  return hired;
}

}  // namespace cpsim::models::economy
