// Scenario loading: extends, overrides, defaults, resolved YAML, did_you_mean,
// and the data-driven corpus of broken scenarios in tests/data/bad-scenarios.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpsim/engine/errors.hpp"
#include "cpsim/engine/model.hpp"
#include "cpsim/engine/parameters.hpp"
#include "cpsim/engine/scenario.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;

// The test-only models; tests/data/bad-scenarios/README.md lists this schema.
ModelRegistry make_test_registry() {
  ModelRegistry registry;
  ModelInfo test;
  test.name = "test";
  test.summary = "schema-only model for scenario tests";
  ParamSchema& s = test.schema;
  s.integer("agents", 100, "number of agents", 1.0);
  s.real("lambda", 0.5, "rate", 0.0).min_exclusive = true;
  s.boolean("verbose", false, "print more");
  s.string("label", "none", "free text");
  s.choice("policy", "fixed", {"fixed", "random", "adaptive"}, "policy rule");
  s.real_list("rates", {0.1, 0.2}, "rates per class", 0.0, 1.0);
  s.integer_list("ages", {18, 65}, "age bounds", 0.0, 120.0, "years").list_length = 2;
  s.real("market.price", 1.0, "price", 0.0);
  s.integer("market.rounds", 3, "matching rounds", 1.0, 10.0);
  s.integer("market.matching.k", 5, "candidates per seeker", 1.0);
  PolicyModuleInfo subsidy{"subsidy", "pays a subsidy", "test policies", {}};
  subsidy.schema.real("amount", 100.0, "subsidy per agent", 0.0, 1000.0, "RMB/month");
  subsidy.schema.integer("target.group", 1, "group paid", 0.0, 3.0);
  test.policies.push_back(std::move(subsidy));
  PolicyModuleInfo levy{"levy", "takes a levy", "test policies", {}};
  levy.schema.real("rate", 0.1, "levy rate", 0.0, 1.0);
  test.policies.push_back(std::move(levy));
  test.steps_per_year = 12;  // monthly: policy dates may be months YYYY-MM
  registry.add(std::move(test));

  ModelInfo ticks;  // steps that are not calendar time, with a policy module
  ticks.name = "ticks";
  ticks.schema.integer("agents", 10, "number of agents", 1.0);
  PolicyModuleInfo tax{"tax", "takes a tax", "test policies", {}};
  tax.schema.real("rate", 0.1, "tax rate", 0.0, 1.0);
  ticks.policies.push_back(std::move(tax));
  registry.add(std::move(ticks));

  ModelInfo boltzmann;
  boltzmann.name = "boltzmann";
  boltzmann.schema.integer("agents", 100, "number of agents", 1.0);
  registry.add(std::move(boltzmann));

  ModelInfo schelling;
  schelling.name = "schelling";
  schelling.schema.real("threshold", 0.3, "tolerance", 0.0, 1.0);
  registry.add(std::move(schelling));
  return registry;
}

const ModelRegistry& test_registry() {
  static const ModelRegistry registry = make_test_registry();
  return registry;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
}

/// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("cpsim-scenario-" + std::to_string(::getpid()) + "-" +
                                         info->test_suite_name() + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& name, const std::string& text) const {
    write_text(path_ / name, text);
    return path_ / name;
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Scenario load(const fs::path& file, const std::vector<Override>& overrides = {}) {
  return load_scenario(file, overrides, test_registry());
}

std::string load_error(const fs::path& file, const std::vector<Override>& overrides = {}) {
  try {
    load(file, overrides);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

// ---------------------------------------------------------------------------
// Defaults and values

TEST(Scenario, MinimalScenarioGetsEveryDefault) {
  TempDir dir;
  const fs::path file = dir.write("minimal-run.yaml", "model: test\nsteps: 7\n");
  const Scenario s = load(file);
  EXPECT_EQ(s.file, file);
  EXPECT_EQ(s.name, "minimal-run");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.model, "test");
  EXPECT_EQ(s.seed, 1U);
  EXPECT_EQ(s.steps, 7);
  EXPECT_EQ(s.output.snapshot_every, 0);
  EXPECT_TRUE(s.output.snapshot_tables.empty());
  EXPECT_EQ(s.output.compression.level, 4);
  EXPECT_EQ(s.output.compression.codec, Codec::Deflate);

  const ParamSchema& schema = test_registry().find("test")->schema;
  EXPECT_EQ(s.parameters.values().size(), schema.specs().size());
  for (const ParamSpec& spec : schema.specs()) {
    ASSERT_TRUE(s.parameters.contains(spec.path)) << spec.path;
    EXPECT_EQ(s.parameters.values().at(spec.path), spec.default_value) << spec.path;
    EXPECT_EQ(s.parameters.where(spec.path).str(), "(default)") << spec.path;
  }
  EXPECT_EQ(s.parameters.integer("agents"), 100);
  EXPECT_EQ(s.parameters.real("market.price"), 1.0);
  EXPECT_EQ(s.parameters.string("policy"), "fixed");
  EXPECT_EQ(s.parameters.integer_list("ages"), (std::vector<std::int64_t>{18, 65}));
}

TEST(Scenario, ReadsEveryTypeAndTopLevelKey) {
  TempDir dir;
  const fs::path file = dir.write("full.yaml", R"(name: full-run
description: every key given
model: test
seed: 18446744073709551615
steps: 250
output:
  snapshot_every: 10
  snapshot_tables: [agents, firms]
  compression: 9
  codec: lz4
parameters:
  agents: 0x10
  lambda: 3
  verbose: true
  label: 12
  policy: adaptive
  rates: [0, 0.25, 1, 1e-3]
  ages: [20, 60]
  market:
    price: 2.5e1
    matching:
      k: 7
)");
  const Scenario s = load(file);
  EXPECT_EQ(s.name, "full-run");
  EXPECT_EQ(s.description, "every key given");
  EXPECT_EQ(s.seed, UINT64_MAX);
  EXPECT_EQ(s.steps, 250);
  EXPECT_EQ(s.output.snapshot_every, 10);
  EXPECT_EQ(s.output.snapshot_tables, (std::vector<std::string>{"agents", "firms"}));
  EXPECT_EQ(s.output.compression.level, 9);
  EXPECT_EQ(s.output.compression.codec, Codec::Lz4);
  const Parameters& p = s.parameters;
  EXPECT_EQ(p.integer("agents"), 16);
  EXPECT_EQ(p.real("lambda"), 3.0);
  EXPECT_TRUE(std::holds_alternative<double>(p.values().at("lambda")));
  EXPECT_TRUE(p.boolean("verbose"));
  EXPECT_EQ(p.string("label"), "12");
  EXPECT_EQ(p.string("policy"), "adaptive");
  EXPECT_EQ(p.real_list("rates"), (std::vector<double>{0.0, 0.25, 1.0, 1e-3}));
  EXPECT_EQ(p.integer_list("ages"), (std::vector<std::int64_t>{20, 60}));
  EXPECT_EQ(p.real("market.price"), 25.0);
  EXPECT_EQ(p.integer("market.rounds"), 3);  // default inside a given section
  EXPECT_EQ(p.integer("market.matching.k"), 7);
  EXPECT_EQ(p.where("market.matching.k").str(), file.string() + ":22:10");
  EXPECT_EQ(p.where("market.rounds").str(), "(default)");
}

TEST(Scenario, EmptySectionsMeanDefaults) {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", "model: test\nsteps: 1\noutput:\nparameters:\n");
  const Scenario s = load(file);
  EXPECT_EQ(s.output.compression.level, 4);
  EXPECT_EQ(s.parameters.integer("agents"), 100);
}

TEST(Scenario, ParametersFailNamesWhereTheValueCameFrom) {
  TempDir dir;
  const fs::path file =
      dir.write("s.yaml", "model: test\nsteps: 1\nparameters:\n  market:\n    price: 4\n");
  const Scenario s = load(file, {parse_override("parameters.agents=3")});
  try {
    s.parameters.fail("market.price", "must be below the wage");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              file.string() + ":5:12: parameters.market.price: must be below the wage");
  }
  EXPECT_THROW(s.parameters.fail("agents", "too many"), ScenarioError);
  try {
    s.parameters.fail("agents", "too many");
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "--set parameters.agents=3: parameters.agents: too many");
  }
  try {
    s.parameters.fail("lambda", "bad");
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "(default): parameters.lambda: bad");
  }
}

// ---------------------------------------------------------------------------
// extends

TEST(Scenario, ExtendsMergesMapsAndReplacesLists) {
  TempDir dir;
  const fs::path base = dir.write("base/base.yaml", R"(name: base-run
description: the base
model: test
seed: 5
steps: 100
output:
  snapshot_every: 10
  compression: 2
parameters:
  agents: 10
  rates: [0.1, 0.2, 0.3]
  market:
    price: 2.0
    rounds: 4
)");
  const fs::path child = dir.write("runs/child.yaml", R"(extends: ../base/base.yaml
name: child-run
steps: 50
output:
  compression: 6
parameters:
  rates: [0.5]
  market:
    price: 3.0
)");
  const Scenario s = load(child);
  EXPECT_EQ(s.name, "child-run");
  EXPECT_EQ(s.description, "the base");
  EXPECT_EQ(s.model, "test");
  EXPECT_EQ(s.seed, 5U);
  EXPECT_EQ(s.steps, 50);
  EXPECT_EQ(s.output.snapshot_every, 10);
  EXPECT_EQ(s.output.compression.level, 6);
  const Parameters& p = s.parameters;
  EXPECT_EQ(p.integer("agents"), 10);
  EXPECT_EQ(p.real_list("rates"), std::vector<double>{0.5});
  EXPECT_EQ(p.real("market.price"), 3.0);
  EXPECT_EQ(p.integer("market.rounds"), 4);
  // Every value remembers its own file.
  const std::string base_file = (dir.path() / "base/base.yaml").string();
  EXPECT_EQ(p.where("agents").str(), base_file + ":10:11");
  EXPECT_EQ(p.where("market.rounds").str(), base_file + ":14:13");
  EXPECT_EQ(p.where("market.price").str(), child.string() + ":9:12");
  EXPECT_EQ(s.resolved_yaml.find("extends"), std::string::npos);
  EXPECT_EQ(s.file, child);
  (void)base;
}

TEST(Scenario, ExtendsChainsThroughSeveralFiles) {
  TempDir dir;
  dir.write("a.yaml", "model: test\nsteps: 1\nparameters:\n  agents: 1\n  lambda: 1\n");
  dir.write("sub/b.yaml", "extends: ../a.yaml\nparameters:\n  lambda: 2\n  verbose: true\n");
  const fs::path c =
      dir.write("sub/deeper/c.yaml", "extends: ../b.yaml\nparameters:\n  agents: 3\n");
  const Scenario s = load(c);
  EXPECT_EQ(s.name, "c");
  EXPECT_EQ(s.parameters.integer("agents"), 3);
  EXPECT_EQ(s.parameters.real("lambda"), 2.0);
  EXPECT_TRUE(s.parameters.boolean("verbose"));
}

TEST(Scenario, ExtendsErrorsNameTheChain) {
  TempDir dir;
  const fs::path self = dir.write("self.yaml", "extends: self.yaml\nmodel: test\nsteps: 1\n");
  EXPECT_EQ(load_error(self), self.string() + ":1:10: extends: circular extends: " + self.string() +
                                  " -> " + self.string());
  const fs::path bad = dir.write("bad.yaml", "extends: [a, b]\nmodel: test\nsteps: 1\n");
  EXPECT_EQ(load_error(bad),
            bad.string() + ":1:10: extends: expected the path of a scenario file, found a list");
  const fs::path to_dir = dir.write("to-dir.yaml", "extends: .\nmodel: test\nsteps: 1\n");
  EXPECT_EQ(load_error(to_dir),
            to_dir.string() + ":1:10: extends: cannot read '.': a folder, not a file");
}

TEST(Scenario, MissingTopFile) {
  TempDir dir;
  const fs::path missing = dir.path() / "nope.yaml";
  EXPECT_EQ(load_error(missing), missing.string() + ": cannot open scenario file");
  EXPECT_EQ(load_error(dir.path()), dir.path().string() + ": a folder, not a file");
}

// ---------------------------------------------------------------------------
// --set

TEST(Scenario, ParseOverride) {
  const Override o = parse_override("parameters.market.price=1.5");
  EXPECT_EQ(o.path, "parameters.market.price");
  EXPECT_EQ(o.value, "1.5");
  const Override with_equals = parse_override("description=a=b");
  EXPECT_EQ(with_equals.path, "description");
  EXPECT_EQ(with_equals.value, "a=b");
  EXPECT_EQ(parse_override("name=").value, "");

  const auto error = [](std::string_view argument) {
    try {
      parse_override(argument);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error("steps"), "--set steps: expected KEY.PATH=VALUE, found no '='");
  EXPECT_EQ(error("=5"), "--set =5: expected KEY.PATH=VALUE, found an empty key path");
  EXPECT_EQ(error("parameters.=5"),
            "--set parameters.=5: expected KEY.PATH=VALUE, found an empty key in 'parameters.'");
  EXPECT_EQ(error("a b=5"),
            "--set a b=5: expected KEY.PATH=VALUE, found a space in the key path 'a b'");
  EXPECT_EQ(error("x\ny"), "--set x\\ny: expected KEY.PATH=VALUE, found no '='");
}

TEST(Scenario, OverridesWinOverFilesAndLaterOverridesWin) {
  TempDir dir;
  dir.write("base.yaml", "model: test\nsteps: 100\nparameters:\n  agents: 10\n  lambda: 1\n");
  const fs::path child =
      dir.write("child.yaml", "extends: base.yaml\nparameters:\n  agents: 20\n  rates: [0.1]\n");
  const std::vector<Override> overrides = {
      parse_override("parameters.agents=30"),
      parse_override("parameters.agents=40"),
      parse_override("steps=12"),
      parse_override("seed=99"),
      parse_override("name=from-cli"),
      parse_override("parameters.rates=[0.3, 0.4]"),
      parse_override("parameters.market.matching.k=9"),
      parse_override("output.snapshot_tables=[agents]"),
      parse_override("parameters.market={price: 7, rounds: 2}"),
  };
  const Scenario s = load(child, overrides);
  EXPECT_EQ(s.name, "from-cli");
  EXPECT_EQ(s.steps, 12);
  EXPECT_EQ(s.seed, 99U);
  EXPECT_EQ(s.output.snapshot_tables, std::vector<std::string>{"agents"});
  const Parameters& p = s.parameters;
  EXPECT_EQ(p.integer("agents"), 40);
  EXPECT_EQ(p.real("lambda"), 1.0);
  EXPECT_EQ(p.real_list("rates"), (std::vector<double>{0.3, 0.4}));
  // A later override of a whole section replaces the map the earlier one made.
  EXPECT_EQ(p.real("market.price"), 7.0);
  EXPECT_EQ(p.integer("market.rounds"), 2);
  EXPECT_EQ(p.integer("market.matching.k"), 5);
  EXPECT_EQ(p.where("agents").str(), "--set parameters.agents=40");
  EXPECT_EQ(p.where("market.price").str(), "--set parameters.market={price: 7, rounds: 2}");
}

TEST(Scenario, OverrideErrorsNameTheArgument) {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", "model: test\nsteps: 10\n");
  EXPECT_EQ(load_error(file, {parse_override("parameters={agnets: 5}")}),
            "--set parameters={agnets: 5}: parameters.agnets: unknown key (did you mean "
            "'agents'?)");
  EXPECT_EQ(load_error(file, {parse_override("model=boltzman")}),
            "--set model=boltzman: unknown model 'boltzman' (did you mean 'boltzmann'?)");
  EXPECT_EQ(load_error(file, {parse_override("parameters.lambda=")}),
            "--set parameters.lambda=: expected a number, found null");
  EXPECT_EQ(load_error(file, {Override{"a..b", "1"}}),
            "--set a..b=1: expected KEY.PATH=VALUE, found an empty key in 'a..b'");
}

// ---------------------------------------------------------------------------
// Policies

TEST(ScenarioPolicies, InstancesGetTheirModuleScheduleAndDefaults) {
  TempDir dir;
  const fs::path file = dir.write("p.yaml", R"(model: test
steps: 36
start_date: 2021-01
policies:
  subsidy:
    start: 13
    amount: 250
  second_subsidy:
    type: subsidy
    start: 2022-07
    end: 2023-12
    target:
      group: 3
  levy:
    enabled: false
)");
  const Scenario s = load(file);
  EXPECT_EQ(s.start_date, "2021-01");
  const auto& policies = s.parameters.policies();
  ASSERT_EQ(policies.size(), 3U);
  EXPECT_EQ(policies[0].name, "subsidy");
  EXPECT_EQ(policies[0].module, "subsidy");
  EXPECT_EQ(policies[0].start, 13);
  EXPECT_FALSE(policies[0].end_given);
  EXPECT_TRUE(policies[0].active_at(36));
  EXPECT_FALSE(policies[0].active_at(12));
  EXPECT_EQ(policies[0].parameters.real("amount"), 250.0);
  EXPECT_EQ(policies[0].parameters.integer("target.group"), 1);  // default
  EXPECT_EQ(policies[1].module, "subsidy");
  EXPECT_EQ(policies[1].start, 19);  // July of the second year
  EXPECT_EQ(policies[1].end, 36);
  EXPECT_EQ(policies[1].parameters.real("amount"), 100.0);
  EXPECT_EQ(policies[1].parameters.integer("target.group"), 3);
  EXPECT_FALSE(policies[2].enabled);
  EXPECT_FALSE(policies[2].active_at(1));
  EXPECT_EQ(policies[2].parameters.real("rate"), 0.1);
}

TEST(ScenarioPolicies, ExtendsMergesPoliciesAndSetReachesTheirParameters) {
  TempDir dir;
  dir.write("base.yaml", "model: test\nsteps: 24\npolicies:\n  subsidy:\n    amount: 50\n");
  const fs::path child =
      dir.write("child.yaml", "extends: base.yaml\npolicies:\n  subsidy:\n    start: 13\n");
  const Scenario merged = load(child);
  ASSERT_EQ(merged.parameters.policies().size(), 1U);
  EXPECT_EQ(merged.parameters.policies()[0].start, 13);
  EXPECT_EQ(merged.parameters.policies()[0].parameters.real("amount"), 50.0);

  const Scenario set = load(child, {parse_override("policies.subsidy.amount=600"),
                                    parse_override("policies.subsidy.end=20"),
                                    parse_override("policies.extra={type: levy, rate: 0.3}")});
  const auto& policies = set.parameters.policies();
  ASSERT_EQ(policies.size(), 2U);
  EXPECT_EQ(policies[0].parameters.real("amount"), 600.0);
  EXPECT_EQ(policies[0].end, 20);
  EXPECT_EQ(policies[0].parameters.where("amount").str(), "--set policies.subsidy.amount=600");
  EXPECT_EQ(policies[1].module, "levy");
  EXPECT_EQ(policies[1].parameters.real("rate"), 0.3);
  EXPECT_EQ(load_error(child, {parse_override("policies.subsidy.amont=1")}),
            "--set policies.subsidy.amont=1: unknown key (did you mean 'amount'?)");
}

TEST(ScenarioPolicies, ResolvedYamlCarriesPoliciesAndRoundTrips) {
  TempDir dir;
  const fs::path file = dir.write("p.yaml", R"(model: test
steps: 24
start_date: 2021-01
policies:
  tax:
    type: levy
    start: 2021-07
    end: 2021-12
    rate: 0.25
  subsidy: {}
)");
  const Scenario first = load(file);
  const std::string& text = first.resolved_yaml;
  EXPECT_NE(text.find("start_date: 2021-01\n"), std::string::npos) << text;
  EXPECT_NE(text.find("policies:\n  tax:\n    type: levy\n    enabled: true\n    start: 7\n"
                      "    end: 12\n    rate: 0.25\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  subsidy:\n    type: subsidy\n    enabled: true\n    start: 1\n"
                      "    amount: 100.0\n    target:\n      group: 1\n"),
            std::string::npos)
      << text;
  const Scenario second = load(dir.write("resolved.yaml", text));
  EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
  ASSERT_EQ(second.parameters.policies().size(), 2U);
  EXPECT_EQ(second.parameters.policies()[0].end, 12);
  EXPECT_EQ(second.parameters.policies()[1].parameters.values(),
            first.parameters.policies()[1].parameters.values());
}

TEST(ScenarioPolicies, NoPoliciesLeavesTheResolvedYamlAsItWas) {
  TempDir dir;
  const Scenario s = load(dir.write("p.yaml", "model: test\nsteps: 2\npolicies:\n"));
  EXPECT_TRUE(s.parameters.policies().empty());
  EXPECT_EQ(s.resolved_yaml.find("policies"), std::string::npos);
}

TEST(ScenarioPolicies, FailNamesThePolicyKeyPath) {
  TempDir dir;
  const Scenario s =
      load(dir.write("p.yaml", "model: test\nsteps: 2\npolicies:\n  subsidy:\n    amount: 5\n"));
  const PolicyInstance& policy = s.parameters.policies()[0];
  try {
    policy.parameters.fail("amount", "too small for this model");
    FAIL() << "fail() returned";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir.path() / "p.yaml").string() +
                  ":5:13: policies.subsidy.amount: too small for this model");
  }
}

TEST(ModelRegistry, RefusesPolicyModulesThatClashWithTheSchedule) {
  ModelRegistry registry;
  ModelInfo model;
  model.name = "m";
  PolicyModuleInfo bad{"bad", "", "", {}};
  bad.schema.integer("start", 1, "clashes with the schedule key");
  model.policies.push_back(bad);
  EXPECT_THROW(registry.add(model), std::logic_error);
  model.policies = {PolicyModuleInfo{"twice", "", "", {}}, PolicyModuleInfo{"twice", "", "", {}}};
  EXPECT_THROW(registry.add(model), std::logic_error);
}

// ---------------------------------------------------------------------------
// Resolved YAML

TEST(Scenario, ResolvedYamlRoundTrips) {
  TempDir dir;
  dir.write("base.yaml", "model: test\nsteps: 3\nseed: 12345678901234567890\n");
  const fs::path child = dir.write("child.yaml", R"(extends: base.yaml
description: "a: tricky # line"
output:
  snapshot_tables: [agents, "true"]
  codec: lz4
parameters:
  lambda: 0.1
  label: "true"
  rates: [1e-300, 0.3333333333333333, 1]
  market:
    price: 12345678901234567890
)");
  const Scenario first = load(
      child, {parse_override("parameters.agents=42"), parse_override("parameters.lambda=3e6")});
  const std::string& text = first.resolved_yaml;
  EXPECT_EQ(text.find("extends"), std::string::npos);
  EXPECT_NE(text.find("name: child\n"), std::string::npos) << text;
  EXPECT_NE(text.find("agents: 42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("market:\n"), std::string::npos) << text;         // block style
  EXPECT_NE(text.find("verbose: false\n"), std::string::npos) << text;  // default filled
  // Reals: whole numbers in full, others as short as reads back exactly.
  EXPECT_NE(text.find("lambda: 3000000.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("price: 1.2345678901234567e+19\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rates: [1e-300, 0.3333333333333333, 1.0]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("label: \"true\"\n"), std::string::npos) << text;

  const fs::path resolved = dir.write("resolved.yaml", text);
  const Scenario second = load(resolved);
  EXPECT_EQ(second.name, first.name);
  EXPECT_EQ(second.description, first.description);
  EXPECT_EQ(second.description, "a: tricky # line");
  EXPECT_EQ(second.model, first.model);
  EXPECT_EQ(second.seed, first.seed);
  EXPECT_EQ(second.steps, first.steps);
  EXPECT_EQ(second.output.snapshot_every, first.output.snapshot_every);
  EXPECT_EQ(second.output.snapshot_tables, first.output.snapshot_tables);
  EXPECT_EQ(second.output.compression.level, first.output.compression.level);
  EXPECT_EQ(second.output.compression.codec, Codec::Lz4);
  EXPECT_EQ(second.parameters.values(), first.parameters.values());
  EXPECT_EQ(second.parameters.string("label"), "true");
  EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
}

TEST(Scenario, ResolvedYamlRoundTripsAwkwardStrings) {
  const std::vector<std::string> labels = {"",     "null",  "~",    "yes", "No",    "123",
                                           "0x1f", "1e5",   ".inf", "- a", "a: b",  "#c",
                                           "'q'",  "\"d\"", "ünï",  "x y", " lead", "[1]"};
  TempDir dir;
  for (const std::string& label : labels) {
    const fs::path file = dir.write("s.yaml", "model: test\nsteps: 1\n");
    // The label as a double-quoted YAML string, so that it reads back as is.
    std::string quoted = "\"";
    for (const char c : label) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c;
    }
    quoted += '"';
    const Scenario with_label = load(file, {Override{"parameters.label", quoted}});
    ASSERT_EQ(with_label.parameters.string("label"), label);
    const fs::path resolved = dir.write("resolved.yaml", with_label.resolved_yaml);
    const Scenario again = load(resolved);
    EXPECT_EQ(again.parameters.string("label"), label) << with_label.resolved_yaml;
    EXPECT_EQ(again.resolved_yaml, with_label.resolved_yaml);
  }
}

TEST(Scenario, ResolvedYamlKeepsEveryRealExactly) {
  TempDir dir;
  const fs::path file = dir.write("s.yaml", "model: test\nsteps: 1\n");
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> exponent(-300.0, 300.0);
  std::uniform_real_distribution<double> mantissa(1.0, 10.0);
  const std::vector<double> special = {1e15, 999999999999999.0, 0.1, 5e-324, -0.0};
  for (std::size_t i = 0; i < 300; ++i) {
    const double x =
        i < special.size() ? special[i] : mantissa(random) * std::pow(10.0, exponent(random));
    std::ostringstream text;
    text.precision(17);
    text << x;
    const Scenario first = load(file, {Override{"parameters.market.price", text.str()}});
    const fs::path resolved = dir.write("resolved.yaml", first.resolved_yaml);
    const Scenario again = load(resolved);
    EXPECT_EQ(again.parameters.real("market.price"), first.parameters.real("market.price"))
        << text.str() << "\n"
        << first.resolved_yaml;
  }
}

// ---------------------------------------------------------------------------
// did_you_mean

TEST(DidYouMean, FindsTheNearestKeyWithinTheLimit) {
  const std::vector<std::string> keys = {"agents", "lambda", "market", "steps", "snapshot_every"};
  EXPECT_EQ(did_you_mean("agnets", keys), "agents");  // transposition: distance 2
  EXPECT_EQ(did_you_mean("agent", keys), "agents");
  EXPECT_EQ(did_you_mean("Agents", keys), "agents");  // case-insensitive
  EXPECT_EQ(did_you_mean("lamda", keys), "lambda");
  EXPECT_EQ(did_you_mean("step", keys), "steps");
  EXPECT_EQ(did_you_mean("snapshot_evry", keys), "snapshot_every");
  EXPECT_EQ(did_you_mean("snapshotevery_x", keys), "snapshot_every");  // distance 3 <= 15/3
  EXPECT_EQ(did_you_mean("zzz", keys), "");
  EXPECT_EQ(did_you_mean("population", keys), "");
  EXPECT_EQ(did_you_mean("", keys), "");
  EXPECT_EQ(did_you_mean("agents", std::vector<std::string>{}), "");
  // Ties go to the first candidate.
  EXPECT_EQ(did_you_mean("ab", std::vector<std::string>{"ax", "ay"}), "ax");
  // The limit is max(2, len/3): 3 edits on a 6-letter word are too many.
  EXPECT_EQ(did_you_mean("agxyzs", std::vector<std::string>{"agents"}), "");
}

// ---------------------------------------------------------------------------
// Registry

TEST(ModelRegistry, AddFindNames) {
  const ModelRegistry& registry = test_registry();
  ASSERT_NE(registry.find("test"), nullptr);
  EXPECT_EQ(registry.find("test")->name, "test");
  EXPECT_EQ(registry.find("tes"), nullptr);
  EXPECT_EQ(registry.names(),
            (std::vector<std::string>{"boltzmann", "schelling", "test", "ticks"}));
  ModelRegistry twice;
  ModelInfo info;
  info.name = "m";
  twice.add(info);
  EXPECT_THROW(twice.add(info), std::logic_error);
  EXPECT_THROW(twice.add(ModelInfo{}), std::logic_error);
}

// ---------------------------------------------------------------------------
// Garbage never crashes

TEST(Scenario, HostileDocumentsAreErrorsNotCrashes) {
  TempDir dir;
  const std::vector<std::string> documents = {
      "model: test\nsteps: 1\nparameters: &a {market: *a}\n",                 // recursive alias
      "model: test\nsteps: 1\nparameters: " + std::string(5000, '[') + "\n",  // deep nesting
      "model: test\nsteps: 1\nparameters: !custom {agents: 1}\n",
      "model: test\nsteps: 1\n? [a, b]\n: 1\n",
      "model: test\nsteps: 1\n\"\": 1\n",
      "\xef\xbb\xbfmodel: test\nsteps: 1\nlabel: \xff\xfe\n",
      "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",  // alias bomb
  };
  for (const std::string& text : documents) {
    const fs::path file = dir.write("hostile.yaml", text);
    const std::string error = load_error(file);
    EXPECT_NE(error, "(no error)") << text.substr(0, 80);
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

TEST(Scenario, RandomTextIsAnErrorOrAScenario) {
  TempDir dir;
  std::mt19937 random(12345);  // a fixed sequence: the test is reproducible
  const std::string alphabet = "{}[]:,-?&*!|>'\"%@`# \n\t\\abcmodelsteps0123456789.=~";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 120);
  for (int i = 0; i < 500; ++i) {
    std::string text = i % 2 == 0 ? "model: test\nsteps: 2\nparameters:\n  " : "";
    const int n = length(random);
    for (int j = 0; j < n; ++j) {
      text += alphabet[pick(random)];
    }
    const fs::path file = dir.write("random.yaml", text);
    try {
      load(file);
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
}

// ---------------------------------------------------------------------------
// The corpus of broken scenarios (format: tests/data/bad-scenarios/README.md)

fs::path corpus_dir() { return fs::path(CPSIM_TEST_DATA) / "bad-scenarios"; }

std::vector<std::string> corpus_cases() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(corpus_dir(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string without_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, ReportsTheExpectedError) {
  const std::string name = GetParam();
  const fs::path dir = corpus_dir();
  const fs::path scenario = dir / (name + ".yaml");
  const fs::path expected_file = dir / (name + ".expected");
  const fs::path args_file = dir / (name + ".args");

  std::string actual = "(no error)";
  try {
    std::vector<Override> overrides;
    if (fs::exists(args_file)) {
      std::istringstream lines(read_text(args_file));
      for (std::string line; std::getline(lines, line);) {
        line = without_trailing_newlines(line);
        if (!line.empty() && line.front() != '#') {
          overrides.push_back(parse_override(line));
        }
      }
    }
    load(scenario, overrides);
  } catch (const ScenarioError& e) {
    actual = e.what();
  }

  if (const char* update = std::getenv("CPSIM_UPDATE_EXPECTED"); update && *update == '1') {
    std::string text = actual;
    replace_all(text, dir.string(), "{dir}");
    write_text(expected_file, text + "\n");
  }
  ASSERT_TRUE(fs::exists(expected_file))
      << "every case needs " << expected_file.filename() << "; helpers belong in helpers/";
  std::string expected = without_trailing_newlines(read_text(expected_file));
  ASSERT_EQ(expected.find('\n'), std::string::npos) << "one line only in " << expected_file;
  replace_all(expected, "{dir}", dir.string());
  EXPECT_EQ(actual, expected);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadScenario, ::testing::ValuesIn(corpus_cases()),
                         [](const ::testing::TestParamInfo<std::string>& case_info) {
                           std::string id = case_info.param;
                           std::replace_if(
                               id.begin(), id.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return id;
                         });

TEST(BadScenarioCorpus, IsThere) {
  // Guards against a moved folder silently giving zero cases.
  EXPECT_GE(corpus_cases().size(), 30U) << corpus_dir();
}

}  // namespace
}  // namespace cpsim
