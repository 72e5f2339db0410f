#pragma once
// Interns the values of a history into dense integer codes, so that models compare values as
// integers and the search never touches a string. Code 0 is nil. Built once per check, read-only
// (and so shared between threads) during the search. It keeps views of the strings it is given,
// not copies: they must outlive it (the history being checked does).
#include <cstdint>
#include <string>
#include <string_view>
#include <deque>
#include <vector>

#include "invariants/lincheck/flat_table.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

using ValueCode = std::int64_t;
inline constexpr ValueCode nil_code = 0;

class ValueCodec {
 public:
  ValueCodec();

  // The code of a scalar value (nil, integer or string). Integers and strings never share a code.
  ValueCode scalar(const HistoryValue& value);
  ValueCode integer(std::int64_t value);
  ValueCode text(std::string_view value);
  // The code of a list of scalar codes, interned as a whole: equal lists get equal codes.
  ValueCode list(const std::vector<ValueCode>& elements);

  bool is_integer(ValueCode code) const;
  std::int64_t integer_of(ValueCode code) const;
  // The value as text: strings as they are, integers in decimal, nil as "".
  std::string_view text_of(ValueCode code) const;
  const std::vector<ValueCode>& list_of(ValueCode code) const;
  // For people: nil, 3, "abc", [1 2].
  std::string describe(ValueCode code) const;

  std::size_t size() const { return entries_.size(); }
  void reserve(std::size_t values) { entries_.reserve(values); same_hash_next_.reserve(values); }

 private:
  enum class Kind : std::uint8_t { nil, integer, text, list };
  struct Entry {
    Kind kind = Kind::nil;
    std::int64_t integer = 0;
    std::string_view text;
    std::vector<ValueCode> list;
  };
  // The code of the entry with this hash that `matches`, or a new one from `make`.
  template <class Matches, class Make>
  ValueCode add(std::uint64_t hash, Matches matches, Make make);

  std::vector<Entry> entries_;
  std::deque<std::string> integer_texts_;  // the decimal text of each integer entry (stable addresses)
  std::vector<std::uint32_t> same_hash_next_;  // chains entries whose hashes collide
  FlatTable64 index_;                          // hash of kind and content -> first entry
};

}  // namespace corridor::lincheck
