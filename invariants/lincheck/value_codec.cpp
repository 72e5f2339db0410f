#include "invariants/lincheck/value_codec.hpp"

#include <cassert>
#include <cstring>

#include <fmt/format.h>

namespace corridor::lincheck {

ValueCodec::ValueCodec() {
  entries_.push_back(Entry{});  // code 0: nil
  index_.reserve(256);
}

template <class MakeEntry>
ValueCode ValueCodec::add(std::string key, MakeEntry make_entry) {
  auto [it, inserted] = index_.try_emplace(std::move(key), static_cast<ValueCode>(entries_.size()));
  if (inserted) entries_.push_back(make_entry());
  assert(it->second > 0 && static_cast<std::size_t>(it->second) < entries_.size());
  return it->second;
}

ValueCode ValueCodec::integer(std::int64_t value) {
  std::string key(1 + sizeof(value), 'i');
  std::memcpy(key.data() + 1, &value, sizeof(value));
  return add(std::move(key), [&] { return Entry{Kind::integer, value, fmt::format("{}", value), {}}; });
}

ValueCode ValueCodec::text(std::string_view value) {
  std::string key;
  key.reserve(value.size() + 1);
  key += 's';
  key += value;
  return add(std::move(key), [&] { return Entry{Kind::text, 0, std::string(value), {}}; });
}

ValueCode ValueCodec::list(const std::vector<ValueCode>& elements) {
  std::string key(1 + elements.size() * sizeof(ValueCode), 'l');
  if (!elements.empty()) std::memcpy(key.data() + 1, elements.data(), elements.size() * sizeof(ValueCode));
  return add(std::move(key), [&] { return Entry{Kind::list, 0, {}, elements}; });
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
  assert(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  return entries_[static_cast<std::size_t>(code)].kind == Kind::integer;
}

std::int64_t ValueCodec::integer_of(ValueCode code) const {
  assert(is_integer(code));
  return entries_[static_cast<std::size_t>(code)].integer;
}

std::string_view ValueCodec::text_of(ValueCode code) const {
  assert(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  const Entry& entry = entries_[static_cast<std::size_t>(code)];
  return entry.text;  // integers store their decimal text too (see integer())
}

const std::vector<ValueCode>& ValueCodec::list_of(ValueCode code) const {
  assert(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
  return entries_[static_cast<std::size_t>(code)].list;
}

std::string ValueCodec::describe(ValueCode code) const {
  assert(code >= 0 && static_cast<std::size_t>(code) < entries_.size());
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
