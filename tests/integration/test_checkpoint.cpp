// Checkpoint and restart (docs/checkpoint.md): a run stopped after step k and
// restarted from its checkpoint writes the same datasets as the run that
// never stopped, at another thread count too; a checkpoint from another
// scenario or cpsim version, or a damaged one, is refused with one line
// (cases in tests/data/bad-checkpoints/).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cpsim/engine/build_info.hpp"
#include "support/corpus.hpp"
#include "support/hdf5_read.hpp"
#include "support/process.hpp"
#include "support/same_datasets.hpp"

extern char** environ;

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using testing::expect_same_datasets;
using testing::read_root_integer_attribute;
using testing::run_cpsim;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;

std::string scenario(const std::string& name) { return source_dir + "/scenarios/" + name; }

struct RestartCase {
  std::string name;
  std::string scenario_args;  ///< scenario and options of every run
  std::int64_t every;         ///< --checkpoint-every of the interrupted run
  int first_threads;          ///< threads of the run that writes the checkpoint
  int restart_threads;
};

class StraightEqualsRestart : public ::testing::TestWithParam<RestartCase> {};

// The checkpointed run goes to the end too: its last checkpoint (the last
// multiple of `every` before the final step) is what a killed run would
// have left; restarting from it must give the straight run's datasets.
TEST_P(StraightEqualsRestart, SameDatasets) {
  const RestartCase& c = GetParam();
  const TempDir dir;
  const std::string straight = dir.file("straight.h5");
  const std::string first = dir.file("first.h5");
  const std::string checkpoint = dir.file("first.ckpt.h5");
  const std::string restarted = dir.file("restarted.h5");
  auto result = run_cpsim("run " + c.scenario_args + " -q --threads 1 -o " + straight);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run_cpsim("run " + c.scenario_args + " -q --threads " + std::to_string(c.first_threads) +
                     " -o " + first + " --checkpoint-every " + std::to_string(c.every));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(fs::exists(checkpoint));
  EXPECT_FALSE(fs::exists(checkpoint + ".partial"));
  const auto steps = read_root_integer_attribute(straight, "steps_completed");
  const auto step = read_root_integer_attribute(checkpoint, "step");
  ASSERT_TRUE(steps && step);
  EXPECT_EQ(*step, (*steps - 1) / c.every * c.every);  // the last one before the end
  result = run_cpsim("run --restart " + checkpoint + " -q --threads " +
                     std::to_string(c.restart_threads) + " -o " + restarted);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expect_same_datasets(straight, restarted);
  expect_same_datasets(straight, first);  // checkpoints change nothing
}

INSTANTIATE_TEST_SUITE_P(
    Models, StraightEqualsRestart,
    ::testing::Values(
        RestartCase{"boltzmann_random_pair",
                    scenario("boltzmann-random-pair.yaml") + " --steps 24 --set " +
                        "output.snapshot_every=5",
                    12, 1, 2},
        RestartCase{"boltzmann_synchronous",
                    scenario("boltzmann-synchronous.yaml") + " --steps 24 --set " +
                        "parameters.agents=5000 --set output.snapshot_every=10",
                    10, 2, 1},
        RestartCase{"harris_todaro", scenario("harris-todaro.yaml") + " --steps 24", 12, 1, 2},
        RestartCase{"kinetic_exchange", scenario("kinetic-exchange.yaml") + " --steps 24", 12, 2,
                    1},
        // Xihu at 1:100 with policies of all nine pictures, a yearly panel.
        RestartCase{"xihu_small_policies_1_to_2",
                    scenario("xihu/policies/all-nine-pictures-small.yaml"), 12, 1, 2},
        RestartCase{"xihu_small_policies_2_to_1",
                    scenario("xihu/policies/all-nine-pictures-small.yaml"), 12, 2, 1},
        // Migration across the boundary and between villages and the city;
        // a checkpoint in the middle of a year.
        RestartCase{"xihu_small_migration", scenario("xihu/migration-small.yaml"), 7, 1, 2}),
    [](const ::testing::TestParamInfo<RestartCase>& info) { return info.param.name; });

TEST(Checkpoint, NamesTheScenarioAndReplacesAStalePartialFile) {
  const TempDir dir;
  const std::string checkpoint = dir.file("given.h5");
  std::ofstream(checkpoint + ".partial") << "left by a killed attempt";
  const auto result =
      run_cpsim("run " + scenario("boltzmann.yaml") + " --steps 10 -o " + dir.file("out.h5") +
                " --checkpoint " + checkpoint + " --checkpoint-every 3");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("wrote 3 checkpoints to " + checkpoint), std::string::npos)
      << result.output;
  EXPECT_EQ(read_root_integer_attribute(checkpoint, "step"), 9);
  EXPECT_FALSE(fs::exists(checkpoint + ".partial"));
  const auto info = run_cpsim("info " + checkpoint);
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("checkpoint of scenario boltzmann (model boltzmann, " +
                             scenario("boltzmann.yaml") + ") after step 9"),
            std::string::npos)
      << info.output;
}

TEST(Checkpoint, WithoutAnOutputFileRestartsWithoutOne) {
  const TempDir dir;
  const std::string checkpoint = dir.file("run.ckpt.h5");
  auto result = run_cpsim("run " + scenario("boltzmann.yaml") + " --steps 10 --no-output -q " +
                          "--checkpoint " + checkpoint + " --checkpoint-every 4");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run_cpsim("run --restart " + checkpoint + " --no-output");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("restarted from " + checkpoint + " after step 8"), std::string::npos)
      << result.output;
  result = run_cpsim("run --restart " + checkpoint + " -o " + dir.file("out.h5"));
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

// A scheduler that preempts a job sends SIGTERM: the run stops at the end of
// a step and writes a checkpoint there, so the requeued job loses nothing.
TEST(Checkpoint, AStopSignalWritesACheckpointOfTheLastStep) {
  const TempDir dir;
  const std::string out = dir.file("stopped.h5");
  const std::string checkpoint = dir.file("stopped.ckpt.h5");
  std::vector<std::string> args{CPSIM_BINARY,
                                "run",
                                scenario("boltzmann-synchronous.yaml"),
                                "--steps",
                                "1000000",
                                "-q",
                                "-o",
                                out,
                                "--set",
                                "parameters.agents=20000",
                                "--checkpoint-every",
                                "100000000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, CPSIM_BINARY, nullptr, nullptr, argv.data(), environ), 0);
  for (int i = 0; i < 200 && !fs::exists(out + ".partial"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const auto done = read_root_integer_attribute(out, "steps_completed");
  ASSERT_TRUE(done.has_value());
  EXPECT_GT(*done, 0);
  EXPECT_EQ(read_root_integer_attribute(checkpoint, "step"), done);
}

// ---------------------------------------------------------- refused cases

const fs::path bad_dir = fs::path(CPSIM_TEST_DATA) / "bad-checkpoints";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// Overwrites (or adds) a root attribute of `path`: a string, or an int8
/// when `integer`.
void set_attribute(const std::string& path, const std::string& name, const std::string& value,
                   bool integer) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0) << path;
  if (H5Aexists(file, name.c_str()) > 0) H5Adelete(file, name.c_str());
  const hid_t space = H5Screate(H5S_SCALAR);
  if (integer) {
    const auto number = static_cast<std::int8_t>(std::stoi(value));
    const hid_t attribute =
        H5Acreate2(file, name.c_str(), H5T_STD_I8LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, H5T_NATIVE_INT8, &number);
    H5Aclose(attribute);
  } else {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const hid_t attribute = H5Acreate2(file, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = value.c_str();
    H5Awrite(attribute, type, &text);
    H5Aclose(attribute);
    H5Tclose(type);
  }
  H5Sclose(space);
  H5Fclose(file);
}

// A case of tests/data/bad-checkpoints (README.md there): NAME.case, NAME.expected.
class BadCheckpoint : public ::testing::TestWithParam<std::string> {
 protected:
  // One run writes the checkpoint that every case starts from.
  static void SetUpTestSuite() {
    base_ = new TempDir();
    const auto result = run_cpsim("run " + scenario("boltzmann.yaml") + " --steps 24 -q -o " +
                                  base_->file("base.h5") + " --checkpoint-every 12");
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  static void TearDownTestSuite() {
    delete base_;
    base_ = nullptr;
  }
  static TempDir* base_;
};
TempDir* BadCheckpoint::base_ = nullptr;

TEST_P(BadCheckpoint, IsRefusedWithTheExpectedLine) {
  const fs::path file = bad_dir / (GetParam() + ".case");
  const YAML::Node spec = YAML::LoadFile(file.string());
  const TempDir dir;
  const std::string checkpoint = dir.file("given.ckpt.h5");
  fs::copy_file(base_->file("base.ckpt.h5"), checkpoint);
  const auto damage = spec["damage"].as<std::string>("none");
  std::istringstream words(damage);
  std::string kind;
  words >> kind;
  if (kind == "truncate") {
    std::string size;
    words >> size;
    fs::resize_file(checkpoint, size == "half" ? fs::file_size(checkpoint) / 2 : std::stoull(size));
  } else if (kind == "attribute" || kind == "integer-attribute") {
    std::string name;
    std::string value;
    words >> name >> value;
    set_attribute(checkpoint, name, value, kind == "integer-attribute");
  } else if (kind == "unlink") {
    std::string object;
    words >> object;
    const hid_t file = H5Fopen(checkpoint.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    EXPECT_GE(H5Ldelete(file, object.c_str(), H5P_DEFAULT), 0) << object;
    H5Fclose(file);
  } else if (kind == "output") {
    fs::copy_file(base_->file("base.h5"), checkpoint, fs::copy_options::overwrite_existing);
  } else if (kind == "delete") {
    fs::remove(checkpoint);
  } else {
    ASSERT_EQ(kind, "none") << file;
  }
  const auto substitute = [&](std::string text) {
    text = replace_all(std::move(text), "{checkpoint}", checkpoint);
    text = replace_all(std::move(text), "{scenarios}", source_dir + "/scenarios");
    text = replace_all(std::move(text), "{out}", dir.file("out.h5"));
    return replace_all(std::move(text), "{version}", std::string(version()));
  };
  const auto result = run_cpsim(substitute(spec["args"].as<std::string>()));
  EXPECT_EQ(result.exit_code, spec["exit"].as<int>()) << result.output;
  const std::string expected = substitute(testing::expected_error(bad_dir, GetParam()));
  ASSERT_FALSE(expected.empty()) << file << ": no .expected line";
  ASSERT_FALSE(result.output.empty());
  EXPECT_EQ(result.output.back(), '\n');
  const std::string line = result.output.substr(0, result.output.size() - 1);
  EXPECT_EQ(line.find('\n'), std::string::npos) << "more than one line:\n" << result.output;
  constexpr std::string_view etc = "...";
  if (expected.size() > etc.size() && expected.ends_with(etc)) {
    EXPECT_TRUE(line.starts_with(expected.substr(0, expected.size() - etc.size())))
        << line << "\ndoes not start with\n"
        << expected;
  } else {
    EXPECT_EQ(line, expected);
  }
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadCheckpoint,
                         ::testing::ValuesIn(testing::corpus_cases(bad_dir, ".case")),
                         testing::case_test_name);

}  // namespace
}  // namespace cpsim
