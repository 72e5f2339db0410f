#pragma once
// An immutable string whose copies share one buffer. A lock-sequence command's value is copied
// into every Accept, Decide, durable entry, log entry, cell and reply it reaches; as std::string
// each copy of a value past 15 characters was an allocation and a memcpy, as SharedText it is a
// reference count. It hashes, prints and compares as the std::string it holds (reflected(),
// model/reflect.hpp), so traces, digests and the "decide" notes' hashes read exactly as they did
// when the fields were std::string.
//
// The count is std::shared_ptr's, atomic: a value never leaves its run, but nothing here has to
// prove that for it to be safe.
#include <memory>
#include <string>
#include <utility>

namespace corridor::protocols {

class SharedText {
 public:
  SharedText() = default;
  // Implicit, as std::string's own constructors are: a field that was a std::string still takes
  // a string literal or a std::string.
  SharedText(std::string text)  // NOLINT(google-explicit-constructor)
      : text_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}  // NOLINT(google-explicit-constructor)

  const std::string& reflected() const { return text_ ? *text_ : empty_text(); }
  const std::string& str() const { return reflected(); }
  bool empty() const { return text_ == nullptr; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.text_ == b.text_ || a.str() == b.str(); }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }

 private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  // Null for the empty string, so that default values (a get's operands, a missing cell) cost
  // nothing to make or copy.
  std::shared_ptr<const std::string> text_;
};

}  // namespace corridor::protocols
