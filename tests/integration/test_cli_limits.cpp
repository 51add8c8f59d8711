// Hostile inputs to the real binary: special files, files over the size
// limit, failed writes (file-size limits, a full disk), output paths,
// options beyond what the machine can do, sizes that cannot fit in memory,
// and interrupted files given to `cpsim info`. Each is refused at once with
// one line and the documented exit code, and never leaves an output file.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <string>

#include "rank_errors.hpp"
#include "support/process.hpp"

namespace cpsim {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::run_cpsim;
using testing::run_cpsim_limited;
using testing::TempDir;

const std::string source_dir = CPSIM_SOURCE_DIR;
const std::string kinetic = source_dir + "/scenarios/kinetic-exchange.yaml";
const std::string kinetic_study = source_dir + "/scenarios/studies/kinetic-lambda.yaml";

/// cpsim under `timeout`, so that a hang fails the test (exit 124) instead
/// of blocking the suite.
testing::ProcessResult run_bounded(const std::string& args) {
  return run_command("timeout 60 " + std::string(CPSIM_BINARY) + " " + args + " 2>&1");
}

/// True when cpsim is built with AddressSanitizer (the same flags as this
/// test): its shadow memory reserves terabytes of address space, so a
/// process under an RLIMIT_AS limit cannot even start.
constexpr bool kAddressSanitizer =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// Neither the file nor its .partial exists.
void expect_no_output(const std::string& out) {
  EXPECT_FALSE(fs::exists(out)) << out;
  EXPECT_FALSE(fs::exists(out + ".partial")) << out;
}

// ------------------------------------------------------------ special files

TEST(CliLimits, SpecialFilesAreRefusedAtOnceWithOneLine) {
  const TempDir dir;
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const std::string folder = dir.path().string();
  struct Case {
    std::string args;
    int exit_code;
    std::string line;
  };
  const Case cases[] = {
      {"run " + fifo + " --no-output", 2, fifo + ": a FIFO, not a regular file"},
      {"validate " + fifo, 2, fifo + ": a FIFO, not a regular file"},
      {"study " + fifo, 2, fifo + ": a FIFO, not a regular file"},
      {"info " + fifo, 3, fifo + ": a FIFO, not a regular file"},
      {"run /dev/zero --no-output", 2, "/dev/zero: a character device, not a regular file"},
      {"validate /dev/urandom", 2, "/dev/urandom: a character device, not a regular file"},
      {"study /dev/zero", 2, "/dev/zero: a character device, not a regular file"},
      {"info /dev/zero", 3, "/dev/zero: a character device, not a regular file"},
      {"run " + folder + " --no-output", 2, folder + ": a folder, not a file"},
      {"info " + folder, 3, folder + ": a folder, not a file"},
  };
  for (const Case& c : cases) {
    const auto r = run_bounded(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output, c.line + "\n") << c.args;
  }
}

TEST(CliLimits, ExtendingAFifoOrADeviceIsRefused) {
  const TempDir dir;
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0) << std::strerror(errno);
  for (const std::string target : {"fifo", "/dev/zero"}) {
    const std::string scenario = dir.file("extends.yaml");
    std::ofstream(scenario, std::ios::trunc) << "extends: " << target << "\nsteps: 3\n";
    const auto r = run_bounded("validate " + scenario);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(r.output.rfind(scenario + ":1:10: extends: cannot read '" + target + "': a ", 0), 0U)
        << r.output;
    EXPECT_EQ(lines(r.output), 1U) << r.output;
  }
}

TEST(CliLimits, AFileOverTheSizeLimitIsRefusedBeforeItIsRead) {
  const TempDir dir;
  const std::string scenario = dir.file("big.yaml");
  {
    std::ofstream file(scenario);
    file << "model: kinetic_exchange\nsteps: 3\n";
    file << std::string(1U << 20U, '#') << '\n';  // a comment past 1 MiB
  }
  const auto r = run_bounded("run " + scenario + " --no-output");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output, scenario + ": larger than 1048576 bytes, the limit of an input file\n");
}

// ---------------------------------------------------------- failed writes

TEST(CliLimits, AFileSizeLimitEndsTheRunWithExitThreeAndNoFile) {
  // 1 and 8 KiB fail while the file is created, 100 KiB at the first
  // snapshot; HDF5 used to crash at exit after the failed close (exit 139).
  for (const rlim_t limit : {rlim_t{1024}, rlim_t{8192}, rlim_t{100 * 1024}}) {
    const TempDir dir;
    const std::string out = dir.file("k.h5");
    const auto r = run_cpsim_limited(
        "run " + kinetic + " --steps 50 --set output.snapshot_every=10 -q -o " + out, RLIMIT_FSIZE,
        limit);
    EXPECT_EQ(r.exit_code, 3) << "limit " << limit << ": " << r.output;
    EXPECT_NE(r.output.find(out + ".partial: cannot "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
    EXPECT_EQ(lines(r.output), 1U) << r.output;
    expect_no_output(out);

    const std::string study_out = dir.file("s.h5");
    const auto s =
        run_cpsim_limited("study " + kinetic_study + " -q -o " + study_out, RLIMIT_FSIZE, limit);
    EXPECT_EQ(s.exit_code, 3) << "limit " << limit << ": " << s.output;
    EXPECT_EQ(lines(s.output), 1U) << s.output;
    expect_no_output(study_out);
  }
}

/// A 64 KiB tmpfs mounted for the test's life (needs root and permission
/// to mount; the test skips otherwise).
class SmallTmpfs {
 public:
  explicit SmallTmpfs(const fs::path& where) : path_(where) {
    fs::create_directories(path_);
    if (::geteuid() != 0) {
      error_ = "not root";
    } else if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=64k") != 0) {
      error_ = std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    if (error_.empty()) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  fs::path path_;
  std::string error_;
};

TEST(CliLimits, AFullDiskEndsTheRunWithExitThreeAndNoFile) {
  const TempDir dir;
  const SmallTmpfs disk(dir.path() / "disk");
  if (!disk.error().empty()) {
    GTEST_SKIP() << "cannot mount a 64 KiB tmpfs to fill (" << disk.error()
                 << "); the file-size limit test covers the same write failures";
  }
  {
    // Full at start: a file takes all of it.
    std::ofstream fill(dir.path() / "disk" / "fill", std::ios::binary);
    const std::string block(4096, '\0');
    while (fill.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
  }
  const std::string out = (dir.path() / "disk" / "k.h5").string();
  const auto r = run_cpsim("run " + kinetic + " --steps 20 -q -o " + out);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_EQ(lines(r.output), 1U) << r.output;
  expect_no_output(out);
  const std::string study_out = (dir.path() / "disk" / "s.h5").string();
  const auto s = run_cpsim("study " + kinetic_study + " -q -o " + study_out);
  EXPECT_EQ(s.exit_code, 3) << s.output;
  EXPECT_EQ(lines(s.output), 1U) << s.output;
  expect_no_output(study_out);
}

// ------------------------------------------------------------ output paths

TEST(CliLimits, AnEmptyOutputNameIsAUsageError) {
  const auto r = run_cpsim("run " + kinetic + " --steps 3 -o ''");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output,
            "cpsim run: --output: expected a file name, found an empty string (try cpsim run "
            "--help)\n");
  const auto s = run_cpsim("study " + kinetic_study + " -o ''");
  EXPECT_EQ(s.exit_code, 2) << s.output;
  EXPECT_EQ(lines(s.output), 1U) << s.output;
}

TEST(CliLimits, AnOutputNameTooLongForTheFileSystemIsExitThree) {
  const TempDir dir;
  for (const std::size_t length : {std::size_t{250}, std::size_t{300}, std::size_t{5000}}) {
    const std::string out = dir.file(std::string(length, 'a') + ".h5");
    const auto r = run_cpsim("run " + kinetic + " --steps 3 -q -o " + out);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("file name too long"), std::string::npos) << r.output;
    EXPECT_EQ(lines(r.output), 1U) << r.output;
  }
}

TEST(CliLimits, ANameThatWouldLeaveTheWorkingFolderIsRefused) {
  const TempDir dir;
  for (const std::string name : {"../outside", "/tmp/absolute", ".."}) {
    const auto r = run_command("cd " + dir.path().string() + " && " + CPSIM_BINARY + " run " +
                               kinetic + " --steps 3 -q --set name=" + name + " 2>&1");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(r.output.rfind("--set name=" + name +
                                 ": expected a name that can name the output "
                                 "file",
                             0),
              0U)
        << r.output;
    EXPECT_TRUE(fs::is_empty(dir.path()));
  }
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "outside.h5"));
}

// ---------------------------------------------------------------- options

TEST(CliLimits, ThreadsAboveTheCeilingAreRefused) {
  const TempDir dir;
  const std::string out = dir.file("k.h5");
  const auto r = run_cpsim("run " + kinetic + " --steps 3 --threads 70000 -o " + out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind("cpsim run: --threads: expected 0 to ", 0), 0U) << r.output;
  EXPECT_EQ(lines(r.output), 1U) << r.output;
  expect_no_output(out);
  for (const std::string option : {"--threads", "--jobs"}) {
    const auto s = run_cpsim("study " + kinetic_study + " " + option + " 70000 -o " + out);
    EXPECT_EQ(s.exit_code, 2) << s.output;
    EXPECT_EQ(s.output.rfind("cpsim study: " + option + ": expected 0 to ", 0), 0U) << s.output;
    expect_no_output(out);
  }
}

TEST(CliLimits, StepsAndReplicatesHaveUpperBounds) {
  const auto steps = run_cpsim("run " + kinetic + " --steps 1000000000000 --no-output");
  EXPECT_EQ(steps.exit_code, 2) << steps.output;
  EXPECT_EQ(steps.output,
            "--set steps=1000000000000: expected <= 100000000, found 1000000000000\n");
  const auto replicates = run_cpsim("study " + kinetic_study + " --replicates 1000000000");
  EXPECT_EQ(replicates.exit_code, 2) << replicates.output;
  EXPECT_EQ(replicates.output, "--replicates: expected 1 to 100000, found 1000000000\n");
}

// ----------------------------------------------------------------- memory

TEST(CliLimits, TheDistrictEconomyRefusesASizeThatCannotFit) {
  const std::string scenario = source_dir + "/scenarios/xihu-small.yaml";
  const auto r =
      run_cpsim("validate " + scenario + " --set parameters.population.residents=2000000000 -q");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind("--set parameters.population.residents=2000000000: "
                           "parameters.population.residents: needs about ",
                           0),
            0U)
      << r.output;
  EXPECT_NE(r.output.find(" GB of memory, "), std::string::npos) << r.output;
  EXPECT_EQ(lines(r.output), 1U) << r.output;
}

TEST(CliLimits, TheProcessMemoryLimitCountsAsAvailableMemory) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer cannot run under an RLIMIT_AS limit";
  // 1:1 Xihu needs about 290 MB; under a 200 MB address-space limit the run
  // is refused before anything is allocated, naming what is available.
  const std::string scenario = source_dir + "/scenarios/xihu-small.yaml";
  const auto r = run_cpsim_limited(
      "run " + scenario + " --set parameters.population.residents=1089200 --no-output -q",
      RLIMIT_AS, rlim_t{200} << 20U);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("parameters.population.residents: needs about "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(" MB available"), std::string::npos) << r.output;
}

TEST(CliLimits, AStudyCountsTheRunsItHoldsAtOnce) {
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer cannot run under an RLIMIT_AS limit";
  // One run of 8 million agents (about 450 MB) fits under a 1.2 GB limit
  // of address space; four at once do not.
  const TempDir dir;
  const std::string study = dir.file("big.yaml");
  std::ofstream(study) << "replicates: 2\nsteps: 2\nscenarios:\n  a: {file: " << kinetic
                       << ", set: {parameters.agents: 8000000}}\n";
  const auto r = run_cpsim_limited("study " + study + " --jobs 4 -q -o " + dir.file("s.h5"),
                                   RLIMIT_AS, rlim_t{1200} << 20U);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.rfind(study + ": --jobs 4: the concurrent runs need about ", 0), 0U)
      << r.output;
  EXPECT_EQ(lines(r.output), 1U) << r.output;
}

TEST(CliLimits, OutOfMemoryIsAResourceErrorNamingThePhase) {
  app::set_phase("building the model");
  const app::ErrorReport report =
      app::describe_error(std::make_exception_ptr(std::bad_alloc()), "run");
  EXPECT_EQ(report.exit_code, 3);
  EXPECT_EQ(report.line.rfind("cpsim run: out of memory while building the model", 0), 0U)
      << report.line;
}

// ------------------------------------------------------------------- info

TEST(CliLimits, InfoSaysAPartialFileIsUnfinishedWhateverItsAttributesSay) {
  const TempDir dir;
  const std::string out = dir.file("k.h5");
  ASSERT_EQ(run_cpsim("run " + kinetic + " --steps 20 -q -o " + out).exit_code, 0);
  // What a SIGKILL at the final close leaves: a complete-looking .partial.
  const std::string partial = dir.file("killed.h5.partial");
  fs::copy_file(out, partial);
  const auto text = run_cpsim("info " + partial);
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(text.output.rfind(partial + ": UNFINISHED (a .partial file", 0), 0U) << text.output;
  const auto json = run_command(std::string(CPSIM_BINARY) + " info " + partial + " --format json");
  EXPECT_NE(json.output.find("\"complete\": false"), std::string::npos) << json.output;
  EXPECT_NE(json.output.find("\"partial\": true"), std::string::npos) << json.output;
}

TEST(CliLimits, InfoWarnsWhenDatasetsAreShorterThanTheAttributesClaim) {
  const TempDir dir;
  const std::string out = dir.file("k.h5");
  ASSERT_EQ(run_cpsim("run " + kinetic + " --steps 20 -q -o " + out).exit_code, 0);
  {
    const hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    for (const char* name : {"/metrics/gini", "/metrics/step"}) {
      const hid_t dataset = H5Dopen2(file, name, H5P_DEFAULT);
      ASSERT_GE(dataset, 0) << name;
      const hsize_t rows = std::string(name) == "/metrics/step" ? 15 : 5;
      EXPECT_GE(H5Dset_extent(dataset, &rows), 0) << name;
      H5Dclose(dataset);
    }
    H5Fclose(file);
  }
  const auto r = run_cpsim("info " + out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("cpsim info: warning: " + out +
                          ": /metrics/step has 15 rows, fewer than the 21 the attribute "
                          "steps_completed = 20 claims\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("cpsim info: warning: " + out +
                          ": /metrics/gini has 5 rows, fewer than the 15 of /metrics/step\n"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace cpsim
