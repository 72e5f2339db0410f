#pragma once
// What the transactional checker finds: an anomaly by the name Adya and Elle give it, with the
// transactions involved. A cycle's transactions are in cycle order, each edge's kind beside it.
#include <cstdint>
#include <string>
#include <vector>

namespace corridor::txn {

// The dependency kinds of Adya's direct serialization graph: Tj installs the version after Ti's
// (ww), Tj reads Ti's version (wr), Tj installs a version after the one Ti read (rw).
enum EdgeKind : std::uint8_t { ww = 1, wr = 2, rw = 4 };
inline constexpr std::uint8_t all_edges = ww | wr | rw;
// A flag beside rw: the two transactions also write a common key. Snapshot isolation's
// first-committer-wins keeps such two from overlapping, so the reader committed before the
// writer started, an order as strong as a ww or wr edge's.
inline constexpr std::uint8_t rw_between_writers = 8;

const char* to_string(EdgeKind kind);

struct Anomaly {
  // G0, G1a, G1b, G1c, G-single, G-SIb, G2; or a history no execution can give: internal (a transaction
  // disagrees with its own writes or earlier reads), incompatible-order (two reads of a list that
  // no one order of appends explains), duplicate-elements, unwritten-read (a value no one wrote);
  // and lost-update (two transactions read one register version and both wrote the register).
  std::string name;
  std::vector<std::uint32_t> transactions;  // indexes into the transactions, in cycle order for a cycle
  std::vector<EdgeKind> edges;              // a cycle's: edges[i] goes from transactions[i] to the next
  std::string sentence;                     // why, naming transactions T1, T2, ... (index + 1)
};

}  // namespace corridor::txn
