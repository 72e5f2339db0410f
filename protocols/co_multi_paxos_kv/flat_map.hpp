#pragma once
// A sorted vector of (key, value) pairs with the part of std::map's interface the replicas use.
// Their maps are small and keyed by slot (the log after the snapshot, accepted entries, decided
// slots ahead of a gap, open proposals) or by a handful of keys and clients (cells, sessions),
// and new entries mostly go at the end: as std::map every entry was a heap node, allocated and
// freed once per slot per replica, and every snapshot copied them node by node (the profile of
// co-multi-paxos-kv put the allocator at about 8% of all instructions, mostly these nodes). Here
// a map is one buffer, and a copy is one allocation.
//
// It hashes, prints and compares as the std::map it stands for (reflected() builds one), so node
// states in traces and their digests read exactly as before; only recording and fingerprinting
// pay for that, never a campaign's run.
//
// Unlike std::map, an insertion or erasure invalidates iterators and references: the replica code
// holds none across one.
#include <algorithm>
#include <cstddef>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "model/assert.hpp"

namespace corridor::protocols {

template <class K, class V>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;
  // Far above any of the replicas' own bounds (decided_ahead_max, promise_entries_max, ...):
  // reaching it is a defect of this code, not of a run.
  static constexpr std::size_t entries_max = std::size_t{1} << 20;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  auto rbegin() const { return items_.rbegin(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }

  iterator lower_bound(const K& key) { return std::lower_bound(begin(), end(), key, key_less); }
  const_iterator lower_bound(const K& key) const { return std::lower_bound(begin(), end(), key, key_less); }
  iterator upper_bound(const K& key) { return std::upper_bound(begin(), end(), key, less_key); }
  const_iterator upper_bound(const K& key) const { return std::upper_bound(begin(), end(), key, less_key); }
  iterator find(const K& key) {
    const iterator it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  const_iterator find(const K& key) const {
    const const_iterator it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  const V& at(const K& key) const {
    const const_iterator it = find(key);
    CORRIDOR_ASSERT_MSG(it != end(), "FlatMap::at of a key the map holds");
    return it->second;
  }

  // As std::map's: the entry of `key`, made (value-initialised) when absent.
  V& operator[](const K& key) { return try_emplace(key).first->second; }
  // As std::map's: inserts only when `key` is absent; the bool says whether it did.
  template <class... A>
  std::pair<iterator, bool> try_emplace(const K& key, A&&... args) {
    iterator it = lower_bound(key);
    if (it != end() && it->first == key) return {it, false};
    CORRIDOR_ASSERT_MSG(items_.size() < entries_max, "a replica's map holds at most entries_max entries");
    it = items_.emplace(it, std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple(std::forward<A>(args)...));
    return {it, true};
  }
  template <class U>
  std::pair<iterator, bool> emplace(const K& key, U&& value) { return try_emplace(key, std::forward<U>(value)); }

  iterator erase(iterator it) { return items_.erase(it); }
  iterator erase(iterator first, iterator last) { return items_.erase(first, last); }

  std::map<K, V> reflected() const { return std::map<K, V>(items_.begin(), items_.end()); }

 private:
  static bool key_less(const value_type& item, const K& key) { return item.first < key; }
  static bool less_key(const K& key, const value_type& item) { return key < item.first; }

  std::vector<value_type> items_;  // sorted by key, keys unique
};

}  // namespace corridor::protocols
