// ParamSchema (what a model declares), SourceLocation and Parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/parameters.hpp"

namespace cpsim {
namespace {

ParamSchema example_schema() {
  ParamSchema s;
  s.integer("households", 1000, "number of households", 1.0, std::nullopt, "households");
  s.real("tax.rate", 0.2, "income tax rate", 0.0, 1.0);
  s.real_list("tax.brackets", {0.0, 5000.0}, "bracket floors", 0.0);
  s.boolean("labour.enabled", true, "run the labour market");
  s.choice("labour.matching", "random", {"random", "ranked"}, "matching rule");
  s.integer("labour.search.rounds", 3, "rounds", 1.0, 20.0);
  s.string("region", "north", "region name");
  s.integer_list("ages", {18, 65}, "working ages", 0.0, 120.0);
  return s;
}

TEST(ParamSchema, BuildersFillTheSpec) {
  const ParamSchema s = example_schema();
  ASSERT_EQ(s.specs().size(), 8U);
  const ParamSpec* households = s.find("households");
  ASSERT_NE(households, nullptr);
  EXPECT_EQ(households->type, ParamType::Integer);
  EXPECT_EQ(std::get<std::int64_t>(households->default_value), 1000);
  EXPECT_EQ(households->min, 1.0);
  EXPECT_FALSE(households->max.has_value());
  EXPECT_EQ(households->unit, "households");
  EXPECT_EQ(households->description, "number of households");

  const ParamSpec* rate = s.find("tax.rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->type, ParamType::Real);
  EXPECT_EQ(rate->max, 1.0);

  const ParamSpec* matching = s.find("labour.matching");
  ASSERT_NE(matching, nullptr);
  EXPECT_EQ(matching->type, ParamType::Choice);
  EXPECT_EQ(matching->choices, (std::vector<std::string>{"random", "ranked"}));

  EXPECT_EQ(s.find("ages")->type, ParamType::IntegerList);
  EXPECT_EQ(s.find("tax.brackets")->type, ParamType::RealList);
  EXPECT_EQ(s.find("tax"), nullptr);
  EXPECT_EQ(s.find("nope"), nullptr);
}

TEST(ParamSchema, SectionsFollowFromPaths) {
  const ParamSchema s = example_schema();
  EXPECT_TRUE(s.is_section("tax"));
  EXPECT_TRUE(s.is_section("labour"));
  EXPECT_TRUE(s.is_section("labour.search"));
  EXPECT_FALSE(s.is_section("labour.search.rounds"));
  EXPECT_FALSE(s.is_section("households"));
  EXPECT_FALSE(s.is_section("ta"));  // a prefix of a name is not a section
  EXPECT_FALSE(s.is_section("lab"));
  EXPECT_EQ(s.children(""),
            (std::vector<std::string>{"households", "tax", "labour", "region", "ages"}));
  EXPECT_EQ(s.children("tax"), (std::vector<std::string>{"rate", "brackets"}));
  EXPECT_EQ(s.children("labour"), (std::vector<std::string>{"enabled", "matching", "search"}));
  EXPECT_EQ(s.children("labour.search"), std::vector<std::string>{"rounds"});
  EXPECT_TRUE(s.children("households").empty());
  EXPECT_TRUE(s.children("nope").empty());
}

TEST(ParamSchema, AddReturnsTheStoredSpec) {
  ParamSchema s;
  s.real("rate", 0.5, "r", 0.0).min_exclusive = true;
  EXPECT_TRUE(s.find("rate")->min_exclusive);
  s.real_list("shares", {0.5, 0.5}, "s").list_length = 2;
  EXPECT_EQ(s.find("shares")->list_length, 2U);
}

TEST(ParamSchema, RejectsMistakesInTheModelsDeclaration) {
  ParamSchema s = example_schema();
  EXPECT_THROW(s.integer("households", 1, "again"), std::logic_error);
  EXPECT_THROW(s.real("tax", 0.1, "a parameter where a section is"), std::logic_error);
  EXPECT_THROW(s.real("region.code", 0.1, "a section under a parameter"), std::logic_error);
  EXPECT_THROW(s.integer("", 1, "empty path"), std::logic_error);
  EXPECT_THROW(s.integer("a..b", 1, "empty segment"), std::logic_error);
  EXPECT_THROW(s.integer("low", 0, "default below min", 1.0), std::logic_error);
  EXPECT_THROW(s.real("high", 2.0, "default above max", 0.0, 1.0), std::logic_error);
  EXPECT_THROW(s.real("nan", std::nan(""), "not finite"), std::logic_error);
  EXPECT_THROW(s.choice("rule", "other", {"a", "b"}, "default not a choice"), std::logic_error);
  EXPECT_THROW(s.real_list("list", {0.5, 2.0}, "element above max", 0.0, 1.0), std::logic_error);
  EXPECT_THROW(s.real("bounds", 0.5, "min above max", 1.0, 0.0), std::logic_error);
  ParamSpec wrong;
  wrong.path = "typed";
  wrong.type = ParamType::Integer;
  wrong.default_value = 1.5;  // a double for an integer
  EXPECT_THROW(s.add(wrong), std::logic_error);
  ParamSpec strict;
  strict.path = "strict";
  strict.type = ParamType::Real;
  strict.default_value = 0.0;
  strict.min = 0.0;
  strict.min_exclusive = true;
  EXPECT_THROW(s.add(strict), std::logic_error);
  EXPECT_EQ(s.specs().size(), 8U);  // nothing half-added
}

TEST(SourceLocation, Str) {
  EXPECT_EQ((SourceLocation{"runs/a.yaml", 3, 7}).str(), "runs/a.yaml:3:7");
  EXPECT_EQ((SourceLocation{}).str(), "(default)");
  EXPECT_EQ((SourceLocation{"--set parameters.x=1", 0, 0}).str(), "--set parameters.x=1");
}

TEST(Parameters, TypedAccess) {
  Parameters p;
  p.set("n", std::int64_t{7});
  p.set("x", 2.5);
  p.set("flag", true);
  p.set("name", std::string("north"));
  p.set("list", std::vector<double>{1.0, 2.0});
  p.set("ints", std::vector<std::int64_t>{3, 4});
  EXPECT_EQ(p.integer("n"), 7);
  EXPECT_EQ(p.real("x"), 2.5);
  EXPECT_EQ(p.real("n"), 7.0);  // integers read as reals
  EXPECT_TRUE(p.boolean("flag"));
  EXPECT_EQ(p.string("name"), "north");
  EXPECT_EQ(p.real_list("list"), (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(p.integer_list("ints"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_TRUE(p.contains("n"));
  EXPECT_FALSE(p.contains("m"));
  EXPECT_EQ(p.values().size(), 6U);

  EXPECT_THROW((void)p.integer("x"), std::logic_error);  // a real is not an integer
  EXPECT_THROW((void)p.boolean("n"), std::logic_error);
  EXPECT_THROW((void)p.string("flag"), std::logic_error);
  EXPECT_THROW((void)p.real_list("ints"), std::logic_error);
  EXPECT_THROW((void)p.real("missing"), std::logic_error);

  p.set("n", std::int64_t{8});  // set again replaces
  EXPECT_EQ(p.integer("n"), 8);
}

TEST(Parameters, WhereAndFail) {
  Parameters p;
  p.set("tax.rate", 0.3, SourceLocation{"runs/a.yaml", 12, 9});
  p.set("households", std::int64_t{5});
  EXPECT_EQ(p.where("tax.rate").str(), "runs/a.yaml:12:9");
  EXPECT_EQ(p.where("households").str(), "(default)");
  EXPECT_EQ(p.where("unknown").str(), "(default)");
  try {
    p.fail("tax.rate", "must be below tax.top_rate (0.25)");
    FAIL() << "fail() returned";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "runs/a.yaml:12:9: parameters.tax.rate: must be below tax.top_rate (0.25)");
  }
  try {
    p.fail("households", "too few");
    FAIL() << "fail() returned";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "(default): parameters.households: too few");
  }
}

}  // namespace
}  // namespace cpsim
