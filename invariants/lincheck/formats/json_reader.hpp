#pragma once
// A strict JSON reader (RFC 8259) into Datum: objects become maps with string keys, arrays lists.
// Numbers without fraction or exponent that fit in 64 bits are integers; other numbers are reals.
#include "invariants/lincheck/formats/datum.hpp"
#include "invariants/lincheck/formats/text_cursor.hpp"

namespace corridor::lincheck {

inline constexpr std::uint32_t json_depth_max = 64;

// Skips spaces, tabs and carriage returns (a JSON Lines value never spans lines).
void skip_json_space(TextCursor& cursor);
Datum read_json(TextCursor& cursor, std::uint32_t depth = 0);

}  // namespace corridor::lincheck
