#pragma once
// One key of a key-value store: get, put, append, cas, delete (the Porcupine kv histories). The
// checker splits a kv history by key and checks each key with this model (P-compositionality);
// MapModel<KvModel> checks the whole map as one state instead. Values are compared as text, so an
// integer 3 and the string "3" are the same value. A get that returns "" also matches an absent
// key (the Porcupine logs write "" for both); a get that returns nil matches only an absent key.
//
// A value is a node of a trie of the pieces appended to it, never a string: an append is one
// table lookup, however long the value grows, and a get compares the observed text with the
// pieces from the end, once per (value, get). Two nodes may spell the same text (append "a" then
// "b", or append "ab"); they are then two states, which costs the memo some sharing, never a
// wrong verdict, because a get compares text.
#include <algorithm>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "invariants/lincheck/flat_table.hpp"
#include "invariants/lincheck/models/model.hpp"

namespace corridor::lincheck {

class KvModel {
 public:
  using State = std::uint32_t;  // a trie node: 0 absent, 1 present and empty
  static constexpr std::string_view name = "kv";
  enum Function : std::uint8_t { get, put, append, cas, remove };

  explicit KvModel(const ValueCodec& codec) : codec_(&codec) {
    nodes_.push_back(Node{absent, nil_code, 0, 0});
    nodes_.push_back(Node{absent, nil_code, 0, 0});
  }
  KvModel(const KvModel& other) = default;
  KvModel(KvModel&&) = default;

  State initial() const { return absent; }
  std::uint64_t hash(const State& state) const { return mix64(state); }
  std::string describe(const State& state) const {
    return state == absent ? std::string("absent") : fmt::format("\"{}\"", text(state));
  }

  bool step(const State& state, const Operation& op, State& next) const {
    switch (op.function) {
      case get: next = state; return reads(state, op.output);
      case put: next = child(empty, op.input1); return true;
      case append: next = child(state == absent ? empty : state, op.input1); return true;
      case remove: next = absent; return true;
      default: {
        const bool match = op.input1 == nil_code ? state == absent : reads_present(state, op.input1);
        next = match ? child(empty, op.input2) : state;
        if (op.outcome == Outcome::ok) return match;
        if (op.outcome == Outcome::fail) return !match;
        return true;
      }
    }
  }

  static bool preserves_state(const Operation& op) {
    return op.function == get || (op.function == cas && op.outcome == Outcome::fail);
  }

  static bool compile(const OperationEvents& events, ValueCodec& codec, Operation& op) {
    const std::string& f = events.call.f;
    if (f == "get" || f == "read") {
      op.function = get;
      if (events.outcome != Outcome::ok || events.unknown_nil_result()) return false;
      op.output = codec.scalar(events.completion->value);
      return true;
    }
    if (f == "cas") {
      op.function = cas;
      compile_pair(events.call.value, codec, op);
      return true;
    }
    if (f == "put" || f == "write") op.function = put;
    else if (f == "append") op.function = append;
    else if (f == "delete" || f == "remove") op.function = remove;
    else unknown_function(name, f);
    op.input1 = codec.scalar(events.call.value);
    return events.outcome != Outcome::fail;
  }

  static std::string describe(const Operation& op, const ValueCodec& codec) {
    switch (op.function) {
      case get: return fmt::format("get -> {}", codec.describe(op.output));
      case put: return fmt::format("put {}", codec.describe(op.input1));
      case append: return fmt::format("append {}", codec.describe(op.input1));
      case remove: return "delete";
      default:
        return fmt::format("cas {} -> {}{}", codec.describe(op.input1), codec.describe(op.input2),
                           op.outcome == Outcome::fail ? " (failed: value differed)" : "");
    }
  }

  // Between resets (put, cas, delete) a value only grows, so a get fits later only if the current
  // value is a prefix of what it returned, unless a reset that could lead there (a delete, or a
  // put or cas of a prefix of the text) may still come before the get. At a configuration whose
  // earliest pending return is event `frontier`, every operation that returned before it is
  // linearized, so such resets are those invoked before the get returned and returning at or
  // after `frontier` (or never). prepare() finds, per get, the latest return of such a reset.
  void prepare(std::span<const Operation> ops) {
    reset_return_max_.assign(ops.size(), 0);
    children_.reserve(ops.size());
    std::vector<std::uint32_t> resets;  // by call
    for (std::uint32_t i = 0; i < ops.size(); ++i) {
      if (ops[i].function == put || ops[i].function == cas || ops[i].function == remove) resets.push_back(i);
    }
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].function != get) continue;
      for (const std::uint32_t r : resets) {
        if (ops[r].call_event >= ops[i].return_event) break;
        if (may_lead_to(ops[r], ops[i].output)) reset_return_max_[i] = std::max(reset_return_max_[i], ops[r].return_event);
      }
    }
  }

  static bool watches(const Operation& op) { return op.function == get; }

  bool may_fit_later(const State& state, const Operation& op, std::uint32_t op_index, std::uint32_t frontier) const {
    if (op.function != get || reset_return_max_[op_index] >= frontier) return true;
    if (op.output == nil_code) return state == absent;
    if (state == absent) return true;
    return prefix_of(state, op.output);
  }

  std::size_t bytes() const { return nodes_.capacity() * sizeof(Node) + children_.bytes() + prefixes_.bytes() + prefix_hash_slot_.capacity() * 4 + reset_return_max_.capacity() * 4; }

 private:
  // Whether after `reset` (and appends) a get could return `output`.
  bool may_lead_to(const Operation& reset, ValueCode output) const {
    if (reset.function == remove) return true;
    if (output == nil_code) return false;
    const std::string_view written = codec_->text_of(reset.function == put ? reset.input1 : reset.input2);
    return codec_->text_of(output).starts_with(written);
  }

  static constexpr State absent = 0;
  static constexpr State empty = 1;
  struct Node {
    State parent;
    ValueCode piece;
    std::uint64_t length;
    std::uint64_t hash;  // polynomial hash of the text (see text_hash)
  };

  // Polynomial hashing of texts modulo 2^64: h(a + b) = h(a) * base^|b| + h(b).
  static constexpr std::uint64_t hash_base = 0x9e3779b97f4a7c15ULL | 1;
  static std::uint64_t extend_hash(std::uint64_t hash, std::string_view piece) {
    for (const char c : piece) hash = hash * hash_base + static_cast<unsigned char>(c) + 1;
    return hash;
  }

  // The hashes of every prefix of a value's text (index: length), computed once per value.
  const std::vector<std::uint64_t>& text_prefix_hashes(ValueCode value) const {
    const auto code = static_cast<std::size_t>(value);
    if (code >= prefix_hash_slot_.size()) prefix_hash_slot_.resize(std::max(code + 1, codec_->size()), no_slot);
    if (prefix_hash_slot_[code] != no_slot) return prefix_hashes_[prefix_hash_slot_[code]];
    const std::string_view text = codec_->text_of(value);
    std::vector<std::uint64_t> hashes(text.size() + 1, 0);
    for (std::size_t i = 0; i < text.size(); ++i) hashes[i + 1] = hashes[i] * hash_base + static_cast<unsigned char>(text[i]) + 1;
    prefix_hash_slot_[code] = static_cast<std::uint32_t>(prefix_hashes_.size());
    prefix_hashes_.push_back(std::move(hashes));
    return prefix_hashes_.back();
  }

  static std::uint64_t pair_key(State node, ValueCode code) {
    return (std::uint64_t{node} << 32) | static_cast<std::uint32_t>(code);
  }

  State child(State parent, ValueCode piece) const {
    const std::uint64_t key = pair_key(parent, piece);
    if (const std::uint32_t* found = children_.find(key)) return *found;
    const auto id = static_cast<State>(nodes_.size());
    const std::string_view text = codec_->text_of(piece);
    nodes_.push_back(Node{parent, piece, nodes_[parent].length + text.size(), extend_hash(nodes_[parent].hash, text)});
    children_.insert(key, id);
    return id;
  }

  bool reads(State state, ValueCode output) const {
    if (output == nil_code) return state == absent;
    if (state == absent) return codec_->text_of(output).empty();
    return reads_present(state, output);
  }

  bool reads_present(State state, ValueCode value) const {
    if (state == absent) return false;
    const std::vector<std::uint64_t>& hashes = text_prefix_hashes(value);
    if (nodes_[state].length + 1 != hashes.size() || nodes_[state].hash != hashes.back()) return false;  // differ
    // Equal hashes: compare the pieces from the end, up to an ancestor known to be a prefix.
    const std::string_view text = codec_->text_of(value);
    for (State node = state; node != empty; node = nodes_[node].parent) {
      if (const std::uint32_t* found = prefixes_.find(pair_key(node, value))) return *found != 0;
      const std::string_view piece = codec_->text_of(nodes_[node].piece);
      if (text.compare(nodes_[nodes_[node].parent].length, piece.size(), piece) != 0) return false;
    }
    return true;
  }

  // Whether the text of node `state` (not absent) is a prefix of the text of `value`. Exact: a hash
  // that differs proves it is not; otherwise the pieces are compared, walking up only to the
  // nearest ancestor already known to be a prefix (memoised), so a value that grows one append
  // at a time costs one piece comparison per append.
  bool prefix_of(State state, ValueCode value) const {
    const std::vector<std::uint64_t>& hashes = text_prefix_hashes(value);
    if (nodes_[state].length >= hashes.size() || nodes_[state].hash != hashes[nodes_[state].length]) return false;
    path_.clear();
    bool known = true;  // the text of the node where the walk stopped is a prefix
    for (State node = state; node != empty; node = nodes_[node].parent) {
      if (const std::uint32_t* found = prefixes_.find(pair_key(node, value))) {
        known = *found != 0;
        break;
      }
      path_.push_back(node);
    }
    const std::string_view text = codec_->text_of(value);
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      const Node& node = nodes_[*it];
      const std::string_view piece = codec_->text_of(node.piece);
      const std::uint64_t start = nodes_[node.parent].length;
      known = known && node.length <= text.size() && text.compare(start, piece.size(), piece) == 0;
      prefixes_.insert(pair_key(*it, value), known ? 1 : 0);
    }
    return known;
  }

  std::string text(State state) const {
    std::vector<std::string_view> pieces;
    for (State node = state; node != empty && node != absent; node = nodes_[node].parent) {
      pieces.push_back(codec_->text_of(nodes_[node].piece));
    }
    std::string out;
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) out += *it;
    return out;
  }

  const ValueCodec* codec_;
  mutable std::vector<Node> nodes_;
  mutable FlatTable64 children_;
  mutable FlatTable64 prefixes_;                   // (node, value) -> is the node's text a prefix
  mutable std::vector<State> path_;               // scratch of prefix_of
  static constexpr std::uint32_t no_slot = ~std::uint32_t{0};
  mutable std::vector<std::uint32_t> prefix_hash_slot_;         // value code -> prefix_hashes_ index
  mutable std::deque<std::vector<std::uint64_t>> prefix_hashes_;  // stable references
  std::vector<std::uint32_t> reset_return_max_;  // per operation of the partition (gets only)
};

}  // namespace corridor::lincheck
