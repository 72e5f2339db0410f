#pragma once
// Badges for people: the assignment's [BADGE] block form, the first few of a run with a count of
// the rest, and the statistics of a run or a campaign (invariants/badges/badge_stats.hpp).
#include <cstdio>
#include <string>
#include <vector>

#include "invariants/badges/badge_stats.hpp"
#include "model/badge.hpp"

namespace corridor::cli {

// [BADGE] type: COHERENCE_DRIFT module: replication node: n3 context: version_lag_exceeded
//         timestamp: local 1.203s, true 1.200s (step 812) ...
std::string badge_block(const Badge& badge);
// The first `shown_max` badges in block form and a line counting the rest; nothing without badges.
std::string badges_text(const std::vector<Badge>& badges, std::size_t shown_max = 3);
// Frequency, symmetry, first drift and trend in a few lines.
std::string badge_stats_text(const invariants::BadgeStats& stats);

}  // namespace corridor::cli
