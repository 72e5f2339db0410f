#pragma once
// Badges for people: the assignment's [BADGE] block form, the first few of a run with a count of
// the rest, and the statistics of a run or a campaign (invariants/badges/badge_stats.hpp).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "invariants/badges/badge_stats.hpp"
#include "model/badge.hpp"

namespace corridor::cli {

// [BADGE] type: COHERENCE_DRIFT module: replication node: n3 context: version_lag_exceeded
//         timestamp: local 1.203s, true 1.200s (step 812) ...
// `nodes`: the run's node count, so that a badge a client observed (an actor after the nodes)
// reads "node: c0"; by default every actor is named as a node.
std::string badge_block(const Badge& badge, std::uint32_t nodes = UINT32_MAX);
// The first `shown_max` badges in block form and a line counting the rest; nothing without badges.
std::string badges_text(const std::vector<Badge>& badges, std::uint32_t nodes = UINT32_MAX, std::size_t shown_max = 3);
// Frequency, symmetry, first drift and trend in a few lines.
std::string badge_stats_text(const invariants::BadgeStats& stats);

}  // namespace corridor::cli
