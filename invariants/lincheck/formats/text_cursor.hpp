#pragma once
// A read position in a text with its line and column, for hand-written parsers that must say
// where a file is malformed and what was expected there ("file:line:column: expected ...").
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "model/verdict.hpp"

namespace corridor::lincheck {

class TextCursor {
 public:
  TextCursor(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  char peek_at(std::size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  char next() {
    const char c = text_[pos_++];
    if (c == '\n') {
      line_++;
      line_start_ = pos_;
    }
    return c;
  }
  std::size_t position() const { return pos_; }
  std::string_view slice(std::size_t from) const { return text_.substr(from, pos_ - from); }
  std::uint32_t line() const { return line_; }
  std::uint32_t column() const { return static_cast<std::uint32_t>(pos_ - line_start_ + 1); }
  const std::string& source() const { return source_; }

  // Skips spaces and tabs (and carriage returns), not newlines.
  void skip_blanks() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r')) next();
  }

  [[noreturn]] void fail(std::string_view expected) const { fail_at(line_, column(), expected); }
  [[noreturn]] void fail_at(std::uint32_t line, std::uint32_t column, std::string_view expected) const {
    throw InputError(fmt::format("{}:{}:{}: expected {}, found {}", source_, line, column, expected, found()));
  }

 private:
  std::string found() const {
    if (at_end()) return "the end of the file";
    const char c = peek();
    if (c == '\n') return "the end of the line";
    if (static_cast<unsigned char>(c) < 0x20) return fmt::format("the control character 0x{:02x}", c);
    std::size_t end = pos_;
    while (end < text_.size() && end - pos_ < 12 && text_[end] != '\n' && text_[end] != '\r') end++;
    return fmt::format("'{}'", text_.substr(pos_, end - pos_));
  }

  std::string_view text_;
  std::string source_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
};

}  // namespace corridor::lincheck
