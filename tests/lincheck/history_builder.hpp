#pragma once
// Builds histories in tests the way a simulated client records them: invoke, then ok / fail / info.
#include <string>
#include <utility>

#include "invariants/lincheck/lincheck.hpp"
#include "model/history.hpp"

namespace corridor::lincheck::test {

class HistoryBuilder {
 public:
  HistoryBuilder& invoke(std::uint32_t process, std::string f, HistoryValue value = {}, std::string key = {}) {
    return add(process, OpType::invoke, std::move(f), std::move(value), std::move(key));
  }
  HistoryBuilder& ok(std::uint32_t process, std::string f, HistoryValue value = {}, std::string key = {}) {
    return add(process, OpType::ok, std::move(f), std::move(value), std::move(key));
  }
  HistoryBuilder& fail(std::uint32_t process, std::string f, HistoryValue value = {}, std::string key = {}) {
    return add(process, OpType::fail, std::move(f), std::move(value), std::move(key));
  }
  HistoryBuilder& info(std::uint32_t process, std::string f, HistoryValue value = {}, std::string key = {}) {
    return add(process, OpType::info, std::move(f), std::move(value), std::move(key));
  }
  // A whole operation with nothing concurrent to it.
  HistoryBuilder& op(std::uint32_t process, const std::string& f, HistoryValue in, HistoryValue out, std::string key = {}) {
    invoke(process, f, std::move(in), key);
    return ok(process, f, std::move(out), std::move(key));
  }

  const History& history() const { return history_; }

 private:
  HistoryBuilder& add(std::uint32_t process, OpType type, std::string f, HistoryValue value, std::string key) {
    HistoryEvent event;
    event.process = process;
    event.type = type;
    event.f = std::move(f);
    event.key = std::move(key);
    event.value = std::move(value);
    event.true_time_ns = static_cast<time_ns>(history_.size());
    history_.push_back(std::move(event));
    return *this;
  }

  History history_;
};

inline LinVerdict check(const History& history, const std::string& model, bool prune = true) {
  LincheckOptions options;
  options.model = model;
  options.prune = prune;
  options.threads = 1;
  return check_history(history, options).verdict;
}

// A history that takes the search 2^n configurations to reject: n concurrent adds to a set, then
// a read that sees none of them.
inline History exponential_set_history(std::uint32_t n) {
  HistoryBuilder h;
  for (std::uint32_t p = 0; p < n; ++p) h.invoke(p, "add", std::int64_t{p});
  for (std::uint32_t p = 0; p < n; ++p) h.ok(p, "add", std::int64_t{p});
  h.op(n, "read", {}, std::vector<std::int64_t>{});
  return h.history();
}

inline std::vector<std::int64_t> pair(std::int64_t a, std::int64_t b) { return {a, b}; }

}  // namespace corridor::lincheck::test
