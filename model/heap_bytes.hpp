#pragma once
// Bytes a value holds on the heap beyond its own sizeof, malloc's block overhead included: what
// the memory budget of an untimed search (model/world_model.hpp) counts for node states, messages
// and histories, found field by field through the same reflection as hashing (model/reflect.hpp).
// Types it does not know hold nothing on the heap as far as it can tell (0): the search's check of
// the resident set (explorers/exhaustive.hpp) covers what an estimate misses.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/pfr.hpp>

#include "model/reflect.hpp"

namespace corridor {

// One malloc block for `requested` bytes: glibc keeps an 8-byte header and rounds up to 16 bytes,
// 32 at least.
constexpr std::size_t malloc_block_bytes(std::size_t requested) {
  if (requested == 0) return 0;
  const std::size_t block = (requested + 8 + 15) / 16 * 16;
  return block < 32 ? 32 : block;
}

// A red-black tree node of std::map and std::set: colour and three links, then the value.
inline constexpr std::size_t tree_node_header_bytes = 32;

template <class T>
std::size_t heap_bytes(const T& value) {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::monostate>) {
    return 0;
  } else if constexpr (std::is_same_v<T, std::string>) {
    // Short strings live inside the object (libstdc++: up to 15 characters).
    return value.capacity() > 15 ? malloc_block_bytes(value.capacity() + 1) : 0;
  } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
    return malloc_block_bytes((value.capacity() + 7) / 8);
  } else if constexpr (is_std_vector<T>::value) {
    std::size_t bytes = malloc_block_bytes(value.capacity() * sizeof(typename T::value_type));
    for (const auto& item : value) bytes += heap_bytes(item);
    return bytes;
  } else if constexpr (is_std_set<T>::value || is_std_map<T>::value) {
    std::size_t bytes = value.size() * malloc_block_bytes(tree_node_header_bytes + sizeof(typename T::value_type));
    for (const auto& item : value) bytes += heap_bytes(item);
    return bytes;
  } else if constexpr (is_std_array<T>::value) {
    std::size_t bytes = 0;
    for (const auto& item : value) bytes += heap_bytes(item);
    return bytes;
  } else if constexpr (is_std_pair<T>::value) {
    return heap_bytes(value.first) + heap_bytes(value.second);
  } else if constexpr (is_std_optional<T>::value) {
    return value ? heap_bytes(*value) : 0;
  } else if constexpr (is_std_variant<T>::value) {
    return std::visit([](const auto& alt) { return heap_bytes(alt); }, value);
  } else if constexpr (std::is_aggregate_v<T> && !std::is_array_v<T>) {
    std::size_t bytes = 0;
    boost::pfr::for_each_field(value, [&bytes](const auto& field) { bytes += heap_bytes(field); });
    return bytes;
  } else {
    return 0;
  }
}

}  // namespace corridor
