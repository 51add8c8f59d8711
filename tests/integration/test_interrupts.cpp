// Interrupted runs and full disks never leave a file that looks complete.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "support/process.hpp"

extern char** environ;

namespace cpsim {
namespace {

using testing::run_cpsim;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;

/// Starts a long run in the background; returns its pid.
pid_t start_long_run(const std::string& out) {
  const std::string scenario = source_dir + "/scenarios/boltzmann-synchronous.yaml";
  std::vector<std::string> args{
      CPSIM_BINARY, "run", scenario, "--steps", "1000000",
      "-q",         "-o",  out,      "--set",   "parameters.agents=20000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, CPSIM_BINARY, nullptr, nullptr, argv.data(), environ) != 0) return -1;
  return pid;
}

/// Waits until the run has written something (the .partial file exists).
void wait_for_partial(const std::string& out) {
  for (int i = 0; i < 200 && !std::filesystem::exists(out + ".partial"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

int exit_status_after(pid_t pid, int signal_number) {
  kill(pid, signal_number);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, StopsAtTheEndOfAStepAndKeepsAValidIncompleteFile) {
  const TempDir dir;
  const auto out = dir.file("stopped.h5");
  const pid_t pid = start_long_run(out);
  ASSERT_GT(pid, 0);
  wait_for_partial(out);
  EXPECT_EQ(exit_status_after(pid, GetParam()), 130);
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  const auto info = run_cpsim("info " + out);
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("INCOMPLETE"), std::string::npos) << info.output;
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignal, ::testing::Values(SIGINT, SIGTERM));

TEST(Kill, SigkillNeverLeavesAFileUnderTheFinalName) {
  const TempDir dir;
  const auto out = dir.file("killed.h5");
  const pid_t pid = start_long_run(out);
  ASSERT_GT(pid, 0);
  wait_for_partial(out);
  EXPECT_EQ(exit_status_after(pid, SIGKILL), -SIGKILL);
  EXPECT_FALSE(std::filesystem::exists(out));
}

/// Runs `shell` under sh -c and returns its output with "exit=N" appended.
std::string shell_output(const std::string& shell) {
  const std::string command = "sh -c '" + shell + " 2>&1; echo \"exit=$?\"'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

/// A write refused on the writer thread (the file size limit) stops the run
/// with exit 3, one line naming the file, and no file; for either codec.
class FullDisk : public ::testing::TestWithParam<const char*> {};

TEST_P(FullDisk, AFailedWriteGivesAClearErrorAndNoFile) {
  const TempDir dir;
  const auto out = dir.file("big.h5");
  // 200 KiB file-size limit; snapshots of 100,000 agents need more.
  const std::string output =
      shell_output("ulimit -f 200; " + std::string(CPSIM_BINARY) + " run " + source_dir +
                   "/scenarios/boltzmann-synchronous.yaml -q -o " + out +
                   " --steps 20 --set output.snapshot_every=1 " + GetParam());
  EXPECT_NE(output.find("exit=3"), std::string::npos) << output;
  EXPECT_NE(output.find(out), std::string::npos) << output;                // names the file
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 2) << output;  // one line, exit=
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

INSTANTIATE_TEST_SUITE_P(Codecs, FullDisk,
                         ::testing::Values("--set output.compression=0",
                                           "--set output.codec=lz4 --set output.compression=1"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.index == 0 ? "uncompressed" : "lz4");
                         });

/// output.codec lz4 where HDF5 cannot load the plugin (HDF5_PLUGIN_PATH
/// names an empty folder): refused before the model is built, exit 3, one
/// line that says what to install, and no file.
TEST(Lz4Codec, WithoutThePluginTheRunIsRefusedWithExit3) {
  const TempDir dir;
  const auto out = dir.file("lz4.h5");
  std::filesystem::create_directory(dir.file("no-plugins"));
  const std::string output = shell_output(
      "HDF5_PLUGIN_PATH=" + dir.file("no-plugins") + " " + std::string(CPSIM_BINARY) + " run " +
      source_dir + "/scenarios/boltzmann.yaml -q -o " + out + " --steps 3 --set output.codec=lz4");
  EXPECT_NE(output.find("exit=3"), std::string::npos) << output;
  EXPECT_NE(output.find(out + ": output.codec lz4 needs HDF5's LZ4 filter plugin"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("hdf5-filter-plugin"), std::string::npos) << output;
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 2) << output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

}  // namespace
}  // namespace cpsim
