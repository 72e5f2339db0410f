#pragma once
// The note names a snapshot protocol (Chandy-Lamport and the like) uses to tell the snapshot
// monitors what it recorded:
//   ctx.note("snapshot-state", snapshot, amount)                 a node recorded its local state
//   ctx.note("snapshot-channel", channel_key(snapshot, from), amount)
//                                                                 the node recorded the channel
//                                                                 from -> itself (amount in flight)
//   ctx.note("snapshot-complete", snapshot)                      the node's part of the snapshot is
//                                                                 complete (every incoming marker came)
// Snapshots are numbered from 1; a node records each snapshot's state and each incoming channel once.
#include <cstdint>
#include <string_view>

#include "model/event.hpp"

namespace corridor::invariants {

inline constexpr std::string_view snapshot_state_note = "snapshot-state";
inline constexpr std::string_view snapshot_channel_note = "snapshot-channel";
inline constexpr std::string_view snapshot_complete_note = "snapshot-complete";

constexpr std::uint64_t channel_key(std::uint32_t snapshot, NodeId from) { return (std::uint64_t{snapshot} << 32) | from; }
constexpr std::uint32_t snapshot_of_key(std::uint64_t key) { return static_cast<std::uint32_t>(key >> 32); }
constexpr NodeId from_of_key(std::uint64_t key) { return static_cast<NodeId>(key & 0xFFFFFFFFu); }

}  // namespace corridor::invariants
