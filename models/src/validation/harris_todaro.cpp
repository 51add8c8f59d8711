// Harris-Todaro migration (Harris & Todaro 1970, AER 60(1)).
//
// N workers live in the countryside or in the city. The city has a fixed
// number of jobs E at a fixed (institutional) wage w_u; each step the jobs go
// to E of the L_u urban workers drawn uniformly at random, so an urban worker
// expects w_e = w_u min(1, E / L_u). A rural worker earns the marginal product
// of farm labour, w_r = alpha A l^(alpha - 1) with l = L_r / N the rural share
// (Cobb-Douglas in labour, land fixed), which rises as people leave.
//
// Each step every worker compares the two from start-of-step aggregates:
// a rural worker moves to the city with probability h (w_e - w_r)^+ / w_e, an
// urban worker returns with probability h (w_r - w_e)^+ / w_r. Migration stops
// where w_r = w_e: the equilibrium keeps urban unemployment although the
// urban wage is above the rural one, Harris and Todaro's point. The root of
// w_u min(1, E / L_u) = w_r(N - L_u) is unique (the left side falls and the
// right side rises with L_u) and is reported as `urban_share_theory`.
//
// Decisions depend only on start-of-step counts and keyed draws, so they are
// made in parallel and do not depend on the thread count; the job draw takes
// the E urban workers with the smallest keyed draws, ties by agent id.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "cpsim/engine/checkpoint.hpp"
#include "cpsim/engine/distribution.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/parallel.hpp"
#include "cpsim/engine/simulation.hpp"
#include "validation/validation_models.hpp"

namespace cpsim::models {
namespace {

constexpr std::int8_t rural = 0;
constexpr std::int8_t urban = 1;

struct LabourMarket {
  double workers = 0;
  double urban_jobs = 0;
  double urban_wage = 0;
  double productivity = 0;  ///< A
  double elasticity = 0;    ///< alpha

  [[nodiscard]] double rural_wage(double rural_workers) const {
    const double share = std::max(rural_workers, 1.0) / workers;
    return elasticity * productivity * std::pow(share, elasticity - 1.0);
  }
  [[nodiscard]] double expected_urban_wage(double urban_workers) const {
    return urban_workers <= urban_jobs ? urban_wage : urban_wage * urban_jobs / urban_workers;
  }
  /// Urban workers where the expected urban wage equals the rural wage (by
  /// bisection on the strictly decreasing gap), or N when the city pays more
  /// whoever comes (gap > 0 even with one rural worker left).
  [[nodiscard]] double equilibrium_urban_workers() const {
    const auto gap = [&](double urban_workers) {
      return expected_urban_wage(urban_workers) - rural_wage(workers - urban_workers);
    };
    double low = 0.0;
    double high = workers - 1.0;
    if (gap(high) >= 0) return high;
    if (gap(low) <= 0) return low;
    for (int i = 0; i < 200 && high - low > 1e-9 * workers; ++i) {
      const double middle = 0.5 * (low + high);
      (gap(middle) > 0 ? low : high) = middle;
    }
    return 0.5 * (low + high);
  }
};

class HarrisTodaroModel final : public Model {
 public:
  void build(Simulation& simulation, const Parameters& parameters) override {
    const auto workers = static_cast<std::size_t>(parameters.integer("workers"));
    market_ = LabourMarket{static_cast<double>(workers),
                           static_cast<double>(parameters.integer("urban.jobs")),
                           parameters.real("urban.wage"), parameters.real("rural.productivity"),
                           parameters.real("rural.labour_elasticity")};
    hazard_ = parameters.real("migration_hazard");
    const double initial_urban_share = parameters.real("initial_urban_share");

    agents_ = &simulation.add_table("workers");
    agents_->create(workers);
    location_ = agents_->add_column<std::int8_t>(
        {"location", "", "0 = countryside, 1 = city (start of the next step)"});
    employed_ = agents_->add_column<std::int8_t>(
        {"employed", "", "1 if the worker holds one of the city's jobs this step"});
    income_ = agents_->add_column<double>(
        {"income", "wage units", "Wage earned this step (0 for an unemployed urban worker)"});
    // The first round(share * N) workers start in the city.
    const auto initial_urban =
        static_cast<std::size_t>(std::llround(initial_urban_share * static_cast<double>(workers)));
    auto location = (*agents_)[location_];
    std::fill(location.begin(), location.end(), rural);
    std::fill(location.begin(), location.begin() + static_cast<std::ptrdiff_t>(initial_urban),
              urban);
    urban_workers_ = static_cast<std::int64_t>(initial_urban);
    theory_ = market_.equilibrium_urban_workers() / market_.workers;

    // The jobs of step 0, so that the first recorded row has employment.
    allocate_jobs(StepContext{0, simulation.seed()});

    simulation.add_phase("migration", [this](const StepContext& c) { migrate(c); });
    simulation.add_phase("urban_jobs", [this](const StepContext& c) { allocate_jobs(c); });
    declare_metrics(simulation.metrics());
    simulation.add_measurement([this](const StepContext&, MetricRow& row) { measure(row); });
  }

  // The counts the next step and the metrics read besides the table.
  void save_state(StateWriter& writer) const override { state_fields(*this, writer); }
  void restore_state(StateReader& reader) override { state_fields(*this, reader); }

 private:
  void migrate(const StepContext& context) {
    const auto step = static_cast<std::uint64_t>(context.step);
    const double urban_now = static_cast<double>(urban_workers_);
    const double w_e = market_.expected_urban_wage(urban_now);
    const double w_r = market_.rural_wage(market_.workers - urban_now);
    const double p_move = hazard_ * std::max(0.0, w_e - w_r) / w_e;
    const double p_return = hazard_ * std::max(0.0, w_r - w_e) / w_r;
    const RandomStream stream = context.stream("migration.decision");
    const auto ids = agents_->ids();
    auto location = (*agents_)[location_];
    parallel_for(location.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        const double p = location[i] == rural ? p_move : p_return;
        if (p > 0 && stream.uniform(ids[i], step) < p)
          location[i] = location[i] == rural ? urban : rural;
      }
    });
    const std::int64_t urban_next = deterministic_sum<std::int64_t>(
        location.size(), [&](std::size_t i) { return std::int64_t{location[i] == urban}; });
    moved_in_ = std::max<std::int64_t>(0, urban_next - urban_workers_);
    moved_out_ = std::max<std::int64_t>(0, urban_workers_ - urban_next);
    urban_workers_ = urban_next;
  }

  void allocate_jobs(const StepContext& context) {
    const auto step = static_cast<std::uint64_t>(context.step);
    const RandomStream stream = context.stream("urban.job_draw");
    const auto ids = agents_->ids();
    auto location = (*agents_)[location_];
    auto employed = (*agents_)[employed_];
    auto income = (*agents_)[income_];
    // (keyed draw, row) of every urban worker, in row order.
    candidates_.clear();
    for (std::size_t i = 0; i < location.size(); ++i) {
      if (location[i] == urban) candidates_.emplace_back(stream.word(ids[i], step), i);
    }
    const auto jobs = std::min(candidates_.size(), static_cast<std::size_t>(market_.urban_jobs));
    std::nth_element(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(jobs),
                     candidates_.end());
    std::fill(employed.begin(), employed.end(), std::int8_t{0});
    for (std::size_t k = 0; k < jobs; ++k) employed[candidates_[k].second] = 1;
    const double w_r = market_.rural_wage(market_.workers - static_cast<double>(urban_workers_));
    parallel_for(location.size(), [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        income[i] = location[i] == rural ? w_r : (employed[i] != 0 ? market_.urban_wage : 0.0);
      }
    });
    employed_count_ = static_cast<std::int64_t>(jobs);
  }

  template <class Self, class Archive>
  static void state_fields(Self& self, Archive& archive) {
    archive.field("urban_workers", self.urban_workers_);
    archive.field("employed_count", self.employed_count_);
    archive.field("moved_in", self.moved_in_);
    archive.field("moved_out", self.moved_out_);
  }

  void declare_metrics(MetricSet& metrics) {
    urban_share_ = metrics.add_real("urban_share", "1", "Share of workers in the city");
    urban_share_theory_ = metrics.add_real(
        "urban_share_theory", "1",
        "Harris-Todaro equilibrium: urban share where w_u min(1, E/L_u) equals the rural wage");
    unemployment_ = metrics.add_real("urban_unemployment_rate", "1",
                                     "Urban workers without a job over urban workers");
    expected_urban_wage_ =
        metrics.add_real("expected_urban_wage", "wage units",
                         "Urban wage times the chance of a job, w_u min(1, E/L_u)");
    rural_wage_ = metrics.add_real("rural_wage", "wage units",
                                   "Marginal product of farm labour, alpha A l^(alpha-1)");
    income_gini_ = metrics.add_real("income_gini", "1", "Gini of the workers' wages this step");
    moved_in_metric_ =
        metrics.add_integer("net_migration_to_city", "workers",
                            "Net number of workers who moved to the city this step (>= 0)");
    moved_out_metric_ =
        metrics.add_integer("net_return_migration", "workers",
                            "Net number of workers who went back to the countryside (>= 0)");
  }

  void measure(MetricRow& row) const {
    const double urban_now = static_cast<double>(urban_workers_);
    row.set(urban_share_, urban_now / market_.workers);
    row.set(urban_share_theory_, theory_);
    row.set(unemployment_,
            urban_now > 0 ? (urban_now - static_cast<double>(employed_count_)) / urban_now : 0.0);
    row.set(expected_urban_wage_, market_.expected_urban_wage(urban_now));
    row.set(rural_wage_, market_.rural_wage(market_.workers - urban_now));
    const auto income = (*agents_)[income_];
    row.set(income_gini_, Distribution(std::vector<double>(income.begin(), income.end())).gini());
    row.set(moved_in_metric_, moved_in_);
    row.set(moved_out_metric_, moved_out_);
  }

  LabourMarket market_;
  double hazard_ = 0;
  double theory_ = 0;
  AgentTable* agents_ = nullptr;
  Column<std::int8_t> location_;
  Column<std::int8_t> employed_;
  Column<double> income_;
  std::int64_t urban_workers_ = 0;
  std::int64_t employed_count_ = 0;
  std::int64_t moved_in_ = 0;
  std::int64_t moved_out_ = 0;
  std::vector<std::pair<std::uint64_t, std::size_t>> candidates_;
  Metric<double> urban_share_, urban_share_theory_, unemployment_, expected_urban_wage_,
      rural_wage_, income_gini_;
  Metric<std::int64_t> moved_in_metric_, moved_out_metric_;
};

}  // namespace

ModelInfo harris_todaro_model_info() {
  ModelInfo info;
  info.name = "harris_todaro";
  info.summary = "Harris-Todaro rural-urban migration with fixed urban jobs and a wage floor";
  info.schema.integer("workers", 10000, "Number of workers", 2, 4.0e9, "workers");
  info.schema.integer("urban.jobs", 4000, "Fixed number of urban jobs (E)", 0, 4.0e9, "jobs");
  info.schema.real("urban.wage", 2.0, "Fixed urban (institutional) wage w_u", 1e-9, 1e9,
                   "wage units");
  info.schema.real("rural.productivity", 1.0, "Farm productivity A in w_r = alpha A l^(alpha-1)",
                   1e-9, 1e9, "wage units");
  info.schema.real("rural.labour_elasticity", 0.5,
                   "Output elasticity of farm labour alpha (0 < alpha < 1)", 1e-3, 0.999);
  info.schema.real("migration_hazard", 0.05,
                   "h: a worker moves with probability h times the relative wage gap", 0.0, 1.0);
  info.schema.real("initial_urban_share", 0.2, "Share of workers in the city at the start", 0.0,
                   1.0);
  info.create = [] { return std::make_unique<HarrisTodaroModel>(); };
  // Per worker: id, location, employment, income (18 B), the job draw (16 B)
  // and the Gini's sort buffers (40 B).
  info.estimate_memory = [](const Parameters& p) {
    return MemoryEstimate{static_cast<std::uint64_t>(p.integer("workers")) * 74U, "workers"};
  };
  return info;
}

}  // namespace cpsim::models
