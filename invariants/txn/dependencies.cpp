#include "invariants/txn/dependencies.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "invariants/lincheck/micro_op.hpp"
#include "model/assert.hpp"

namespace corridor::txn {

const char* to_string(EdgeKind kind) { return kind == ww ? "ww" : kind == wr ? "wr" : "rw"; }

std::string txn_name(std::uint32_t index) { return fmt::format("T{}", index + 1); }

namespace {

using ValueKey = std::pair<std::string, std::int64_t>;

// Who wrote (or appended) each value of each key, and each transaction's writes of each key in order.
struct Writers {
  std::map<ValueKey, std::uint32_t> of_value;
  std::map<std::pair<std::uint32_t, std::string>, std::vector<std::int64_t>> of_txn;  // (txn, key) -> values
  std::map<std::string, std::vector<std::uint32_t>> of_key;  // key -> writing transactions, each once

  const std::vector<std::int64_t>& values(std::uint32_t txn, const std::string& key) const {
    static const std::vector<std::int64_t> none;
    const auto it = of_txn.find({txn, key});
    return it == of_txn.end() ? none : it->second;
  }
};

Writers index_writers(const Transactions& in) {
  Writers w;
  for (std::uint32_t t = 0; t < in.transactions.size(); ++t) {
    for (const Mop& mop : in.transactions[t].mops) {
      if (mop.f == Mop::F::read) continue;
      w.of_value.emplace(ValueKey{mop.key, mop.value}, t);  // unique: parse_transactions checked
      std::vector<std::int64_t>& mine = w.of_txn[{t, mop.key}];
      if (mine.empty()) w.of_key[mop.key].push_back(t);
      mine.push_back(mop.value);
    }
  }
  return w;
}

// What a committed transaction saw of others on one key: its first read of the key before its own
// writes (register), or any read with its own earlier appends taken off the end (list-append).
struct ExternalRead {
  std::uint32_t txn = 0;
  std::string key;
  bool nil = false;                 // register: read the initial value
  std::int64_t value = 0;           // register
  std::vector<std::int64_t> list;   // list-append
};

std::string list_text(const std::vector<std::int64_t>& list) { return lincheck::micro_list_text(list); }

class Inference {
 public:
  explicit Inference(const Transactions& in) : in_(in), writers_(index_writers(in)) {
    out_.vertices = in.transactions.size();
    in_graph_.assign(in.transactions.size(), false);
  }

  Dependencies run() {
    const bool lists = in_.model == TxnModel::list_append;
    for (std::uint32_t t = 0; t < in_.transactions.size(); ++t) {
      if (in_.transactions[t].status == TxnStatus::committed) lists ? list_reads(t) : register_reads(t);
    }
    for (const ExternalRead& read : reads_) lists ? check_list_read(read) : check_register_read(read);
    for (std::uint32_t t = 0; t < in_graph_.size(); ++t) {
      in_graph_[t] = in_graph_[t] || in_.transactions[t].status == TxnStatus::committed;
    }
    if (lists) {
      list_version_orders();
      for (const ExternalRead& read : reads_) list_edges(read);
      list_lost_updates();
    } else {
      register_version_tree();
      lost_updates();
      for (const ExternalRead& read : reads_) register_edges(read);
    }
    return std::move(out_);
  }

 private:
  void anomaly(std::string name, std::vector<std::uint32_t> txns, const std::string& why) {
    std::string sentence = fmt::format("{} ({}): {}", name, gloss(name), why);
    out_.anomalies.push_back(Anomaly{std::move(name), std::move(txns), {}, std::move(sentence)});
  }

  bool write_a_common_key(std::uint32_t a, std::uint32_t b) const {
    for (const Mop& mop : in_.transactions[a].mops) {
      if (mop.f != Mop::F::read && !writers_.values(b, mop.key).empty()) return true;
    }
    return false;
  }

  static const char* gloss(std::string_view name) {
    if (name == "G1a") return "aborted read";
    if (name == "G1b") return "intermediate read";
    if (name == "internal") return "a transaction disagrees with itself";
    if (name == "incompatible-order") return "no one order of appends explains the reads";
    if (name == "duplicate-elements") return "a list holds an append twice";
    if (name == "lost-update") return "two transactions overwrote the same version";
    return "a read of a value never written";
  }

  // `why` makes the reason's text, only for the first edge of its kind between the two: a long
  // list read gives one wr edge per element, mostly to the same few writers.
  template <class Why>
  void edge(std::uint32_t from, std::uint32_t to, EdgeKind kind, Why why) {
    if (from == to || !in_graph_[from] || !in_graph_[to]) return;
    std::uint8_t& kinds = out_.edges[{from, to}];
    if (kinds & kind) return;
    kinds |= kind;
    if (kind == rw && write_a_common_key(from, to)) kinds |= rw_between_writers;
    out_.reasons.emplace(std::pair{std::pair{from, to}, std::uint8_t{kind}}, why());
  }

  // ---- list-append ----

  // Every read of a key by one transaction must be the same list S of others' appends followed by
  // its own appends so far; S is its external read.
  void list_reads(std::uint32_t t) {
    std::map<std::string, std::vector<std::int64_t>> own;
    std::map<std::string, std::vector<std::int64_t>> seen;
    std::set<std::string> broken;
    for (const Mop& mop : in_.transactions[t].mops) {
      if (mop.f == Mop::F::append) own[mop.key].push_back(mop.value);
      if (mop.f != Mop::F::read || !mop.known || broken.count(mop.key)) continue;
      const std::vector<std::int64_t>& mine = own[mop.key];
      if (std::set<std::int64_t>(mop.list.begin(), mop.list.end()).size() != mop.list.size()) {
        anomaly("duplicate-elements", {t}, fmt::format("{} read {} {}, which holds a value twice", txn_name(t), mop.key, list_text(mop.list)));
        broken.insert(mop.key);
        continue;
      }
      if (mop.list.size() < mine.size() || !std::equal(mine.begin(), mine.end(), mop.list.end() - static_cast<std::ptrdiff_t>(mine.size()))) {
        anomaly("internal", {t}, fmt::format("{} read {} {} after appending {} to it itself", txn_name(t), mop.key,
                                             list_text(mop.list), list_text(mine)));
        broken.insert(mop.key);
        continue;
      }
      full_reads_[mop.key].emplace_back(t, mop.list);
      std::vector<std::int64_t> external(mop.list.begin(), mop.list.end() - static_cast<std::ptrdiff_t>(mine.size()));
      const auto [it, first] = seen.emplace(mop.key, external);
      if (first) {
        reads_.push_back(ExternalRead{t, mop.key, false, 0, std::move(external)});
      } else if (it->second != external) {
        anomaly("internal", {t}, fmt::format("{} read {} as {} and later as {}, with only its own appends {} between",
                                             txn_name(t), mop.key, list_text(it->second), list_text(mop.list), list_text(mine)));
        broken.insert(mop.key);
      }
    }
  }

  // The writer of a value a committed read saw: unknown, aborted (G1a), or one that must have committed.
  std::optional<std::uint32_t> observed_writer(const ExternalRead& read, std::int64_t value, const std::string& shown) {
    const auto it = writers_.of_value.find({read.key, value});
    if (it == writers_.of_value.end()) {
      anomaly("unwritten-read", {read.txn},
              fmt::format("{} read {} {}, and no transaction wrote {} to {}", txn_name(read.txn), read.key, shown, value, read.key));
      return std::nullopt;
    }
    const std::uint32_t w = it->second;
    if (in_.transactions[w].status == TxnStatus::aborted) {
      anomaly("G1a", {w, read.txn},
              fmt::format("{} read {} {}, and {} was written by {}, which aborted", txn_name(read.txn), read.key, shown,
                          value, txn_name(w)));
      return std::nullopt;
    }
    if (w != read.txn) in_graph_[w] = true;
    return w;
  }

  void check_list_read(const ExternalRead& read) {
    std::set<std::uint32_t> writers;
    for (const std::int64_t v : read.list) {
      if (const auto w = observed_writer(read, v, list_text(read.list))) writers.insert(*w);
    }
    const std::set<std::int64_t> values(read.list.begin(), read.list.end());
    if (writers.count(read.txn)) {  // its own append, seen before it was made
      anomaly("internal", {read.txn}, fmt::format("{} read {} {} before making its own appends {} to it", txn_name(read.txn),
                                                  read.key, list_text(read.list), list_text(writers_.values(read.txn, read.key))));
    }
    for (const std::uint32_t w : writers) {
      const std::vector<std::int64_t>& appended = writers_.values(w, read.key);
      if (w == read.txn || values.count(appended.back())) continue;
      anomaly("G1b", {w, read.txn},
              fmt::format("{} read {} {}, an intermediate state of {}, which appended {} to it", txn_name(read.txn),
                          read.key, list_text(read.list), txn_name(w), list_text(appended)));
    }
  }

  // Each key's reads must be prefixes of its longest; that one orders its appends (ww).
  void list_version_orders() {
    for (const auto& [key, reads] : full_reads_) {
      const auto longest = std::max_element(reads.begin(), reads.end(),
                                            [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
      const std::vector<std::int64_t>& order = longest->second;
      bool compatible = true;
      for (const auto& [reader, list] : reads) {
        if (compatible && !std::equal(list.begin(), list.end(), order.begin())) {
          anomaly("incompatible-order", {reader, longest->first},
                  fmt::format("{} read {} {} and {} read it {}: neither is a prefix of the other", txn_name(reader), key,
                              list_text(list), txn_name(longest->first), list_text(order)));
          compatible = false;
        }
      }
      if (compatible && own_order_kept(key, longest->first, order)) {
        list_ww_edges(key, order);
        orders_.emplace(key, order);
        note_unordered(key, order);
      }
    }
  }

  // A transaction's own appends to a key appear in the read order in the order it made them.
  bool own_order_kept(const std::string& key, std::uint32_t reader, const std::vector<std::int64_t>& order) {
    std::map<std::uint32_t, std::size_t> next;  // writer -> how many of its appends seen so far
    for (const std::int64_t v : order) {
      const auto it = writers_.of_value.find({key, v});
      if (it == writers_.of_value.end()) continue;
      const std::vector<std::int64_t>& mine = writers_.values(it->second, key);
      std::size_t& seen = next[it->second];
      while (seen < mine.size() && mine[seen] != v) seen++;  // bounded by its appends
      if (seen == mine.size()) {
        anomaly("incompatible-order", {reader, it->second},
                fmt::format("{} read {} {}, which puts {}'s appends {} out of the order it made them", txn_name(reader),
                            key, list_text(order), txn_name(it->second), list_text(mine)));
        return false;
      }
    }
    return true;
  }

  void list_ww_edges(const std::string& key, const std::vector<std::int64_t>& order) {
    for (std::size_t i = 1; i < order.size(); ++i) {
      const auto a = writers_.of_value.find({key, order[i - 1]});
      const auto b = writers_.of_value.find({key, order[i]});
      if (a == writers_.of_value.end() || b == writers_.of_value.end()) continue;
      edge(a->second, b->second, ww,
           [&] { return fmt::format("{} appended {} to {} after {}'s {}", txn_name(b->second), order[i], key, txn_name(a->second), order[i - 1]); });
    }
  }

  void list_edges(const ExternalRead& read) {
    for (const std::int64_t v : read.list) {
      const auto it = writers_.of_value.find({read.key, v});
      if (it == writers_.of_value.end()) continue;
      edge(it->second, read.txn, wr, [&] { return fmt::format("{} read {}'s append of {} to {}", txn_name(read.txn), txn_name(it->second), v, read.key); });
    }
    const auto order = orders_.find(read.key);
    if (order != orders_.end()) list_rw_edges_along(read, order->second);
    else list_rw_edges_to_all(read);
  }

  // With the key's order known, R -> the first other writer after what R read stands for R -> every
  // later one: the ww edges along the order lead on from it, and a cycle through them has as many
  // rw edges as one through a direct edge. So the graph stays linear in the reads, not quadratic.
  // Appends no read saw are in no order: R precedes each of their writers directly.
  void list_rw_edges_along(const ExternalRead& read, const std::vector<std::int64_t>& order) {
    CORRIDOR_ASSERT(read.list.size() <= order.size());
    for (std::size_t i = read.list.size(); i < order.size(); ++i) {
      const auto it = writers_.of_value.find({read.key, order[i]});
      if (it == writers_.of_value.end() || it->second == read.txn) continue;
      edge(read.txn, it->second, rw, [&] { return fmt::format("{} read {} {} without {}'s append of {}", txn_name(read.txn), read.key,
                                                 list_text(read.list), txn_name(it->second), order[i]); });
      break;
    }
    const auto unseen = unordered_.find(read.key);
    if (unseen == unordered_.end()) return;
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    for (const std::pair<std::uint32_t, std::int64_t>& unread : unseen->second) {
      const std::uint32_t w = unread.first;
      const std::int64_t v = unread.second;
      edge(read.txn, w, rw, [&] { return fmt::format("{} read {} {} without {}'s append of {}", txn_name(read.txn), read.key,
                                                     list_text(read.list), txn_name(w), v); });
    }
  }

  // Each writer of `key` with an append not in `order`, and its first such append.
  void note_unordered(const std::string& key, const std::vector<std::int64_t>& order) {
    const std::set<std::int64_t> ordered(order.begin(), order.end());
    std::vector<std::pair<std::uint32_t, std::int64_t>>& out = unordered_[key];
    for (const std::uint32_t w : writers_.of_key[key]) {
      for (const std::int64_t v : writers_.values(w, key)) {
        if (ordered.count(v)) continue;
        out.emplace_back(w, v);
        break;
      }
    }
  }

  // R -> the writer of every append to the key that R's read does not hold.
  void list_rw_edges_to_all(const ExternalRead& read) {
    const std::set<std::int64_t> values(read.list.begin(), read.list.end());
    const auto key_writers = writers_.of_key.find(read.key);
    if (key_writers == writers_.of_key.end()) return;
    for (const std::uint32_t w : key_writers->second) {
      for (const std::int64_t v : writers_.values(w, read.key)) {
        if (values.count(v)) continue;
        edge(read.txn, w, rw, [&] { return fmt::format("{} read {} {} without {}'s append of {}", txn_name(read.txn), read.key,
                                          list_text(read.list), txn_name(w), v); });
        break;
      }
    }
  }

  // Two committed transactions that each read a key without the other's append to it, and both
  // appended to it: whichever came second in any serial order would have read the first's append;
  // and as an append writes its key, snapshot isolation's first-committer-wins keeps them from
  // overlapping, so it forbids them too. The graph has only their two rw edges (a G2) when no read
  // orders their appends.
  void list_lost_updates() {
    std::map<std::string, std::vector<const ExternalRead*>> appenders;  // key -> reads of it by its appenders
    for (const ExternalRead& read : reads_) {
      if (!writers_.values(read.txn, read.key).empty()) appenders[read.key].push_back(&read);
    }
    for (const auto& [key, reads] : appenders) {
      for (std::size_t i = 0; i < reads.size(); ++i) {  // pairs of a key's read-then-append transactions
        for (std::size_t j = i + 1; j < reads.size(); ++j) {
          if (misses_appends_of(*reads[i], reads[j]->txn) && misses_appends_of(*reads[j], reads[i]->txn)) {
            anomaly("lost-update", {reads[i]->txn, reads[j]->txn},
                    fmt::format("{} and {} both appended to {}, each after reading it without the other's append ({} "
                                "and {})",
                                txn_name(reads[i]->txn), txn_name(reads[j]->txn), key, list_text(reads[i]->list),
                                list_text(reads[j]->list)));
          }
        }
      }
    }
  }

  bool misses_appends_of(const ExternalRead& read, std::uint32_t writer) const {
    const std::vector<std::int64_t>& appended = writers_.values(writer, read.key);
    return std::none_of(appended.begin(), appended.end(), [&](std::int64_t v) {
      return std::find(read.list.begin(), read.list.end(), v) != read.list.end();
    });
  }

  // ---- rw-register ----

  // Reads of a key before the transaction's own write of it must agree (its external read); reads
  // after must return its own last write.
  void register_reads(std::uint32_t t) {
    std::map<std::string, std::int64_t> own;
    std::map<std::string, const Mop*> seen;
    std::set<std::string> broken;
    for (const Mop& mop : in_.transactions[t].mops) {
      if (mop.f == Mop::F::write) own[mop.key] = mop.value;
      if (mop.f != Mop::F::read || !mop.known || broken.count(mop.key)) continue;
      const auto mine = own.find(mop.key);
      if (mine != own.end()) {
        if (mop.nil || mop.value != mine->second) {
          anomaly("internal", {t}, fmt::format("{} read {} = {} after writing {} to it itself", txn_name(t), mop.key,
                                               register_text(mop), mine->second));
          broken.insert(mop.key);
        }
        continue;
      }
      const auto [it, first] = seen.emplace(mop.key, &mop);
      if (first) {
        reads_.push_back(ExternalRead{t, mop.key, mop.nil, mop.value, {}});
      } else if (it->second->nil != mop.nil || it->second->value != mop.value) {
        anomaly("internal", {t}, fmt::format("{} read {} = {} and then {} with no write of its own between", txn_name(t),
                                             mop.key, register_text(*it->second), register_text(mop)));
        broken.insert(mop.key);
      }
    }
  }

  static std::string register_text(const Mop& mop) { return mop.nil ? "nil" : std::to_string(mop.value); }
  static std::string register_text(const ExternalRead& read) { return read.nil ? "nil" : std::to_string(read.value); }

  void check_register_read(const ExternalRead& read) {
    if (read.nil) return;
    const auto w = observed_writer(read, read.value, "= " + std::to_string(read.value));
    if (!w) return;
    const std::vector<std::int64_t>& written = writers_.values(*w, read.key);
    if (*w == read.txn) {
      anomaly("internal", {read.txn}, fmt::format("{} read {} = {} before writing {} itself", txn_name(read.txn),
                                                  read.key, read.value, read.value));
    } else if (written.back() != read.value) {
      anomaly("G1b", {*w, read.txn},
              fmt::format("{} read {} = {}, an intermediate write of {}, which wrote {} after it", txn_name(read.txn),
                          read.key, read.value, txn_name(*w), written.back()));
    }
  }

  // Each transaction that read v of k and then wrote k installed the version right after v.
  void register_version_tree() {
    for (const ExternalRead& read : reads_) {
      const std::vector<std::int64_t>& written = writers_.values(read.txn, read.key);
      if (written.empty()) continue;
      successors_[{read.key, read.nil, read.nil ? 0 : read.value}].push_back(read.txn);
      external_read_of_.insert({read.txn, read.key});
      if (read.nil) continue;
      const auto w = writers_.of_value.find({read.key, read.value});
      if (w == writers_.of_value.end()) continue;
      edge(w->second, read.txn, ww, [&] { return fmt::format("{} read {} = {} and overwrote {}'s {} with {}", txn_name(read.txn),
                                                read.key, read.value, txn_name(w->second), read.value, written.back()); });
    }
  }

  // Two committed transactions that read one version of a key and both wrote it: whichever came
  // second in any serial order would have read the first's write, and snapshot isolation's
  // first-committer-wins forbids it too.
  void lost_updates() {
    for (const auto& [version, writers] : successors_) {
      std::vector<std::uint32_t> committed;
      for (const std::uint32_t t : writers) {
        if (in_.transactions[t].status == TxnStatus::committed) committed.push_back(t);
      }
      if (committed.size() < 2) continue;
      const auto& [key, nil, value] = version;
      anomaly("lost-update", committed,
              fmt::format("{} and {} both read {} = {} and wrote {}", txn_name(committed[0]), txn_name(committed[1]), key,
                          nil ? std::string("nil") : std::to_string(value), key));
    }
  }

  // The transactions whose version of `read.key` is known to come right after the one `read` saw:
  // those that read it and then wrote the key, and for nil also every writer that never read the
  // key before writing it (nil precedes every version). The versions after those are reached
  // along the ww edges of register_version_tree, with no further rw edge, so direct edges to
  // them would change no cycle's kind: the graph stays linear in the reads.
  std::vector<std::uint32_t> later_writers(const ExternalRead& read) const {
    std::vector<std::uint32_t> out;
    const auto next = successors_.find({read.key, read.nil, read.nil ? 0 : read.value});
    if (next != successors_.end()) out = next->second;
    if (!read.nil) return out;
    const auto all = writers_.of_key.find(read.key);
    if (all == writers_.of_key.end()) return out;
    for (const std::uint32_t t : all->second) {
      if (!external_read_of_.count({t, read.key})) out.push_back(t);
    }
    return out;
  }

  void register_edges(const ExternalRead& read) {
    if (!read.nil) {
      const auto w = writers_.of_value.find({read.key, read.value});
      if (w != writers_.of_value.end()) {
        edge(w->second, read.txn, wr, [&] { return fmt::format("{} read {}'s {} = {}", txn_name(read.txn), txn_name(w->second), read.key, read.value); });
      }
    }
    for (const std::uint32_t t : later_writers(read)) {
      edge(read.txn, t, rw, [&] { return fmt::format("{} read {} = {} before {} wrote {}", txn_name(read.txn), read.key,
                                        register_text(read), txn_name(t), writers_.values(t, read.key).back()); });
    }
  }

  const Transactions& in_;
  Writers writers_;
  Dependencies out_;
  std::vector<bool> in_graph_;
  std::vector<ExternalRead> reads_;
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::vector<std::int64_t>>>> full_reads_;  // list-append
  std::map<std::tuple<std::string, bool, std::int64_t>, std::vector<std::uint32_t>> successors_;   // rw-register
  std::set<std::pair<std::uint32_t, std::string>> external_read_of_;  // (txn, key) it read before writing
  std::map<std::string, std::vector<std::int64_t>> orders_;            // list-append: each ordered key
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::int64_t>>> unordered_;  // and appends not in it
};

}  // namespace

Dependencies infer_dependencies(const Transactions& transactions) {
  Dependencies out = Inference(transactions).run();
  CORRIDOR_ASSERT(out.vertices == transactions.transactions.size());
  return out;
}

}  // namespace corridor::txn
