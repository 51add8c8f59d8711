// Picture 4, rural revitalisation (均衡):
//  - enterprise_pairing (重点企业结对村社): each village is paired with one of
//    the district's largest digital or manufacturing firms (by capacity this
//    month: the largest with village 0, the next with village 1, ...), which
//    donates a fixed sum per village member to the collective each month,
//    never out of an overdraft; the collective pays dividends and invests as
//    with any income (village_economy.cpp);
//  - reserved_land: a higher annual yield of developed reserved land (留用地)
//    raises the rent tenant firms pay the collectives;
//  - tea_brand: the West Lake Longjing brand earns a price premium: outside
//    buyers pay the tea cooperatives a share of their month's sales on top;
//  - rural_tourism, rural_ecommerce: promotion and e-commerce platforms raise
//    the trend growth of outside demand for rural tourism and for tea.
#include <algorithm>
#include <numeric>

#include "economy/policies/policy.hpp"

namespace cpsim::models::economy {
namespace {

struct EnterprisePairingParameters {
  double support_per_member_month = 0;
  static void bind(BoundSchema<EnterprisePairingParameters>& schema) {
    schema.root().real("support_per_member_month",
                       &EnterprisePairingParameters::support_per_member_month, 50,
                       "Donation of the paired firm per village member (assumption)", 0.0, 1e6,
                       "RMB/person/month");
  }
};

class EnterprisePairing final : public PolicyWith<EnterprisePairingParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    std::vector<std::uint32_t> partners = economy.sector_firms(digital_economy);
    const auto& manufacturing = economy.sector_firms(advanced_manufacturing);
    partners.insert(partners.end(), manufacturing.begin(), manufacturing.end());
    std::vector<double> capacity(partners.size());
    for (std::size_t k = 0; k < partners.size(); ++k)
      capacity[k] = economy.firm_capacity(partners[k]);
    std::vector<std::size_t> order(partners.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return capacity[a] > capacity[b]; });
    AgentTable& villages = economy.villages();
    const auto members = villages[economy.v().members];
    auto income = villages[economy.v().collective_income];
    const auto deposits = economy.firms()[economy.f().deposits];
    const double per_member = parameters().support_per_member_month * fen_per_rmb;
    FlowTally tally;
    std::int64_t total = 0;
    for (std::size_t v = 0; v < villages.size() && v < order.size(); ++v) {
      const std::size_t f = partners[order[v]];
      const std::int64_t amount = std::min(floor_fen(per_member * static_cast<double>(members[v])),
                                           std::max<std::int64_t>(0, deposits[f]));
      economy.ledger().transfer(firm_account(f), village_account(v), amount, Flow::charity, tally);
      income[v] += amount;
      total += amount;
    }
    economy.ledger().commit(tally);
    spent += total;
  }
};

struct TeaBrandParameters {
  double price_premium = 0;
  static void bind(BoundSchema<TeaBrandParameters>& schema) {
    schema.root().real("price_premium", &TeaBrandParameters::price_premium, 0.2,
                       "Premium as a share of the tea cooperatives' monthly sales (assumption; "
                       "brand value 7.403 bn RMB, article)",
                       0.0, 10.0, "1");
  }
};

class TeaBrand final : public PolicyWith<TeaBrandParameters> {
 public:
  using PolicyWith::PolicyWith;
  std::vector<PolicyStage> stages() const override { return {PolicyStage::markets}; }
  void act(PolicyStage /*stage*/, PolicyAccess& economy, PolicyShared& /*shared*/,
           const StepContext& /*context*/) override {
    auto sales = economy.firms()[economy.f().sales];
    const double premium = parameters().price_premium;
    FlowTally tally;
    std::int64_t total = 0;
    for (const std::uint32_t f : economy.sector_firms(tea_agriculture)) {
      const std::int64_t amount = floor_fen(premium * static_cast<double>(sales[f]));
      economy.ledger().transfer(rest_of_world_account, firm_account(f), amount, Flow::exports,
                                tally);
      sales[f] += amount;
      total += amount;
    }
    economy.ledger().commit(tally);
    spent += total;
  }
};

struct ReservedLandParameters {
  double yield_increase = 0;
  static void bind(BoundSchema<ReservedLandParameters>& schema) {
    schema.root().real("yield_increase", &ReservedLandParameters::yield_increase, 0.02,
                       "Added to the annual rent yield of developed reserved land (assumption)",
                       0.0, 1.0, "1/year");
  }
};

struct DemandGrowthParameters {
  double demand_growth_boost = 0;
};

/// A module that raises the trend growth of one sector's outside demand.
PolicyModule demand_growth_module(const char* name, const char* summary, Sector sector,
                                  const char* source) {
  return parameter_module<DemandGrowthParameters>(
      {name, summary, picture_4, {}},
      [source](BoundSchema<DemandGrowthParameters>& schema) {
        schema.root().real("demand_growth_boost", &DemandGrowthParameters::demand_growth_boost, 0.1,
                           source, -1.0, 1.0, "1/year (log)");
      },
      [sector](const DemandGrowthParameters& q, EconomyParameters& p) {
        p.sectors[sector].export_growth += q.demand_growth_boost;
      });
}

}  // namespace

void add_rural_revitalisation_modules(std::vector<PolicyModule>& modules) {
  modules.push_back(policy_module<EnterprisePairing>(
      {"enterprise_pairing",
       "Enterprise-village pairing: large firms donate to the collectives of paired villages",
       picture_4,
       {}}));
  modules.push_back(parameter_module<ReservedLandParameters>(
      {"reserved_land",
       "Reserved-land collective economy: higher rent yield of reserved land",
       picture_4,
       {}},
      [](const ReservedLandParameters& q, EconomyParameters& p) {
        p.village.reserved_land_yield += q.yield_increase;
      }));
  modules.push_back(policy_module<TeaBrand>(
      {"tea_brand",
       "Tea brand: outside buyers pay a price premium on tea cooperatives' sales",
       picture_4,
       {}}));
  modules.push_back(demand_growth_module(
      "rural_tourism", "Rural tourism promotion: faster growth of visitors' demand", rural_tourism,
      "Added to the trend growth of outside demand for rural tourism (assumption)"));
  modules.push_back(demand_growth_module(
      "rural_ecommerce", "Rural e-commerce: faster growth of outside demand for tea",
      tea_agriculture, "Added to the trend growth of outside demand for tea (assumption)"));
}

}  // namespace cpsim::models::economy
