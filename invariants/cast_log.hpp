#pragma once
// The broadcasts ("casts") of a run, as protocols announce them with ctx.note("cast", id), kept
// for the delivery monitors: who cast each message, its place in its origin's cast order, and
// the engine's vector clock at the cast. Ids are the protocol's (by convention origin << 32 |
// per-origin sequence); the origin recorded is the node that noted the cast.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/event.hpp"

namespace corridor::invariants {

class CastLog {
 public:
  struct Cast {
    std::uint64_t id = 0;
    NodeId origin = no_node;
    std::uint32_t index = 0;      // place in the origin's cast order, from 0
    std::uint32_t origin_vc = 0;  // the engine's vector clock component of the origin at the cast
  };
  static constexpr std::size_t casts_max = 1'000'000;

  void clear();
  // Records a cast noted at `view` (kind note). A second cast of the same id is ignored: false.
  bool add(const EventView& view);
  const Cast* find(std::uint64_t id) const;
  // The engine vector clock at the cast of `cast`.
  std::span<const std::uint32_t> vc(const Cast& cast) const;
  // How many casts of `origin` happened before or at an event whose engine vector clock has
  // `origin_component` at `origin` (event c at o happened before e iff VC(c)[o] <= VC(e)[o]).
  std::uint32_t casts_up_to(NodeId origin, std::uint32_t origin_component) const;
  const std::vector<std::uint32_t>& by_origin(NodeId origin) const;  // indexes into casts()
  const std::vector<Cast>& casts() const { return casts_; }
  std::uint32_t origin_count() const { return static_cast<std::uint32_t>(by_origin_.size()); }

 private:
  std::vector<Cast> casts_;
  std::vector<std::uint32_t> vcs_;                       // casts x width, flat
  std::uint32_t width_ = 0;                              // vector clock width (actors)
  std::vector<std::vector<std::uint32_t>> by_origin_;    // per origin, in cast order
  std::map<std::uint64_t, std::uint32_t> index_of_id_;   // id -> index into casts_
};

// "origin:sequence" for an id following the origin << 32 | sequence convention.
std::string cast_id_text(std::uint64_t id);

}  // namespace corridor::invariants
