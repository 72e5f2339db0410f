#include "model/history.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace corridor {

const char* to_string(OpType type) {
  switch (type) {
    case OpType::invoke: return "invoke";
    case OpType::ok: return "ok";
    case OpType::fail: return "fail";
    case OpType::info: return "info";
  }
  return "?";
}

std::string format_history_value(const HistoryValue& value) {
  struct Formatter {
    std::string operator()(std::monostate) const { return "nil"; }
    std::string operator()(std::int64_t v) const { return fmt::format("{}", v); }
    std::string operator()(const std::string& v) const { return fmt::format("\"{}\"", v); }
    std::string operator()(const std::vector<std::int64_t>& v) const { return fmt::format("[{}]", fmt::join(v, " ")); }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += fmt::format("{}\"{}\"", i == 0 ? "" : " ", v[i]);
      return out + "]";
    }
  };
  return std::visit(Formatter{}, value);
}

}  // namespace corridor
