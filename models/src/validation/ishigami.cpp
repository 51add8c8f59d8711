// Ishigami function (Ishigami & Homma 1990), the standard test of global
// sensitivity analysis: y = sin x1 + a sin^2 x2 + b x3^4 sin x1.
//
// Not an agent model: its three inputs are scenario parameters, so a study's
// `sensitivity:` design samples them like any model's parameters, and the
// indices it estimates can be checked against the analytic ones. With the
// inputs uniform on [-pi, pi] and a = 7, b = 0.1 (docs/studies.md,
// "Sensitivity"): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244.
//
// Every row (step 0 included) records y; `noise` > 0 adds a seeded normal
// error per step, to try the designs on a stochastic outcome.
#include <cmath>
#include <memory>

#include "cpsim/engine/model.hpp"
#include "cpsim/engine/simulation.hpp"
#include "validation/validation_models.hpp"

namespace cpsim::models {
namespace {

class IshigamiModel final : public Model {
 public:
  void build(Simulation& simulation, const Parameters& parameters) override {
    x1_ = parameters.real("x1");
    x2_ = parameters.real("x2");
    x3_ = parameters.real("x3");
    a_ = parameters.real("a");
    b_ = parameters.real("b");
    noise_ = parameters.real("noise");
    y_ = simulation.metrics().add_real("y", "1", "Ishigami function of x1, x2, x3 (plus noise)");
    simulation.add_measurement([this](const StepContext& context, MetricRow& row) {
      const double s1 = std::sin(x1_);
      const double s2 = std::sin(x2_);
      double y = s1 + a_ * s2 * s2 + b_ * std::pow(x3_, 4) * s1;
      if (noise_ > 0) {
        y += noise_ *
             context.stream("ishigami.noise").normal(0, static_cast<std::uint64_t>(context.step));
      }
      row.set(y_, y);
    });
  }

 private:
  double x1_ = 0, x2_ = 0, x3_ = 0, a_ = 7, b_ = 0.1, noise_ = 0;
  Metric<double> y_;
};

}  // namespace

ModelInfo ishigami_model_info() {
  constexpr double pi = 3.14159265358979323846;
  ModelInfo info;
  info.name = "ishigami";
  info.summary = "Ishigami test function of three parameters (validates sensitivity designs)";
  info.schema.real("x1", 0, "First input (sensitivity studies sample it on [-pi, pi])", -pi, pi);
  info.schema.real("x2", 0, "Second input", -pi, pi);
  info.schema.real("x3", 0, "Third input", -pi, pi);
  info.schema.real("a", 7, "Coefficient of sin^2 x2", -1e6, 1e6);
  info.schema.real("b", 0.1, "Coefficient of x3^4 sin x1", -1e6, 1e6);
  info.schema.real("noise", 0, "Standard deviation of a normal error added to y each step (0: off)",
                   0, 1e6);
  info.create = [] { return std::make_unique<IshigamiModel>(); };
  // No agents: the model object and one metric.
  info.estimate_memory = [](const Parameters&) { return MemoryEstimate{1024, "x1"}; };
  return info;
}

}  // namespace cpsim::models
