#include "protocols/co_multi_paxos_kv/lock_sequence.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <span>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"

namespace corridor::protocols {

namespace {

// A history longer than this is a defect of the workload, not something to check slowly.
constexpr std::size_t tokens_max = 1u << 16;

// Into `tokens` (cleared first): a buffer the caller reuses, so that checking every read and
// write of the sequence allocates only while the longest value so far grows.
void split_tokens(std::string_view text, std::vector<std::string_view>& tokens) {
  tokens.clear();
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view token = text.substr(0, space);
    if (!token.empty()) tokens.push_back(token);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    CORRIDOR_ASSERT(tokens.size() <= tokens_max);
  }
}

// "c2r3" -> {2, 3}; nullopt for text the workload never writes.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_token(std::string_view token) {
  const std::size_t r = token.find('r');
  if (token.size() < 4 || token[0] != 'c' || r == std::string_view::npos || r < 2) return std::nullopt;
  const auto number = [](std::string_view digits) -> std::optional<std::uint32_t> {
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
    return value;
  };
  const auto client = number(token.substr(1, r - 1));
  const auto round = number(token.substr(r + 1));
  if (!client || !round) return std::nullopt;
  return std::pair{*client, *round};
}

// What is wrong with one value of the sequence, given the tokens whose puts completed before it
// was read (in completion order); nullopt when nothing is.
// Every read and write of the sequence is checked, so this runs a few hundred times a run: the
// positions are a sorted vector, not a map (one node per token), and every buffer is reused from
// one value to the next.
class ValueCheck {
 public:
  std::optional<std::string> fault_in(std::string_view text, std::span<const std::string> completed) {
    split_tokens(text, tokens_);
    position_.clear();  // (token, index), by token then index
    for (std::size_t i = 0; i < tokens_.size(); ++i) position_.emplace_back(tokens_[i], i);
    std::sort(position_.begin(), position_.end());
    // The first token that repeats an earlier one, reported where a left-to-right scan meets it.
    std::size_t first_repeat = tokens_.size();
    for (std::size_t k = 1; k < position_.size(); ++k) {
      if (position_[k].first == position_[k - 1].first) first_repeat = std::min(first_repeat, position_[k].second);
    }
    last_round_.clear();  // (client, its last round so far): a handful of clients, scanned
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      if (i == first_repeat) return fmt::format("holds {} twice: a write executed twice", tokens_[i]);
      const auto parsed = parse_token(tokens_[i]);
      if (!parsed) return fmt::format("holds {}, which no client writes", tokens_[i]);
      const auto it = std::find_if(last_round_.begin(), last_round_.end(), [&](const auto& e) { return e.first == parsed->first; });
      if (it == last_round_.end()) {
        last_round_.push_back(*parsed);
        continue;
      }
      if (it->second >= parsed->second) {
        return fmt::format("holds {} after round {} of the same client: writes reordered", tokens_[i], it->second);
      }
      it->second = parsed->second;
    }
    std::size_t previous = 0;
    for (std::size_t j = 0; j < completed.size(); ++j) {
      const std::string_view token = completed[j];
      const auto it = std::lower_bound(position_.begin(), position_.end(), std::pair{token, std::size_t{0}});
      if (it == position_.end() || it->first != token) return fmt::format("lacks {}, whose put had completed: a write was lost", completed[j]);
      if (j > 0 && it->second < previous) {
        return fmt::format("holds {} before {}, whose put completed first: writes reordered", completed[j], completed[j - 1]);
      }
      previous = it->second;
    }
    return std::nullopt;
  }
  // The tokens of the value fault_in saw last.
  const std::vector<std::string_view>& tokens() const { return tokens_; }

 private:
  std::vector<std::string_view> tokens_;
  std::vector<std::pair<std::string_view, std::size_t>> position_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> last_round_;
};

struct Open {
  std::size_t index = 0;          // of the invoke event
  std::size_t completed = 0;      // puts of the sequence completed before it
};

class LockSequence {
 public:
  explicit LockSequence(std::string key) : key_(std::move(key)) {}

  std::optional<Violation> check(const History& history) {
    std::map<std::uint32_t, Open> open;
    for (std::size_t i = 0; i < history.size(); ++i) {
      const HistoryEvent& e = history[i];
      if (e.key != key_) continue;
      if (e.type == OpType::invoke) {
        open[e.process] = Open{i, completed_.size()};
        continue;
      }
      const auto o = open.find(e.process);
      if (o == open.end() || e.type != OpType::ok) continue;
      const HistoryEvent& call = history[o->second.index];
      if (auto v = check_completion(call, e, o->second)) {
        v->operations = {o->second.index, i};
        return v;
      }
      open.erase(o);
    }
    return std::nullopt;
  }

 private:
  std::optional<Violation> check_completion(const HistoryEvent& call, const HistoryEvent& done, const Open& o) {
    const std::span<const std::string> before(completed_.data(), o.completed);
    if (done.f == "get") {
      const auto* text = std::get_if<std::string>(&done.value);
      if (auto fault = values_.fault_in(text ? *text : std::string_view{}, before)) return violation(call, done, "read", *fault);
      return std::nullopt;
    }
    if (done.f != "put") return std::nullopt;
    const auto* text = std::get_if<std::string>(&call.value);
    const std::string_view written = text ? std::string_view(*text) : std::string_view{};
    if (auto fault = values_.fault_in(written, before)) return violation(call, done, "written", *fault);
    const std::vector<std::string_view>& tokens = values_.tokens();
    if (const auto* version = std::get_if<std::int64_t>(&done.value);
        version && static_cast<std::size_t>(*version) != tokens.size()) {
      return violation(call, done, "written",
                       fmt::format("came back as version {} of {}, but holds {} tokens: a write executed twice", *version,
                                   key_, tokens.size()));
    }
    if (!tokens.empty()) completed_.emplace_back(tokens.back());
    return std::nullopt;
  }

  Violation violation(const HistoryEvent& call, const HistoryEvent& done, const char* how, const std::string& fault) const {
    Violation v;
    v.invariant = "lock-sequence";
    v.message = fmt::format("the {} {} by client {} ({} from {} to {}) {}", key_, how, call.process, done.f,
                            invariants::time_text(call.true_time_ns), invariants::time_text(done.true_time_ns), fault);
    return v;
  }

  std::string key_;
  ValueCheck values_;
  std::vector<std::string> completed_;  // the token of each completed put, in completion order
};

}  // namespace

std::string lock_sequence_token(std::uint32_t client, std::uint32_t round) { return fmt::format("c{}r{}", client, round); }

HistoryChecker lock_sequence_checker(std::string sequence_key) {
  return HistoryChecker{"lock-sequence", [key = std::move(sequence_key)](const History& history) {
                          return LockSequence(key).check(history);
                        }};
}

}  // namespace corridor::protocols
