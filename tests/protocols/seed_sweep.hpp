#pragma once
// Runs a registered protocol over a fixed sweep of seeds (derived from one master seed, so a
// failure names a seed that replays) and reports the first violation or how many runs passed.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/prng.hpp"
#include "protocols/registry.hpp"

namespace corridor::test_support {

inline constexpr std::uint64_t master_seed = 0xC0881D0A;

struct Sweep {
  std::uint64_t runs = 0;                 // runs made
  std::optional<RunOutcome> first_failure;
};

inline const ProtocolEntry& protocol(std::string_view name) {
  const ProtocolEntry* entry = find_protocol(name);
  if (entry == nullptr) throw std::runtime_error("protocol not registered");
  return *entry;
}

// The invariant the registration says planted bug `variant` breaks (written once, there).
inline const std::string& expected_invariant(const ProtocolEntry& entry, std::string_view variant) {
  const int index = entry.variant_index(variant);
  if (index < 0 || !entry.info.variants[static_cast<std::size_t>(index)].planted_bug) {
    throw std::runtime_error("no such planted bug");
  }
  return entry.info.variants[static_cast<std::size_t>(index)].finds;
}

// Whether `invariant` is one the registration's `finds` names ("a", or "a or b").
inline bool is_expected(const std::string& finds, const std::string& invariant) {
  std::string_view rest = finds;
  while (!rest.empty()) {
    const std::size_t cut = rest.find(" or ");
    if (rest.substr(0, cut) == invariant) return true;
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 4);
  }
  return false;
}

// `config` for `variant` of `name` with its default fault model, or with the demo's (the
// registry's, so that a test runs what `corridor demo` runs).
inline SimConfig config_for(const ProtocolEntry& entry, std::string_view variant, bool demo = false) {
  const int index = entry.variant_index(variant);
  if (index < 0) throw std::runtime_error("no such variant");
  const auto v = static_cast<std::uint32_t>(index);
  return demo ? entry.under_demo_faults(v) : entry.default_config(v);
}

// Runs seeds 0..budget-1 until the first violation.
inline Sweep sweep(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t budget) {
  std::unique_ptr<Simulation> sim = entry.make();
  Sweep result;
  for (std::uint64_t i = 0; i < budget; ++i) {
    RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i));
    ++result.runs;
    if (out.violation) {
      result.first_failure = std::move(out);
      break;
    }
  }
  return result;
}

}  // namespace corridor::test_support
