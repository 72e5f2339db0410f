#pragma once
// Equality, hashing and printing that a protocol author never writes: every aggregate state or
// message gets them field by field through Boost.PFR. Hashing is our own (xxHash-style mixing of
// each field's bytes in declaration order), never std::hash, so fingerprints are the same on
// every platform and build.
#include <array>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/pfr.hpp>
#include <fmt/format.h>

namespace corridor {

// The unqualified name of a type, taken from the compiler's function signature; stable for a
// given compiler, so message summaries in traces stay byte-identical between runs.
template <class T>
constexpr std::string_view type_name() {
  std::string_view name = __PRETTY_FUNCTION__;
  const auto eq = name.find("T = ");
  name.remove_prefix(eq + 4);
  const auto end = name.find_first_of(";]");
  name = name.substr(0, end);
  const auto colon = name.rfind("::");
  if (colon != std::string_view::npos) name.remove_prefix(colon + 2);
  return name;
}

// The name of an enumerator, taken from the compiler's signature of a function templated on it
// ("" when V names no enumerator: the signature then shows a cast such as "(Variant)5").
template <auto V>
constexpr std::string_view enumerator_name() {
  std::string_view name = __PRETTY_FUNCTION__;
  const auto eq = name.find("V = ");
  name.remove_prefix(eq + 4);
  name = name.substr(0, name.find_first_of(";]"));
  if (name.find('(') != std::string_view::npos) return {};
  const auto colon = name.rfind("::");
  if (colon != std::string_view::npos) name.remove_prefix(colon + 2);
  return name;
}

inline constexpr std::size_t enumerators_max = 64;  // values 0..63 are looked up by name

template <class E, std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> enumerator_names(std::index_sequence<I...>) {
  return {enumerator_name<static_cast<E>(I)>()...};
}

// The name of enum value v ("" if v is no enumerator or is past enumerators_max).
template <class E>
  requires std::is_enum_v<E>
constexpr std::string_view enum_name(E v) {
  constexpr auto names = enumerator_names<E>(std::make_index_sequence<enumerators_max>{});
  const auto i = static_cast<std::uint64_t>(v);
  return i < names.size() ? names[i] : std::string_view{};
}

// How many of the values 0, 1, 2, ... name enumerators, counting up to the first that does not.
template <class E>
  requires std::is_enum_v<E>
constexpr std::size_t enum_count() {
  constexpr auto names = enumerator_names<E>(std::make_index_sequence<enumerators_max>{});
  std::size_t n = 0;
  while (n < names.size() && !names[n].empty()) ++n;
  return n;
}

// 64-bit hash accumulator: order-sensitive, deterministic.
class Hasher {
 public:
  void mix(std::uint64_t word) {
    state_ ^= word + 0x9E3779B97F4A7C15ULL + (state_ << 6) + (state_ >> 2);
    state_ *= 0xFF51AFD7ED558CCDULL;
    state_ ^= state_ >> 32;
  }
  void mix_bytes(std::string_view bytes) {
    mix(bytes.size());
    std::uint64_t word = 0;
    int filled = 0;
    for (unsigned char c : bytes) {
      word = (word << 8) | c;
      if (++filled == 8) { mix(word); word = 0; filled = 0; }
    }
    if (filled > 0) mix(word);
  }
  std::uint64_t digest() const { return state_ ^ (state_ >> 29); }

 private:
  std::uint64_t state_ = 0x243F6A8885A308D3ULL;
};

template <class T> struct is_std_vector : std::false_type {};
template <class T, class A> struct is_std_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_std_optional : std::false_type {};
template <class T> struct is_std_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_std_variant : std::false_type {};
template <class... T> struct is_std_variant<std::variant<T...>> : std::true_type {};
template <class T> struct is_std_map : std::false_type {};
template <class K, class V, class C, class A> struct is_std_map<std::map<K, V, C, A>> : std::true_type {};
template <class T> struct is_std_set : std::false_type {};
template <class K, class C, class A> struct is_std_set<std::set<K, C, A>> : std::true_type {};
template <class T> struct is_std_array : std::false_type {};
template <class T, std::size_t N> struct is_std_array<std::array<T, N>> : std::true_type {};
template <class T> struct is_std_pair : std::false_type {};
template <class A, class B> struct is_std_pair<std::pair<A, B>> : std::true_type {};

// A type that shows another value in its place: `const X& reflected() const`. A coroutine node
// (model/co/node.hpp) shows its fields, not its frames, so its traces and fingerprints read as a
// handler node's would.
template <class T>
concept reflects_as = requires(const T& value) { value.reflected(); };

// `Sink` is a Hasher, or anything with mix(u64) and mix_bytes(string_view) (an untimed
// explorer writes the same fields into a state encoding).
template <class T, class Sink = Hasher>
void hash_append(Sink& h, const T& value) {
  if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T> || std::is_enum_v<T>) {
    h.mix(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = value;
    std::uint64_t bits;
    static_assert(sizeof bits == sizeof d);
    __builtin_memcpy(&bits, &d, sizeof bits);
    h.mix(bits);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    h.mix_bytes(value);
  } else if constexpr (std::is_same_v<T, std::monostate>) {
    h.mix(0);
  } else if constexpr (is_std_vector<T>::value || is_std_set<T>::value || is_std_array<T>::value) {
    h.mix(value.size());
    for (const auto& item : value) hash_append(h, item);
  } else if constexpr (is_std_map<T>::value) {
    h.mix(value.size());
    for (const auto& [k, v] : value) { hash_append(h, k); hash_append(h, v); }
  } else if constexpr (is_std_pair<T>::value) {
    hash_append(h, value.first);
    hash_append(h, value.second);
  } else if constexpr (is_std_optional<T>::value) {
    h.mix(value.has_value());
    if (value) hash_append(h, *value);
  } else if constexpr (is_std_variant<T>::value) {
    h.mix(value.index());
    std::visit([&h](const auto& alt) { hash_append(h, alt); }, value);
  } else if constexpr (reflects_as<T>) {
    hash_append(h, value.reflected());
  } else {
    static_assert(std::is_aggregate_v<T>, "states and messages must be aggregates of hashable fields");
    boost::pfr::for_each_field(value, [&h](const auto& field) { hash_append(h, field); });
  }
}

template <class T>
std::uint64_t hash_of(const T& value) {
  Hasher h;
  hash_append(h, value);
  return h.digest();
}

template <class T>
void format_append(std::string& out, const T& value);

template <class Range>
void format_range(std::string& out, const Range& range, char open, char close) {
  out += open;
  bool first = true;
  for (const auto& item : range) {
    if (!first) out += ", ";
    first = false;
    format_append(out, item);
  }
  out += close;
}

// Printing: `Name{field, field}` for aggregates, `[..]` for sequences, `{k: v}` for maps.
template <class T>
void format_append(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    out += value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    fmt::format_to(std::back_inserter(out), "{}", value);
  } else if constexpr (std::is_enum_v<T>) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    fmt::format_to(std::back_inserter(out), "{}", value);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    fmt::format_to(std::back_inserter(out), "\"{}\"", value);
  } else if constexpr (std::is_same_v<T, std::monostate>) {
    out += "-";
  } else if constexpr (is_std_vector<T>::value || is_std_set<T>::value || is_std_array<T>::value) {
    format_range(out, value, '[', ']');
  } else if constexpr (is_std_map<T>::value) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : value) {
      if (!first) out += ", ";
      first = false;
      format_append(out, k);
      out += ": ";
      format_append(out, v);
    }
    out += '}';
  } else if constexpr (is_std_pair<T>::value) {
    out += '(';
    format_append(out, value.first);
    out += ", ";
    format_append(out, value.second);
    out += ')';
  } else if constexpr (is_std_optional<T>::value) {
    if (value) format_append(out, *value); else out += "none";
  } else if constexpr (is_std_variant<T>::value) {
    std::visit([&out](const auto& alt) { format_append(out, alt); }, value);
  } else if constexpr (reflects_as<T>) {
    format_append(out, value.reflected());
  } else {
    static_assert(std::is_aggregate_v<T>, "states and messages must be aggregates of printable fields");
    out += type_name<T>();
    out += '{';
    bool first = true;
    boost::pfr::for_each_field(value, [&](const auto& field) {
      if (!first) out += ", ";
      first = false;
      format_append(out, field);
    });
    out += '}';
  }
}

template <class T>
std::string to_text(const T& value) {
  std::string out;
  format_append(out, value);
  return out;
}

// A timer's value as traces show it: an enum by its enumerator's name, anything else as to_text.
template <class T>
std::string timer_text(const T& timer) {
  if constexpr (std::is_enum_v<T>) {
    const std::string_view name = enum_name(timer);
    return name.empty() ? to_text(timer) : std::string(name);
  } else {
    return to_text(timer);
  }
}

// Equality: field by field for aggregates (PFR), element by element for containers, recursively,
// so a state holding a vector of aggregates compares without any operator== written by hand.
template <class T>
bool equal(const T& a, const T& b);

template <class T, std::size_t... I>
bool equal_fields(const T& a, const T& b, std::index_sequence<I...>) {
  return (equal(boost::pfr::get<I>(a), boost::pfr::get<I>(b)) && ...);
}

template <class T>
bool equal(const T& a, const T& b) {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::string> ||
                std::is_same_v<T, std::string_view> || std::is_same_v<T, std::monostate>) {
    return a == b;
  } else if constexpr (is_std_vector<T>::value || is_std_set<T>::value || is_std_array<T>::value) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) { return equal(x, y); });
  } else if constexpr (is_std_map<T>::value) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
             return equal(x.first, y.first) && equal(x.second, y.second);
           });
  } else if constexpr (is_std_pair<T>::value) {
    return equal(a.first, b.first) && equal(a.second, b.second);
  } else if constexpr (is_std_optional<T>::value) {
    return a.has_value() == b.has_value() && (!a || equal(*a, *b));
  } else if constexpr (is_std_variant<T>::value) {
    return a.index() == b.index() && std::visit(
                                         [](const auto& x, const auto& y) {
                                           if constexpr (std::is_same_v<decltype(x), decltype(y)>) return equal(x, y);
                                           else return false;
                                         },
                                         a, b);
  } else if constexpr (reflects_as<T>) {
    return equal(a.reflected(), b.reflected());
  } else {
    static_assert(std::is_aggregate_v<T>, "states and messages must be aggregates of comparable fields");
    return equal_fields(a, b, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
  }
}

}  // namespace corridor
