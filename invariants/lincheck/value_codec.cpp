#include "invariants/lincheck/value_codec.hpp"

#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <fmt/format.h>

#include "model/hash_mix.hpp"
#include "model/assert.hpp"

namespace corridor::lincheck {

ValueCodec::ValueCodec() {
  entries_.push_back(Entry{});  // code 0: nil
  same_hash_next_.push_back(0);
}

template <class Matches, class Make>
ValueCode ValueCodec::add(std::uint64_t hash, Matches matches, Make make) {
  hash &= ~std::uint64_t{0} >> 1;  // never the table's empty key
  const std::uint32_t* first = index_.find(hash);
  for (std::uint32_t code = first ? *first : 0; code != 0; code = same_hash_next_[code]) {
    if (matches(entries_[code])) return code;
  }
  const auto code = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(make());
  if (first) {
    same_hash_next_.push_back(same_hash_next_[*first]);
    same_hash_next_[*first] = code;
  } else {
    same_hash_next_.push_back(0);
    index_.insert(hash, code);
  }
  return code;
}

ValueCode ValueCodec::integer(std::int64_t value) {
  return add(
      mix64(static_cast<std::uint64_t>(value)) ^ 1,
      [&](const Entry& e) { return e.kind == Kind::integer && e.integer == value; },
      [&] { return Entry{Kind::integer, value, integer_texts_.emplace_back(fmt::format("{}", value)), {}}; });
}

ValueCode ValueCodec::text(std::string_view value) {
  return add(
      XXH3_64bits_withSeed(value.data(), value.size(), 2),
      [&](const Entry& e) { return e.kind == Kind::text && e.text == value; },
      [&] { return Entry{Kind::text, 0, value, {}}; });
}

ValueCode ValueCodec::list(const std::vector<ValueCode>& elements) {
  return add(
      XXH3_64bits_withSeed(elements.data(), elements.size() * sizeof(ValueCode), 3),
      [&](const Entry& e) { return e.kind == Kind::list && e.list == elements; },
      [&] { return Entry{Kind::list, 0, {}, elements}; });
}

ValueCode ValueCodec::scalar(const HistoryValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return integer(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return text(*s);
  if (std::holds_alternative<std::monostate>(value)) return nil_code;
  if (const auto* li = std::get_if<std::vector<std::int64_t>>(&value)) {
    std::vector<ValueCode> codes;
    for (std::int64_t element : *li) codes.push_back(integer(element));
    return list(codes);
  }
  const auto& ls = std::get<std::vector<std::string>>(value);
  std::vector<ValueCode> codes;
  for (const std::string& element : ls) codes.push_back(text(element));
  return list(codes);
}

bool ValueCodec::is_integer(ValueCode code) const {
  CORRIDOR_ASSERT(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  return entries_[static_cast<std::size_t>(code)].kind == Kind::integer;
}

std::int64_t ValueCodec::integer_of(ValueCode code) const {
  CORRIDOR_ASSERT(is_integer(code));
  return entries_[static_cast<std::size_t>(code)].integer;
}

std::string_view ValueCodec::text_of(ValueCode code) const {
  CORRIDOR_ASSERT(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  const Entry& entry = entries_[static_cast<std::size_t>(code)];
  return entry.text;  // integers store their decimal text too (see integer())
}

const std::vector<ValueCode>& ValueCodec::list_of(ValueCode code) const {
  CORRIDOR_ASSERT(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  return entries_[static_cast<std::size_t>(code)].list;
}

std::string ValueCodec::describe(ValueCode code) const {
  CORRIDOR_ASSERT(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  const Entry& entry = entries_[static_cast<std::size_t>(code)];
  switch (entry.kind) {
    case Kind::nil: return "nil";
    case Kind::integer: return fmt::format("{}", entry.integer);
    case Kind::text: return fmt::format("\"{}\"", entry.text);
    case Kind::list: {
      std::string out = "[";
      for (std::size_t i = 0; i < entry.list.size(); ++i) out += (i ? " " : "") + describe(entry.list[i]);
      return out + "]";
    }
  }
  return "?";
}

}  // namespace corridor::lincheck
