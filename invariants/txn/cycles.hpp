#pragma once
// The cycles of a dependency graph, classified as Adya names them, one per strongly connected
// component of the whole graph: the weakest kind of cycle it holds, searched in this order:
//   G0        a cycle of ww edges only (write cycle);
//   G1c       a cycle of ww and wr edges, at least one wr (circular information flow);
//   G-single  a cycle with exactly one rw edge (read skew, among others);
//   G-SIb     (Adya's missed effects) a cycle with at most one rw edge besides rw edges between
//             two transactions that write a common key: snapshot isolation's first-committer-wins
//             keeps those two from overlapping, so the reader committed before the writer started,
//             and the cycle asks a transaction to start before it started;
//   G2        a cycle with rw edges, here two or more, since a component with a cycle of one was
//             reported as G-single (write skew, among others).
// G0, G1c and G2 are a shortest cycle of their kind through the component's smallest vertex; a
// G-single is the first rw edge (by vertex order) with a shortest ww/wr path back.
#include <vector>

#include "invariants/txn/anomaly.hpp"
#include "invariants/txn/dependencies.hpp"

namespace corridor::txn {

std::vector<Anomaly> find_cycles(const Dependencies& dependencies);

}  // namespace corridor::txn
