// BoundSchema: schema entries bound to members of typed structs, in sections
// that follow the dotted paths.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cpsim/engine/bound_schema.hpp"
#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parameters.hpp"

namespace cpsim {
namespace {

struct Search {
  std::int64_t rounds = 0;
};
struct Labour {
  bool enabled = false;
  std::string matching;
  Search search;
};
struct Tax {
  double rate = 0;
  std::vector<double> brackets;
};
struct Region {
  double rent = 0;
};
struct Example {
  std::int64_t households = 0;
  Tax tax;
  Labour labour;
  std::string region;
  std::vector<std::int64_t> ages;
  std::array<Region, 2> regions{};
};

constexpr std::array<const char*, 2> region_names{"north", "south"};

BoundSchema<Example> example_binding() {
  BoundSchema<Example> s;
  s.root().integer("households", &Example::households, 1000, "number of households", 1.0,
                   std::nullopt, "households");
  auto tax = s.section("tax", &Example::tax);
  tax.real("rate", &Tax::rate, 0.2, "income tax rate", 0.0, 1.0);
  tax.real_list("brackets", &Tax::brackets, {0.0, 5000.0}, "bracket floors", 0.0);
  auto labour = s.section("labour", &Example::labour);
  labour.boolean("enabled", &Labour::enabled, true, "run the labour market");
  labour.choice("matching", &Labour::matching, "random", {"random", "ranked"}, "matching rule");
  labour.section("search", &Labour::search)
      .integer("rounds", &Search::rounds, 3, "rounds", 1.0, 20.0);
  s.root().string("region", &Example::region, "north", "region name");
  s.root().integer_list("ages", &Example::ages, {18, 65}, "working ages", 0.0, 120.0);
  for (std::size_t k = 0; k < region_names.size(); ++k) {
    auto region = s.section(std::string("regions.") + region_names[k],
                            [k](Example& e) -> Region& { return e.regions[k]; });
    region.real("rent", &Region::rent, 1000.0 + static_cast<double>(k), "monthly rent", 0.0,
                std::nullopt, "RMB/month");
  }
  return s;
}

// The same schema written with ParamSchema's builders.
ParamSchema hand_declared() {
  ParamSchema s;
  s.integer("households", 1000, "number of households", 1.0, std::nullopt, "households");
  s.real("tax.rate", 0.2, "income tax rate", 0.0, 1.0);
  s.real_list("tax.brackets", {0.0, 5000.0}, "bracket floors", 0.0);
  s.boolean("labour.enabled", true, "run the labour market");
  s.choice("labour.matching", "random", {"random", "ranked"}, "matching rule");
  s.integer("labour.search.rounds", 3, "rounds", 1.0, 20.0);
  s.string("region", "north", "region name");
  s.integer_list("ages", {18, 65}, "working ages", 0.0, 120.0);
  s.real("regions.north.rent", 1000.0, "monthly rent", 0.0, std::nullopt, "RMB/month");
  s.real("regions.south.rent", 1001.0, "monthly rent", 0.0, std::nullopt, "RMB/month");
  return s;
}

Parameters defaults(const ParamSchema& schema) {
  Parameters p;
  for (const ParamSpec& spec : schema.specs()) p.set(spec.path, spec.default_value);
  return p;
}

void expect_same_spec(const ParamSpec& a, const ParamSpec& b) {
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.type, b.type) << a.path;
  EXPECT_EQ(a.default_value, b.default_value) << a.path;
  EXPECT_EQ(a.description, b.description) << a.path;
  EXPECT_EQ(a.unit, b.unit) << a.path;
  EXPECT_EQ(a.min, b.min) << a.path;
  EXPECT_EQ(a.max, b.max) << a.path;
  EXPECT_EQ(a.min_exclusive, b.min_exclusive) << a.path;
  EXPECT_EQ(a.choices, b.choices) << a.path;
  EXPECT_EQ(a.list_length, b.list_length) << a.path;
}

TEST(BoundSchema, ProducesTheHandDeclaredSchemaInOrder) {
  const BoundSchema<Example> bound = example_binding();
  const ParamSchema expected = hand_declared();
  ASSERT_EQ(bound.schema().specs().size(), expected.specs().size());
  for (std::size_t k = 0; k < expected.specs().size(); ++k) {
    expect_same_spec(bound.schema().specs()[k], expected.specs()[k]);
  }
}

TEST(BoundSchema, ReadsDefaults) {
  const BoundSchema<Example> bound = example_binding();
  const Example e = bound.read(defaults(bound.schema()));
  EXPECT_EQ(e.households, 1000);
  EXPECT_EQ(e.tax.rate, 0.2);
  EXPECT_EQ(e.tax.brackets, (std::vector<double>{0.0, 5000.0}));
  EXPECT_TRUE(e.labour.enabled);
  EXPECT_EQ(e.labour.matching, "random");
  EXPECT_EQ(e.labour.search.rounds, 3);
  EXPECT_EQ(e.region, "north");
  EXPECT_EQ(e.ages, (std::vector<std::int64_t>{18, 65}));
  EXPECT_EQ(e.regions[0].rent, 1000.0);
  EXPECT_EQ(e.regions[1].rent, 1001.0);
}

TEST(BoundSchema, ReadsGivenValuesIntoNestedSections) {
  const BoundSchema<Example> bound = example_binding();
  Parameters p = defaults(bound.schema());
  p.set("households", std::int64_t{7});
  p.set("tax.rate", 0.3);
  p.set("labour.enabled", false);
  p.set("labour.matching", std::string("ranked"));
  p.set("labour.search.rounds", std::int64_t{9});
  p.set("regions.south.rent", 2500.0);
  p.set("ages", std::vector<std::int64_t>{16, 70});
  const Example e = bound.read(p);
  EXPECT_EQ(e.households, 7);
  EXPECT_EQ(e.tax.rate, 0.3);
  EXPECT_FALSE(e.labour.enabled);
  EXPECT_EQ(e.labour.matching, "ranked");
  EXPECT_EQ(e.labour.search.rounds, 9);
  EXPECT_EQ(e.regions[0].rent, 1000.0);
  EXPECT_EQ(e.regions[1].rent, 2500.0);
  EXPECT_EQ(e.ages, (std::vector<std::int64_t>{16, 70}));
}

TEST(BoundSchema, RealAcceptsAnIntegerValueAsParametersDoes) {
  const BoundSchema<Example> bound = example_binding();
  Parameters p = defaults(bound.schema());
  p.set("regions.north.rent", std::int64_t{1200});
  EXPECT_EQ(bound.read(p).regions[0].rent, 1200.0);
}

TEST(BoundSchema, ReadIntoLeavesUnboundMembersAlone) {
  struct Partial {
    double bound = 0;
    double unbound = 0;
  };
  BoundSchema<Partial> s;
  s.root().real("bound", &Partial::bound, 1.5, "bound");
  Partial value{0, 42};
  s.read_into(defaults(s.schema()), value);
  EXPECT_EQ(value.bound, 1.5);
  EXPECT_EQ(value.unbound, 42);
}

TEST(BoundSchema, SpecCanBeAdjustedAfterBinding) {
  struct Rate {
    double lambda = 0;
  };
  BoundSchema<Rate> s;
  s.root().real("lambda", &Rate::lambda, 0.5, "rate", 0.0).min_exclusive = true;
  EXPECT_TRUE(s.schema().find("lambda")->min_exclusive);
}

TEST(BoundSchema, ChecksRunAfterReadingAndFailWithTheKey) {
  BoundSchema<Example> bound = example_binding();
  bound.check([](const Example& e, const Parameters& p) {
    if (e.labour.search.rounds > e.households) p.fail("labour.search.rounds", "too many rounds");
  });
  Parameters p = defaults(bound.schema());
  EXPECT_NO_THROW((void)bound.read(p));
  p.set("households", std::int64_t{2}, SourceLocation{"s.yaml", 4, 3});
  p.set("labour.search.rounds", std::int64_t{5}, SourceLocation{"s.yaml", 7, 5});
  try {
    (void)bound.read(p);
    FAIL() << "check did not fail";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "s.yaml:7:5: parameters.labour.search.rounds: too many rounds");
  }
}

TEST(BoundSchema, DeclarationErrorsThrowAndBindNothing) {
  struct Two {
    double a = 0;
    double b = 0;
  };
  BoundSchema<Two> s;
  s.root().real("a", &Two::a, 0.5, "a", 0.0, 1.0);
  EXPECT_THROW(s.root().real("a", &Two::b, 0.5, "again"), std::logic_error);
  EXPECT_THROW(s.root().real("b", &Two::b, 2.0, "out of bounds", 0.0, 1.0), std::logic_error);
  // A failed declaration binds nothing.
  Parameters p = defaults(s.schema());
  EXPECT_EQ(s.schema().specs().size(), 1U);
  EXPECT_EQ(s.read(p).b, 0.0);
}

// Member types are checked at compile time: real() takes only a double member.
template <class Section, class Member>
concept binds_real = requires(Section section, Member member) {
  section.real("x", member, 0.0, "x");
};
TEST(BoundSchema, MemberTypesAreCheckedAtCompileTime) {
  struct Mixed {
    double real = 0;
    std::int64_t count = 0;
    float narrow = 0;
  };
  using Root = BoundSchema<Mixed>::Section<Mixed>;
  static_assert(binds_real<Root, double Mixed::*>);
  static_assert(!binds_real<Root, std::int64_t Mixed::*>);
  static_assert(!binds_real<Root, float Mixed::*>);
  static_assert(!binds_real<Root, double Example::*>);
  SUCCEED();
}

}  // namespace
}  // namespace cpsim
