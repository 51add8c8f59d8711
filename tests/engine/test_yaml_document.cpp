// The located YAML document every input file is read with: key paths and
// positions, YAML 1.2 scalars, typed getters, strict keys, the limits, and
// how an override's error is named (yaml_document.hpp).
#include "cpsim/engine/yaml_document.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cpsim {
namespace {

const yaml::Location kFile{"f.yaml", 0, 0, "", ""};

yaml::Node parse(const std::string& text) { return yaml::parse(text, kFile); }

/// The message of what `read` throws, or "(no error)".
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(YamlDocument, EveryNodeKnowsItsKeyPathAndPosition) {
  const yaml::Node root = parse("replicates: 2\nsweeps:\n  - {parameter: a.b, values: [1, 2]}\n");
  ASSERT_TRUE(root.is_map());
  const yaml::Node& sweep = root.required("sweeps").expect_list().items.at(0);
  const yaml::Node& parameter = sweep.required("parameter");
  EXPECT_EQ(parameter.path, "sweeps[0].parameter");
  EXPECT_EQ(parameter.location.line, 3);
  EXPECT_EQ(parameter.location.column, 17);
  EXPECT_EQ(parameter.as_string(), "a.b");
  EXPECT_EQ(sweep.required("values").items.at(1).path, "sweeps[0].values[1]");
  EXPECT_EQ(root.find("missing"), nullptr);
  EXPECT_EQ(error_of([&] { (void)sweep.required("scenario"); }),
            "f.yaml:3:5: sweeps[0].scenario: missing required key");
}

TEST(YamlDocument, ScalarsFollowYaml12) {
  const yaml::Node root = parse(
      "hex: 0x2A\nplus: +42\noctal: 0o52\nreal: 1e-3\nyes: True\nquoted: \"42\"\nword: yes\n");
  EXPECT_EQ(root.required("hex").as_integer(), 42);
  EXPECT_EQ(root.required("plus").as_integer(), 42);
  EXPECT_EQ(root.required("octal").as_unsigned(), 42U);
  EXPECT_EQ(root.required("real").as_real(), 1e-3);
  EXPECT_EQ(root.required("hex").as_real(), 42.0);  // an integer is a number too
  EXPECT_TRUE(root.required("yes").as_bool());
  // A quoted number is text; YAML 1.1's `yes` is not a boolean.
  EXPECT_EQ(error_of([&] { (void)root.required("quoted").as_integer(); }),
            "f.yaml:6:9: quoted: expected an integer, found the string '42'");
  EXPECT_EQ(error_of([&] { (void)root.required("word").as_bool(); }),
            "f.yaml:7:7: word: expected true or false, found 'yes'");
}

TEST(YamlDocument, TypedGettersFailAtTheValue) {
  const yaml::Node root = parse("n: 0\nseed: -1\nx: .inf\nlist: [1]\nmany: many\n");
  EXPECT_EQ(error_of([&] { (void)root.required("n").as_integer(yaml::Bounds::at_least(1)); }),
            "f.yaml:1:4: n: expected >= 1, found 0");
  EXPECT_EQ(error_of([&] { (void)root.required("seed").as_unsigned(); }),
            "f.yaml:2:7: seed: expected >= 0, found -1");
  EXPECT_EQ(error_of([&] { (void)root.required("x").as_real(); }),
            "f.yaml:3:4: x: expected a finite number, found .inf");
  EXPECT_EQ(error_of([&] { (void)root.required("list").as_string("a name"); }),
            "f.yaml:4:7: list: expected a name, found a list");
  EXPECT_EQ(error_of([&] { (void)root.required("many").expect_map("a map of rows"); }),
            "f.yaml:5:7: many: expected a map of rows, found 'many'");
}

TEST(YamlDocument, UnknownKeysAreRefusedWithTheNearestAllowed) {
  const yaml::Node root = parse("table:\n  - {region: a, populaton: 3}\n");
  const yaml::Node& row = root.required("table").items.at(0);
  EXPECT_EQ(error_of([&] {
              row.check_keys({"region", "population"});
            }),
            "f.yaml:2:17: table[0].populaton: unknown key (did you mean 'population'?)");
  EXPECT_EQ(error_of([&] { row.check_keys({"region", "population", "populaton"}); }), "(no error)");
}

TEST(YamlDocument, ReadingRefusesDuplicatesDepthAndControlCharactersStayEscaped) {
  EXPECT_EQ(error_of([] { parse("a: 1\na: 2\n"); }),
            "f.yaml:2:1: a: duplicate key (first given at line 1, column 1)");
  EXPECT_EQ(error_of([] {
              parse("a: " + std::string(70, '[') + std::string(70, ']'));
            }).find("nested too deeply (more than 64 levels)") != std::string::npos,
            true);
  EXPECT_EQ(error_of([] { parse("a: !custom 1\n"); }),
            "f.yaml:1:4: a: unsupported YAML tag '!custom'");
  const yaml::Node root = parse("a: \"x\\ty\\x01\"\n");
  EXPECT_EQ(error_of([&] { (void)root.required("a").as_integer(); }),
            "f.yaml:1:4: a: expected an integer, found 'x\\ty\\x01'");
  EXPECT_TRUE(parse("").is_null());
}

TEST(YamlDocument, AnOverrideIsNamedByWhereItWasGiven) {
  // `--set`: the argument names the path; a deeper path is added.
  const yaml::Location set{"--set p.x=5", 0, 0, "p.x", ""};
  EXPECT_EQ(error_of([&] { yaml::fail(set, "p.x", "bad"); }), "--set p.x=5: bad");
  EXPECT_EQ(error_of([&] { yaml::fail(set, "p.x[1]", "bad"); }), "--set p.x=5: p.x[1]: bad");
  // Another document: its own key path, inner paths under it, a key on the
  // way after it; an OverrideError, so its loader passes it on as it is.
  const yaml::Location sweep{"study.yaml", 5, 35, "p.x", "sweeps[0].values[1]"};
  EXPECT_EQ(error_of([&] { yaml::fail(sweep, "p.x", "bad"); }),
            "study.yaml:5:35: sweeps[0].values[1]: bad");
  EXPECT_EQ(error_of([&] { yaml::fail(sweep, "p.x.y", "bad"); }),
            "study.yaml:5:35: sweeps[0].values[1].y: bad");
  EXPECT_EQ(error_of([&] { yaml::fail(sweep, "p", "bad"); }),
            "study.yaml:5:35: sweeps[0].values[1]: p: bad");
  EXPECT_THROW(yaml::fail(sweep, "p.x", "bad"), yaml::OverrideError);
  bool set_is_override_error = false;  // `--set` is the top: a plain ScenarioError
  try {
    yaml::fail(set, "p.x", "bad");
  } catch (const yaml::OverrideError&) {
    set_is_override_error = true;
  } catch (const ScenarioError&) {
  }
  EXPECT_FALSE(set_is_override_error);
}

TEST(YamlDocument, YamlTextParsesBackToTheSameValue) {
  const yaml::Node root = parse("v: {a: [1, \"2\", x], b: ~, c: \"true\"}\n");
  const yaml::Node& value = root.required("v");
  const yaml::Node again = parse(yaml::to_yaml_text(value));
  ASSERT_TRUE(again.is_map());
  const yaml::Node& list = again.required("a");
  ASSERT_EQ(list.items.size(), 3U);
  EXPECT_TRUE(list.items[0].plain);
  EXPECT_EQ(list.items[1].text, "2");
  EXPECT_FALSE(list.items[1].plain);  // still text
  EXPECT_TRUE(again.required("b").is_null());
  EXPECT_FALSE(again.required("c").plain);
  EXPECT_EQ(yaml::to_yaml_text(root.required("v").required("a").items[0]), "1");
}

}  // namespace
}  // namespace cpsim
