#pragma once
// Runs the real cpsim binary as a user would and captures what it prints.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace cpsim::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line and collects what it writes to stdout (add
/// " 2>&1" for stderr too) and its exit code.
inline ProcessResult run_command(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    result.output += buffer.data();
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// Runs `cpsim ARGS` through the shell (arguments are not quoted for you).
inline ProcessResult run_cpsim(const std::string& args) {
  return run_command(std::string(CPSIM_BINARY) + " " + args + " 2>&1");
}

/// Runs `cpsim ARGS` (through the shell, stdout and stderr together) in a
/// child process whose limit `resource` (setrlimit: RLIMIT_FSIZE,
/// RLIMIT_AS, ...) is `bytes`, soft and hard. SIGXFSZ is ignored in the
/// child, as `ulimit -f` users get with cpsim (it ignores it too), so a
/// write past the limit fails with EFBIG instead of killing the process.
inline ProcessResult run_cpsim_limited(const std::string& args, int resource, rlim_t bytes) {
  ProcessResult result;
  int fds[2];
  if (pipe(fds) != 0) return result;
  const std::string command = std::string(CPSIM_BINARY) + " " + args + " 2>&1";
  const pid_t child = fork();
  if (child == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[1]);
    const rlimit limit{bytes, bytes};
    ::setrlimit(resource, &limit);
    ::signal(SIGXFSZ, SIG_IGN);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::array<char, 4096> buffer{};
  for (ssize_t got; (got = ::read(fds[0], buffer.data(), buffer.size())) > 0;) {
    result.output.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

/// A fresh folder under the system temp directory, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("cpsim-test-" + std::to_string(device()) + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace cpsim::testing
