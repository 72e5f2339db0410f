#include "invariants/lincheck/formats/json_reader.hpp"

#include <charconv>
#include "model/assert.hpp"

namespace corridor::lincheck {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::uint32_t read_hex4(TextCursor& cursor) {
  std::uint32_t code = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = hex_digit(cursor.peek());
    if (digit < 0) cursor.fail("four hexadecimal digits after \\u");
    cursor.next();
    code = code * 16 + static_cast<std::uint32_t>(digit);
  }
  return code;
}

void append_utf8(std::uint32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

void read_escape(TextCursor& cursor, std::string& out) {
  switch (cursor.peek()) {
    case '"': case '\\': case '/': out += cursor.next(); return;
    case 'b': cursor.next(); out += '\b'; return;
    case 'f': cursor.next(); out += '\f'; return;
    case 'n': cursor.next(); out += '\n'; return;
    case 'r': cursor.next(); out += '\r'; return;
    case 't': cursor.next(); out += '\t'; return;
    case 'u': {
      cursor.next();
      std::uint32_t code = read_hex4(cursor);
      if (code >= 0xD800 && code < 0xDC00) {
        if (cursor.peek() != '\\' || cursor.peek_at(1) != 'u') cursor.fail("a low surrogate \\uDC00-\\uDFFF");
        cursor.next();
        cursor.next();
        const std::uint32_t low = read_hex4(cursor);
        if (low < 0xDC00 || low >= 0xE000) cursor.fail("a low surrogate \\uDC00-\\uDFFF");
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
      }
      append_utf8(code, out);
      return;
    }
    default: cursor.fail("an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
  }
}

void read_string(TextCursor& cursor, std::string& out) {
  CORRIDOR_ASSERT(cursor.peek() == '"');
  cursor.next();
  for (;;) {
    if (cursor.at_end() || cursor.peek() == '\n') cursor.fail("a closing '\"'");
    const char c = cursor.peek();
    if (static_cast<unsigned char>(c) < 0x20) cursor.fail("a character (control characters must be escaped)");
    cursor.next();
    if (c == '"') return;
    if (c == '\\') read_escape(cursor, out);
    else out += c;
  }
}

void read_literal(TextCursor& cursor, std::string_view word) {
  for (const char c : word) {
    if (cursor.peek() != c) cursor.fail("a JSON value (null, true, false, a number, a string, [ or {)");
    cursor.next();
  }
}

void read_number(TextCursor& cursor, Datum& datum) {
  const std::size_t start = cursor.position();
  auto digits = [&] {
    if (cursor.peek() < '0' || cursor.peek() > '9') cursor.fail("a digit");
    while (cursor.peek() >= '0' && cursor.peek() <= '9') cursor.next();
  };
  if (cursor.peek() == '-') cursor.next();
  if (cursor.peek() == '0') cursor.next();
  else digits();
  bool integral = true;
  if (cursor.peek() == '.') {
    cursor.next();
    digits();
    integral = false;
  }
  if (cursor.peek() == 'e' || cursor.peek() == 'E') {
    cursor.next();
    if (cursor.peek() == '+' || cursor.peek() == '-') cursor.next();
    digits();
    integral = false;
  }
  const std::string_view text = cursor.slice(start);
  if (integral) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), datum.integer);
    if (error == std::errc{} && end == text.data() + text.size()) {
      datum.kind = Datum::Kind::integer;
      return;
    }
  }
  datum.kind = Datum::Kind::real;
  datum.text = text;
}

template <class ReadItem>
void read_sequence(TextCursor& cursor, char close, ReadItem read_item) {
  cursor.next();
  skip_json_space(cursor);
  if (cursor.peek() == close) {
    cursor.next();
    return;
  }
  for (;;) {
    read_item();
    skip_json_space(cursor);
    if (cursor.peek() == close) {
      cursor.next();
      return;
    }
    if (cursor.peek() != ',') cursor.fail(std::string("',' or '") + close + "'");
    cursor.next();
    skip_json_space(cursor);
  }
}

}  // namespace

void skip_json_space(TextCursor& cursor) { cursor.skip_blanks(); }

Datum read_json(TextCursor& cursor, std::uint32_t depth) {
  if (depth > json_depth_max) cursor.fail("at most 64 levels of nesting");
  Datum datum;
  datum.line = cursor.line();
  datum.column = cursor.column();
  switch (cursor.peek()) {
    case '{':
      datum.kind = Datum::Kind::map;
      read_sequence(cursor, '}', [&] {
        if (cursor.peek() != '"') cursor.fail("a string as the member name");
        Datum key;
        key.kind = Datum::Kind::string;
        key.line = cursor.line();
        key.column = cursor.column();
        read_string(cursor, key.text);
        skip_json_space(cursor);
        if (cursor.peek() != ':') cursor.fail("':'");
        cursor.next();
        skip_json_space(cursor);
        datum.items.push_back(std::move(key));
        datum.items.push_back(read_json(cursor, depth + 1));
      });
      return datum;
    case '[':
      datum.kind = Datum::Kind::list;
      read_sequence(cursor, ']', [&] { datum.items.push_back(read_json(cursor, depth + 1)); });
      return datum;
    case '"':
      datum.kind = Datum::Kind::string;
      read_string(cursor, datum.text);
      return datum;
    case 'n': read_literal(cursor, "null"); return datum;
    case 't':
      read_literal(cursor, "true");
      datum.kind = Datum::Kind::boolean;
      datum.boolean = true;
      return datum;
    case 'f':
      read_literal(cursor, "false");
      datum.kind = Datum::Kind::boolean;
      return datum;
    default:
      if (cursor.peek() == '-' || (cursor.peek() >= '0' && cursor.peek() <= '9')) {
        read_number(cursor, datum);
        return datum;
      }
      cursor.fail("a JSON value (null, true, false, a number, a string, [ or {)");
  }
}

}  // namespace corridor::lincheck
