#pragma once
// The coherence lab's comparison of one protocol at several sizes (`corridor scale`): the table
// (first drift, badge frequency, symmetry, time sensitivity, trend), the stabilise-or-cascade
// verdict, as text, Markdown and JSON, and an SVG plot of badge rate over time for each size.
// Everything here is a pure function of the runs' results: no timings, so it is reproducible.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "invariants/badges/badge_stats.hpp"
#include "model/badge.hpp"

namespace corridor::cli {

struct ScaleRow {
  std::uint32_t nodes = 0;
  std::uint64_t runs_failed = 0;      // runs whose invariants failed (they still count for badges)
  invariants::BadgeStats stats{1};
  invariants::BadgeStats stretched{1};  // the same seeds with delays and clock skew/drift x factor
  std::vector<Badge> sample;            // badges of the first seed's run, one per node, for show
};

struct ScaleReport {
  std::string protocol;
  std::string variant;
  std::string command;  // the command that reproduces it (without output paths)
  std::string faults;
  std::string clock;
  time_ns time_limit_ns = 0;
  std::uint64_t seeds = 0;
  double stretch = 2.0;
  std::vector<BadgeDeclaration> monitors;
  std::vector<ScaleRow> rows;  // by size, as given
};

// Badge rate with every delay and clock offset stretched, over the rate as run; nullopt when the
// run had no badges.
std::optional<double> time_sensitivity(const ScaleRow& row);
std::string scale_verdict(const ScaleReport& report);
std::string scale_text(const ScaleReport& report);
std::string scale_markdown(const ScaleReport& report, const std::string& svg_link);
std::string scale_svg(const ScaleReport& report);
nlohmann::json scale_json(const ScaleReport& report);

}  // namespace corridor::cli
