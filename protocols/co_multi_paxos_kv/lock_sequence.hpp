#pragma once
// The end-state check of the lock-sequence workload (co_multi_paxos_kv.hpp): clients take a lock
// kept in the store, append their token ("c<client>r<round>") to the sequence key, and let the
// lock go. While the store is linearizable and executes each request once, every value the
// sequence key is read or written with
//   - holds each token at most once            (else a write executed twice: duplicated),
//   - holds every token whose put completed before the read began, in the order those puts
//     completed                                 (else lost, or reordered),
//   - holds each client's tokens in round order (else reordered);
// and a put of the sequence returns the version that counts its tokens (one write per token;
// more means a write executed twice). The last client's final read sees every completed put, so
// it is the end state. Violations are of invariant `lock-sequence`.
#include <cstdint>
#include <string>

#include "model/engine.hpp"

namespace corridor::protocols {

std::string lock_sequence_token(std::uint32_t client, std::uint32_t round);

// The check over the key named `sequence_key` of a run's client history.
HistoryChecker lock_sequence_checker(std::string sequence_key);

}  // namespace corridor::protocols
