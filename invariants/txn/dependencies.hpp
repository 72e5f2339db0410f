#pragma once
// From a history of transactions to Adya's dependency graph, as Elle infers it, and the anomalies
// a single read shows without a cycle (G1a, G1b, internal, ...).
//
// Which transactions are in the graph: every committed one, and an indeterminate one whose write
// some committed read observed (it must have committed). Aborted ones never are: a read of their
// writes is G1a. Only committed reads count; an indeterminate transaction's reads are unknown.
//
// list-append: a read returns the key's whole list, so it names every append before it. For a
// read of list L of key k by R (what R saw of others: its own earlier appends taken off the end):
//   wr  W -> R for the writer W of each element of L;
//   ww  between the writers of neighbouring elements of the longest read of k (every read of k
//       must be a prefix of it, or the history is incompatible-order);
//   rw  R -> W for the first writer W after L in that order, and for the writer of each append to
//       k no read saw (W came after R in any serial order). The writers later in the order are
//       reached from W along ww edges, so a direct edge to them would change no cycle's kind.
//       Where a key has no order (incompatible), R -> the writer of each append to k not in L.
// These are exact: with no anomaly from a single read, a serial order exists if and only if the
// graph is acyclic (tests/txn/brute_force_test.cpp checks it on random small histories).
//
// rw-register: a read returns one value, and each value is written once, so the writer of what a
// read saw is known (wr). The version order is not: we infer only that the initial nil comes before
// every written version, and that when T reads v of k and then writes k, T's version follows v:
//   ww  W(v) -> T when T read v of k before writing k itself;
//   rw  R -> T when R read v (or nil) of k and T's version of k comes right after v by those
//       inferences, or R read nil and T wrote k without reading it first; the versions after
//       T's are reached along ww edges.
// Nothing is inferred from the order of the transactions in time or from writes no one read over,
// so some non-serializable register histories pass (the brute-force test checks only that every
// reported anomaly is real).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "invariants/txn/anomaly.hpp"
#include "invariants/txn/transaction.hpp"

namespace corridor::txn {

struct Dependencies {
  std::size_t vertices = 0;                                           // one per transaction
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint8_t> edges;  // (from, to) -> EdgeKind bits
  // The first reason recorded for each (from, to, kind), in words: "T2 read T1's append of 4 to x".
  std::map<std::pair<std::pair<std::uint32_t, std::uint32_t>, std::uint8_t>, std::string> reasons;
  std::vector<Anomaly> anomalies;                                     // found without a cycle
};

Dependencies infer_dependencies(const Transactions& transactions);

// "T3", the name a sentence gives the transaction at index 2.
std::string txn_name(std::uint32_t index);

}  // namespace corridor::txn
