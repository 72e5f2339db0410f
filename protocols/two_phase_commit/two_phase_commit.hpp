#pragma once
// Two-phase commit as a TLA+-style state machine, action for action Lamport's TwoPhase spec:
// resource managers (RMs) working / prepared / committed / aborted; a transaction manager (TM)
// init / committed / aborted; tmPrepared, the set of RMs the TM knows prepared; and msgs, a set of
// messages (Prepared(rm), Commit, Abort) in which a message stays once sent, so receiving one
// never consumes it. Invariant TCConsistent: no RM committed while another aborted.
//
// Its unique state counts match TLC's and Stateright's exactly (288 with 3 RMs ... 61,515,776 with
// 10), which is how the exhaustive explorer is checked to the last state.
//
// One state is one 64-bit word: per RM a nibble (2 bits RM state, 1 bit "in tmPrepared", 1 bit
// "Prepared(rm) in msgs"), then 2 bits TM state and the Commit and Abort message bits. Up to 15
// RMs fit. The encoding is the word itself.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/assert.hpp"
#include "model/hash_mix.hpp"
#include "model/state_encoder.hpp"
#include "model/violation.hpp"
#include "model/witness.hpp"

namespace corridor::protocols {

class TwoPhaseCommit {
 public:
  static constexpr std::uint32_t rms_max = 15;

  enum class Variant : std::uint8_t {
    correct,
    // Planted bug: the TM commits once all but one RM have prepared (an off-by-one in its count
    // of votes), so the last RM may abort on its own while the others commit.
    commit_without_all_prepared,
  };

  enum RmState : std::uint8_t { working = 0, prepared = 1, committed = 2, aborted = 3 };
  enum TmState : std::uint8_t { tm_init = 0, tm_committed = 1, tm_aborted = 2 };

  enum class Kind : std::uint8_t {
    tm_rcv_prepared,     // TMRcvPrepared(rm)
    tm_commit,           // TMCommit
    tm_abort,            // TMAbort
    rm_prepare,          // RMPrepare(rm)
    rm_choose_to_abort,  // RMChooseToAbort(rm)
    rm_rcv_commit_msg,   // RMRcvCommitMsg(rm)
    rm_rcv_abort_msg,    // RMRcvAbortMsg(rm)
  };

  using State = std::uint64_t;
  struct Action {
    Kind kind = Kind::tm_commit;
    std::uint8_t rm = 0;  // unused by the TM's commit and abort
    friend bool operator==(const Action&, const Action&) = default;
  };

  explicit TwoPhaseCommit(std::uint32_t rms, Variant variant = Variant::correct) : rms_(rms), variant_(variant) {
    CORRIDOR_ASSERT(rms >= 1 && rms <= rms_max);
  }

  std::uint32_t rms() const { return rms_; }

  void initial_states(std::vector<State>& states) const { states.push_back(0); }

  void actions(const State& s, std::vector<Action>& out) const {
    const TmState tm = tm_state(s);
    if (tm == tm_init) {
      for (std::uint32_t rm = 0; rm < rms_; ++rm) {
        if (prepared_msg(s, rm) && !tm_prepared(s, rm)) out.push_back({Kind::tm_rcv_prepared, narrow(rm)});
      }
      if (commit_enabled(s)) out.push_back({Kind::tm_commit, 0});
      out.push_back({Kind::tm_abort, 0});
    }
    for (std::uint32_t rm = 0; rm < rms_; ++rm) {
      if (rm_state(s, rm) == working) {
        out.push_back({Kind::rm_prepare, narrow(rm)});
        out.push_back({Kind::rm_choose_to_abort, narrow(rm)});
      }
      if (s & commit_msg_bit) out.push_back({Kind::rm_rcv_commit_msg, narrow(rm)});
      if (s & abort_msg_bit) out.push_back({Kind::rm_rcv_abort_msg, narrow(rm)});
    }
  }

  State next(const State& s, const Action& a) const {
    switch (a.kind) {
      case Kind::tm_rcv_prepared:
        CORRIDOR_ASSERT(tm_state(s) == tm_init && prepared_msg(s, a.rm));
        return s | (std::uint64_t{4} << (4 * a.rm));
      case Kind::tm_commit:
        CORRIDOR_ASSERT(commit_enabled(s));
        return with_tm(s, tm_committed) | commit_msg_bit;
      case Kind::tm_abort:
        CORRIDOR_ASSERT(tm_state(s) == tm_init);
        return with_tm(s, tm_aborted) | abort_msg_bit;
      case Kind::rm_prepare:
        CORRIDOR_ASSERT(rm_state(s, a.rm) == working);
        return with_rm(s, a.rm, prepared) | (std::uint64_t{8} << (4 * a.rm));
      case Kind::rm_choose_to_abort:
        CORRIDOR_ASSERT(rm_state(s, a.rm) == working);
        return with_rm(s, a.rm, aborted);
      case Kind::rm_rcv_commit_msg:
        CORRIDOR_ASSERT(s & commit_msg_bit);
        return with_rm(s, a.rm, committed);
      case Kind::rm_rcv_abort_msg:
        CORRIDOR_ASSERT(s & abort_msg_bit);
        return with_rm(s, a.rm, aborted);
    }
    CORRIDOR_ASSERT(false);
    return s;
  }

  void encode(const State& s, StateEncoder& encoder) const { encoder.u64(s); }
  // The encoding is the word: its fingerprint is the word through a bijective mixer, so no two
  // states share one, and the table's index bits are well spread.
  std::uint64_t fingerprint(const State& s) const { return mix64(s); }

  // TCConsistent: no RM committed while another aborted.
  std::optional<Violation> check(const State& s) const {
    int committed_rm = -1;
    int aborted_rm = -1;
    for (std::uint32_t rm = 0; rm < rms_; ++rm) {
      if (rm_state(s, rm) == committed && committed_rm < 0) committed_rm = static_cast<int>(rm);
      if (rm_state(s, rm) == aborted && aborted_rm < 0) aborted_rm = static_cast<int>(rm);
    }
    if (committed_rm < 0 || aborted_rm < 0) return std::nullopt;
    Violation v;
    v.invariant = "tc-consistent";
    v.nodes = {static_cast<std::uint32_t>(committed_rm), static_cast<std::uint32_t>(aborted_rm)};
    v.message = "rm" + std::to_string(committed_rm) + " committed while rm" + std::to_string(aborted_rm) +
                " aborted";
    return v;
  }

  // Reachability witnesses: the transaction committed (every RM committed) and aborted (every RM
  // aborted). Both are symmetric in the RMs, as canonicalize needs.
  std::vector<WitnessInfo> witnesses() const {
    return {{"transaction-committed", "every resource manager committed the transaction"},
            {"transaction-aborted", "every resource manager aborted the transaction"}};
  }
  // Word-wide, with no loop over the RMs: the search asks it of every new state until both hold.
  std::uint64_t witnesses_holding(const State& s) const {
    const std::uint64_t nibbles = (std::uint64_t{1} << (4 * rms_)) - 1;
    const std::uint64_t states = s & 0x3333333333333333ULL & nibbles;  // each RM's 2 state bits
    const bool all_committed = states == (0x2222222222222222ULL & nibbles);
    const bool all_aborted = states == (0x3333333333333333ULL & nibbles);
    static_assert(committed == 2 && aborted == 3, "the RM states' codes the masks spell");
    return (all_committed ? 1u : 0u) | (all_aborted ? 2u : 0u);
  }

  // The RMs are nodes 0..n-1; the TM is node n.
  std::uint32_t actor(const Action& a) const {
    switch (a.kind) {
      case Kind::tm_rcv_prepared:
      case Kind::tm_commit:
      case Kind::tm_abort:
        return rms_;
      default:
        return a.rm;
    }
  }

  std::string describe(const Action& a) const {
    const std::string rm = "(rm" + std::to_string(a.rm) + ")";
    switch (a.kind) {
      case Kind::tm_rcv_prepared: return "TMRcvPrepared" + rm;
      case Kind::tm_commit: return "TMCommit";
      case Kind::tm_abort: return "TMAbort";
      case Kind::rm_prepare: return "RMPrepare" + rm;
      case Kind::rm_choose_to_abort: return "RMChooseToAbort" + rm;
      case Kind::rm_rcv_commit_msg: return "RMRcvCommitMsg" + rm;
      case Kind::rm_rcv_abort_msg: return "RMRcvAbortMsg" + rm;
    }
    return "?";
  }

  // The RMs are interchangeable (the spec's symmetry set): the canonical state lists the RMs'
  // nibbles in ascending order. Nothing else in the state names an RM.
  void canonicalize(State& s) const {
    std::array<std::uint8_t, 16> count{};
    for (std::uint32_t rm = 0; rm < rms_; ++rm) count[(s >> (4 * rm)) & 0xF]++;
    State sorted = s & ~rm_bits_mask();
    std::uint32_t at = 0;
    for (std::uint32_t nibble = 0; nibble < 16; ++nibble) {
      for (std::uint8_t k = 0; k < count[nibble]; ++k, ++at) sorted |= State{nibble} << (4 * at);
    }
    CORRIDOR_ASSERT(at == rms_);
    s = sorted;
  }

  // For people and tests: "tm=init rm0=prepared(tm,msg) ..."
  std::string render(const State& s) const;

  static RmState rm_state(State s, std::uint32_t rm) { return static_cast<RmState>((s >> (4 * rm)) & 3); }
  static bool tm_prepared(State s, std::uint32_t rm) { return (s >> (4 * rm + 2)) & 1; }
  static bool prepared_msg(State s, std::uint32_t rm) { return (s >> (4 * rm + 3)) & 1; }
  static TmState tm_state(State s) { return static_cast<TmState>((s >> 60) & 3); }

 private:
  static constexpr std::uint64_t commit_msg_bit = std::uint64_t{1} << 62;
  static constexpr std::uint64_t abort_msg_bit = std::uint64_t{1} << 63;

  static std::uint8_t narrow(std::uint32_t rm) { return static_cast<std::uint8_t>(rm); }
  std::uint64_t rm_bits_mask() const { return rms_ == 16 ? ~std::uint64_t{0} : (std::uint64_t{1} << (4 * rms_)) - 1; }
  static State with_tm(State s, TmState tm) { return (s & ~(std::uint64_t{3} << 60)) | (std::uint64_t{tm} << 60); }
  static State with_rm(State s, std::uint32_t rm, RmState state) {
    return (s & ~(std::uint64_t{3} << (4 * rm))) | (std::uint64_t{state} << (4 * rm));
  }

  std::uint32_t prepared_count(State s) const {
    std::uint32_t count = 0;
    for (std::uint32_t rm = 0; rm < rms_; ++rm) count += tm_prepared(s, rm) ? 1 : 0;
    return count;
  }

  bool commit_enabled(State s) const {
    if (tm_state(s) != tm_init) return false;
    const std::uint32_t needed = variant_ == Variant::correct ? rms_ : rms_ - 1;
    return prepared_count(s) >= needed;
  }

  std::uint32_t rms_;
  Variant variant_;
};

}  // namespace corridor::protocols
