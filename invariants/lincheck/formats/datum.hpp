#pragma once
// A parsed value of an EDN or JSON history line: the few shapes both formats share, with the
// line and column where it started, so that a field of the wrong shape can be reported there.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corridor::lincheck {

struct Datum {
  enum class Kind : std::uint8_t { nil, boolean, integer, real, string, keyword, symbol, list, map };
  Kind kind = Kind::nil;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;           // string, keyword (without ':'), symbol, or a real's digits
  std::vector<Datum> items;   // list elements; for a map: key, value, key, value, ...
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  // The value of a map field named `name` (an EDN keyword or a JSON string), or nullptr.
  const Datum* field(std::string_view name) const {
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      const Datum& key = items[i];
      if ((key.kind == Kind::keyword || key.kind == Kind::string) && key.text == name) return &items[i + 1];
    }
    return nullptr;
  }
};

const char* kind_name(Datum::Kind kind);

}  // namespace corridor::lincheck
