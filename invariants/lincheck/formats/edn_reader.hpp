#pragma once
// A reader for the part of EDN that histories use: nil, booleans, integers, reals, strings,
// keywords, symbols, vectors, lists, sets (read as lists), maps, tagged values (the tag is
// dropped), #_ discards, ; comments; commas are whitespace. Nesting is limited to edn_depth_max.
#include "invariants/lincheck/formats/datum.hpp"
#include "invariants/lincheck/formats/text_cursor.hpp"

namespace corridor::lincheck {

inline constexpr std::uint32_t edn_depth_max = 64;

// Skips whitespace, commas and comments (newlines too).
void skip_edn_space(TextCursor& cursor);
// Reads one value at the cursor (after skip_edn_space).
Datum read_edn(TextCursor& cursor, std::uint32_t depth = 0);

}  // namespace corridor::lincheck
