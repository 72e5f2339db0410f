#pragma once
// The note names a broadcast protocol uses to tell the delivery monitors what it does:
// ctx.note("cast", id) when a node broadcasts message id, ctx.note("deliver", id) when a node
// hands message id to its application (the sender included). Ids follow origin << 32 | sequence.
#include <cstdint>
#include <string_view>

namespace corridor::invariants {

struct DeliveryNotes {
  std::string_view cast = "cast";
  std::string_view deliver = "deliver";
};

constexpr std::uint64_t cast_id(std::uint32_t origin, std::uint32_t sequence) {
  return (std::uint64_t{origin} << 32) | sequence;
}

}  // namespace corridor::invariants
