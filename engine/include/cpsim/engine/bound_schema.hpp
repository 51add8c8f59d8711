#pragma once
// Typed parameters: each schema entry bound to a member of a model's struct.
//
// A model declares every parameter once, together with the member it fills,
// in sections that follow the dotted paths:
//
//   BoundSchema<EconomyParameters> s;
//   auto pension = s.section("pension", &EconomyParameters::pension);
//   pension.real("rural_basic_month", &PensionParameters::rural_basic_month, 300,
//                "Urban-rural resident basic pension", 0.0, 1e6, "RMB/month");
//   ...
//   const EconomyParameters p = s.read(parameters);  // p.pension.rural_basic_month
//
// Every call adds the same ParamSpec that ParamSchema's builder of the same
// name adds (schema(): what the scenario loader validates and `cpsim models`
// prints) and records how the resolved value is read into the struct, so a
// parameter is written where it is declared and where it is used, and a
// misspelt member is a compile error. Member types are checked at compile
// time: real() binds a double member, integer() an std::int64_t, boolean() a
// bool, string() and choice() an std::string, real_list() and integer_list()
// vectors of those. Values are read as Parameters reads them (real() accepts
// an integer value and converts it).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cpsim/engine/parameters.hpp"

namespace cpsim {

template <class Root>
class BoundSchema {
 public:
  /// Cross-parameter check run by read() after every value is read; reports
  /// with Parameters::fail, which names the key and where it was written.
  using Check = std::function<void(const Root&, const Parameters&)>;

  /// The parameters under one dotted prefix, bound to the members of S, a
  /// part of Root. A section is a view for declaring: it refers to its
  /// BoundSchema, which must outlive it (the bindings it records do not).
  template <class S>
  class Section {
   public:
    /// The reference to S inside a Root.
    using Access = std::function<S&(Root&)>;

    ParamSpec& integer(const std::string& name, std::int64_t S::*member, std::int64_t default_value,
                       std::string description, std::optional<double> min = std::nullopt,
                       std::optional<double> max = std::nullopt, std::string unit = "") {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.integer(path, default_value, std::move(description), min,
                                                max, std::move(unit));
      bind(path, member, [](const Parameters& p, std::string_view key) { return p.integer(key); });
      return spec;
    }
    ParamSpec& real(const std::string& name, double S::*member, double default_value,
                    std::string description, std::optional<double> min = std::nullopt,
                    std::optional<double> max = std::nullopt, std::string unit = "") {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.real(path, default_value, std::move(description), min, max,
                                             std::move(unit));
      bind(path, member, [](const Parameters& p, std::string_view key) { return p.real(key); });
      return spec;
    }
    ParamSpec& boolean(const std::string& name, bool S::*member, bool default_value,
                       std::string description) {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.boolean(path, default_value, std::move(description));
      bind(path, member, [](const Parameters& p, std::string_view key) { return p.boolean(key); });
      return spec;
    }
    ParamSpec& string(const std::string& name, std::string S::*member, std::string default_value,
                      std::string description) {
      const std::string path = prefix_ + name;
      ParamSpec& spec =
          owner_->schema_.string(path, std::move(default_value), std::move(description));
      bind(path, member, [](const Parameters& p, std::string_view key) { return p.string(key); });
      return spec;
    }
    ParamSpec& choice(const std::string& name, std::string S::*member, std::string default_value,
                      std::vector<std::string> choices, std::string description) {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.choice(path, std::move(default_value), std::move(choices),
                                               std::move(description));
      bind(path, member, [](const Parameters& p, std::string_view key) { return p.string(key); });
      return spec;
    }
    ParamSpec& real_list(const std::string& name, std::vector<double> S::*member,
                         std::vector<double> default_value, std::string description,
                         std::optional<double> min = std::nullopt,
                         std::optional<double> max = std::nullopt, std::string unit = "") {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.real_list(
          path, std::move(default_value), std::move(description), min, max, std::move(unit));
      bind(path, member,
           [](const Parameters& p, std::string_view key) { return p.real_list(key); });
      return spec;
    }
    ParamSpec& integer_list(const std::string& name, std::vector<std::int64_t> S::*member,
                            std::vector<std::int64_t> default_value, std::string description,
                            std::optional<double> min = std::nullopt,
                            std::optional<double> max = std::nullopt, std::string unit = "") {
      const std::string path = prefix_ + name;
      ParamSpec& spec = owner_->schema_.integer_list(
          path, std::move(default_value), std::move(description), min, max, std::move(unit));
      bind(path, member,
           [](const Parameters& p, std::string_view key) { return p.integer_list(key); });
      return spec;
    }

    /// The section "name" (a dotted path relative to this one) bound to the
    /// part of S that `part` gives: a data member pointer (&S::pension) or a
    /// callable taking S& and returning a reference
    /// ([k](S& s) -> Sector& { return s.sectors[k]; }).
    template <class Part>
    auto section(const std::string& name, Part part) const {
      using T = std::remove_reference_t<std::invoke_result_t<const Part&, S&>>;
      static_assert(std::is_lvalue_reference_v<std::invoke_result_t<const Part&, S&>>,
                    "a section's part must be a reference into its parent");
      return owner_->template make_section<T>(
          prefix_ + name + ".",
          [access = access_, part](Root& r) -> T& { return std::invoke(part, access(r)); });
    }

    /// "pension." for the section "pension"; "" for the root.
    [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

   private:
    friend class BoundSchema;
    Section(BoundSchema& owner, std::string prefix, Access access)
        : owner_(&owner), prefix_(std::move(prefix)), access_(std::move(access)) {}

    template <class T, class Get>
    void bind(const std::string& path, T S::*member, Get get) {
      owner_->readers_.push_back(
          [access = access_, member, path, get](const Parameters& values, Root& r) {
            access(r).*member = get(values, path);
          });
    }

    BoundSchema* owner_;
    std::string prefix_;
    Access access_;
  };

  /// The top level: parameters whose paths have no section, bound to members of Root.
  Section<Root> root() {
    return make_section<Root>("", [](Root& r) -> Root& { return r; });
  }
  /// A top-level section; see Section::section.
  template <class Part>
  auto section(const std::string& name, Part part) {
    return root().section(name, std::move(part));
  }

  /// Adds a cross-parameter check (run by read() in the order added).
  void check(Check fn) { checks_.push_back(std::move(fn)); }

  /// The schema: every entry in the order declared.
  [[nodiscard]] const ParamSchema& schema() const noexcept { return schema_; }

  /// A Root (value-initialised) with every bound member read from `values`,
  /// in the order declared; then the checks.
  [[nodiscard]] Root read(const Parameters& values) const {
    Root result{};
    read_into(values, result);
    return result;
  }
  /// Reads every bound member of `result` from `values`; then the checks.
  void read_into(const Parameters& values, Root& result) const {
    for (const auto& reader : readers_) reader(values, result);
    for (const auto& fn : checks_) fn(result, values);
  }

 private:
  template <class S>
  Section<S> make_section(std::string prefix, typename Section<S>::Access access) {
    return Section<S>(*this, std::move(prefix), std::move(access));
  }

  ParamSchema schema_;
  std::vector<std::function<void(const Parameters&, Root&)>> readers_;
  std::vector<Check> checks_;
};

}  // namespace cpsim
