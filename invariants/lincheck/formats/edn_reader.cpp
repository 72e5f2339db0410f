#include "invariants/lincheck/formats/edn_reader.hpp"

#include <charconv>
#include "model/assert.hpp"

namespace corridor::lincheck {

const char* kind_name(Datum::Kind kind) {
  switch (kind) {
    case Datum::Kind::nil: return "nil";
    case Datum::Kind::boolean: return "a boolean";
    case Datum::Kind::integer: return "an integer";
    case Datum::Kind::real: return "a real number";
    case Datum::Kind::string: return "a string";
    case Datum::Kind::keyword: return "a keyword";
    case Datum::Kind::symbol: return "a symbol";
    case Datum::Kind::list: return "a list";
    case Datum::Kind::map: return "a map";
  }
  return "?";
}

namespace {

bool is_delimiter(char c) {
  return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '(' || c == ')' ||
         c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == ';';
}

std::string_view read_token(TextCursor& cursor) {
  const std::size_t start = cursor.position();
  while (!cursor.at_end() && !is_delimiter(cursor.peek())) cursor.next();
  return cursor.slice(start);
}

void read_string(TextCursor& cursor, std::string& out) {
  CORRIDOR_ASSERT(cursor.peek() == '"');
  cursor.next();
  for (;;) {
    if (cursor.at_end()) cursor.fail("a closing '\"'");
    const char c = cursor.next();
    if (c == '"') return;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (cursor.at_end()) cursor.fail("an escaped character");
    switch (const char e = cursor.next()) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': case '\\': out += e; break;
      default: cursor.fail("one of the escapes \\n \\t \\r \\\" \\\\");
    }
  }
}

void read_items(TextCursor& cursor, char close, std::uint32_t depth, Datum& into) {
  for (;;) {
    skip_edn_space(cursor);
    if (cursor.at_end()) cursor.fail(std::string("'") + close + "'");
    if (cursor.peek() == close) {
      cursor.next();
      return;
    }
    if (cursor.peek() == ')' || cursor.peek() == ']' || cursor.peek() == '}') cursor.fail(std::string("'") + close + "'");
    into.items.push_back(read_edn(cursor, depth + 1));
  }
}

void read_atom(TextCursor& cursor, Datum& datum) {
  const std::uint32_t line = cursor.line();
  const std::uint32_t column = cursor.column();
  const std::string_view token = read_token(cursor);
  if (token.empty()) cursor.fail("a value");
  if (token == "nil") return;
  if (token == "true" || token == "false") {
    datum.kind = Datum::Kind::boolean;
    datum.boolean = token == "true";
    return;
  }
  if (token[0] == ':') {
    if (token.size() == 1) cursor.fail_at(line, column, "a keyword name after ':'");
    datum.kind = Datum::Kind::keyword;
    datum.text = token.substr(1);
    return;
  }
  const bool numeric = (token[0] >= '0' && token[0] <= '9') ||
                       ((token[0] == '-' || token[0] == '+') && token.size() > 1 && token[1] >= '0' && token[1] <= '9');
  if (!numeric) {
    datum.kind = Datum::Kind::symbol;
    datum.text = token;
    return;
  }
  std::string_view digits = token;
  if (digits.back() == 'N') digits.remove_suffix(1);
  if (digits[0] == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc{} && end == digits.data() + digits.size()) {
    datum.kind = Datum::Kind::integer;
    datum.integer = value;
    return;
  }
  if (token.find_first_of(".eEM") != std::string_view::npos && token.find_first_not_of("0123456789+-.eEM") == std::string_view::npos) {
    datum.kind = Datum::Kind::real;
    datum.text = token;
    return;
  }
  cursor.fail_at(line, column, "a number that fits in 64 bits");
}

}  // namespace

void skip_edn_space(TextCursor& cursor) {
  while (!cursor.at_end()) {
    const char c = cursor.peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      cursor.next();
    } else if (c == ';') {
      while (!cursor.at_end() && cursor.peek() != '\n') cursor.next();
    } else {
      return;
    }
  }
}

Datum read_edn(TextCursor& cursor, std::uint32_t depth) {
  if (depth > edn_depth_max) cursor.fail("at most 64 levels of nesting");
  Datum datum;
  datum.line = cursor.line();
  datum.column = cursor.column();
  if (cursor.at_end()) cursor.fail("a value");
  const char c = cursor.peek();
  switch (c) {
    case '"':
      datum.kind = Datum::Kind::string;
      read_string(cursor, datum.text);
      return datum;
    case '[': case '(':
      cursor.next();
      datum.kind = Datum::Kind::list;
      read_items(cursor, c == '[' ? ']' : ')', depth, datum);
      return datum;
    case '{':
      cursor.next();
      datum.kind = Datum::Kind::map;
      read_items(cursor, '}', depth, datum);
      if (datum.items.size() % 2 != 0) cursor.fail_at(datum.line, datum.column, "a map with a value for every key");
      return datum;
    case '#':
      cursor.next();
      if (cursor.peek() == '{') {
        cursor.next();
        datum.kind = Datum::Kind::list;
        read_items(cursor, '}', depth, datum);
        return datum;
      }
      if (cursor.peek() == '_') {
        cursor.next();
        skip_edn_space(cursor);
        (void)read_edn(cursor, depth + 1);
        skip_edn_space(cursor);
        return read_edn(cursor, depth);
      }
      (void)read_token(cursor);  // a tag such as #inst: keep the value, drop the tag
      skip_edn_space(cursor);
      return read_edn(cursor, depth + 1);
    case ')': case ']': case '}':
      cursor.fail("a value");
    default:
      read_atom(cursor, datum);
      return datum;
  }
}

}  // namespace corridor::lincheck
