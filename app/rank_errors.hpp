#pragma once
// Errors when cpsim runs on several MPI ranks. An error every rank reaches
// at the same point (a bad scenario, a model that cannot be decomposed, an
// output file that exists on rank 0) is agreed: every rank learns the first
// failing rank's line, rank 0 prints it once and all exit with its code. An
// error only one rank sees in the middle of a run cannot be agreed (the
// others wait in a collective), so it is printed and the world is aborted.
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

#include "cpsim/engine/communicator.hpp"

namespace cpsim::app {

/// What cpsim prints for an error (one line) and the exit code it returns.
struct ErrorReport {
  int exit_code = 1;
  std::string line;
};

/// Names what cpsim is doing ("building the model"), for the report of a
/// std::bad_alloc: memory ran out although the estimates said it would fit
/// (exit 3, a resource error, never an internal error). A string literal.
void set_phase(const char* phase) noexcept;

/// The report for `error` thrown by sub-command `command`.
ErrorReport describe_error(std::exception_ptr error, const std::string& command);

/// An error every rank agreed on; carries the line to print and the code.
class AgreedError : public std::runtime_error {
 public:
  explicit AgreedError(ErrorReport report)
      : std::runtime_error(report.line), report_(std::move(report)) {}
  [[nodiscard]] const ErrorReport& report() const noexcept { return report_; }

 private:
  ErrorReport report_;
};

/// Runs `body` on this rank. On one rank it simply runs it (errors propagate
/// unchanged). On several it is collective: if `body` throws on any rank,
/// every rank throws AgreedError with the lowest failing rank's report.
/// `command` names the sub-command in usage errors.
void agree_on_errors(Communicator& world, const std::function<void()>& body,
                     const std::string& command = "run");

}  // namespace cpsim::app
