// The containers the coroutine Multi-Paxos keeps its state and messages in (FlatMap,
// SharedOptional) stand for std::map and std::optional in every trace and digest: each must
// hash, print and compare exactly as what it stands for, or the protocol's traces and digests
// would change with them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "model/reflect.hpp"
#include "protocols/co_multi_paxos_kv/co_multi_paxos_kv.hpp"

using namespace corridor;
using namespace corridor::protocols;

namespace {

using S = MultiPaxosKvCo;

S::Command command(std::uint64_t request, const char* value) {
  return S::Command{S::Op::put, 5, request, S::seq_key, value, {}};
}

TEST(CoMultiPaxosKvContainers, AFlatMapHashesPrintsAndComparesAsTheStdMapItHolds) {
  FlatMap<std::uint64_t, S::Command> flat;
  std::map<std::uint64_t, S::Command> tree;
  // Out of order, and one key twice: the flat map keeps its entries sorted and unique.
  for (const std::uint64_t slot : {7u, 3u, 9u, 3u, 1u}) {
    flat.try_emplace(slot, command(slot, "c0r1 c1r1"));
    tree.try_emplace(slot, command(slot, "c0r1 c1r1"));
  }
  flat[4] = command(4, "x");
  tree[4] = command(4, "x");
  flat.erase(flat.begin(), flat.upper_bound(1));
  tree.erase(tree.begin(), tree.upper_bound(1));
  ASSERT_EQ(flat.size(), 4u);
  EXPECT_EQ(to_text(flat), to_text(tree));
  EXPECT_EQ(hash_of(flat), hash_of(tree));
  FlatMap<std::uint64_t, S::Command> other = flat;
  EXPECT_TRUE(equal(flat, other));
  other[9] = command(9, "changed");
  EXPECT_FALSE(equal(flat, other));
  EXPECT_NE(hash_of(flat), hash_of(other));
  EXPECT_EQ(flat.find(2), flat.end());
  EXPECT_EQ(flat.lower_bound(5)->first, 7u);
  EXPECT_EQ(flat.rbegin()->first, 9u);
}

TEST(CoMultiPaxosKvContainers, ASharedSnapshotHashesPrintsAndComparesAsTheOptionalItStandsFor) {
  S::Snapshot snapshot;
  snapshot.slot = 8;
  snapshot.kv[S::lock_key] = S::Cell{true, "free", 3};
  snapshot.sessions[4] = S::Session{7, S::Result{true, false, {}, 3}};
  const SharedOptional<S::Snapshot> shared = snapshot;
  const std::optional<S::Snapshot> plain = snapshot;
  EXPECT_EQ(to_text(shared), to_text(plain));
  EXPECT_EQ(hash_of(shared), hash_of(plain));
  const SharedOptional<S::Snapshot> none;
  EXPECT_EQ(to_text(none), to_text(std::optional<S::Snapshot>{}));
  EXPECT_EQ(hash_of(none), hash_of(std::optional<S::Snapshot>{}));
  EXPECT_FALSE(equal(shared, none));
  // A copy shares the block: the same snapshot, not a copy of its maps.
  const SharedOptional<S::Snapshot> copy = shared;
  EXPECT_EQ(&*copy, &*shared);
  // A whole message prints and hashes as it did with the snapshot inline.
  S::Promise promise{64, {}, shared};
  struct InlinePromise {
    std::uint64_t ballot = 0;
    std::vector<S::SlotEntry> accepted;
    std::optional<S::Snapshot> snapshot;
  };
  const InlinePromise inline_promise{64, {}, plain};
  EXPECT_EQ(hash_of(promise), hash_of(inline_promise));
  EXPECT_LE(sizeof(S::Message), 64u) << "a Message holds no snapshot inline";
}

}  // namespace
