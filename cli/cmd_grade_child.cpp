// `TOOL grade-child`: the far side of `corridor grade` (cli/grade/). The grader never loads a
// student's code; it builds the student's tool and runs this hidden command in a child process
// under rlimits, with a shard of seeds. The child speaks JSON Lines on stdout, one line before each
// seed and one after, flushed each time, so that a crash or a hang is charged to the seed that
// was running:
//
//   {"start":"0x1f..."}
//   {"seed":"0x1f...","verdict":"pass","steps":812}
//   {"seed":"0x2a...","verdict":"safety","invariant":"log-agreement","message":"...","step":40,
//    "trace":"DIR/seed-2a....trace.jsonl","shrunk":"DIR/seed-2a....shrunk.trace.jsonl","shrunk_events":17}
//   {"seed":"0x2a...","verdict":"nondeterministic","message":"step 12 differs: ..."}   (--check-determinism)
//
// With --history-file FILE each passing seed's client history goes to FILE (see HistoryFile).
//
// With --keep-going it runs every seed of its shard; otherwise it stops at the first failure.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/shrink_trace.hpp"
#include "explorers/seed_runner.hpp"
#include "model/assert.hpp"

namespace corridor::cli {

namespace {

struct GradeChildCommand {
  RunArgs args;
  std::vector<std::string> seeds;
  std::string out_dir;
  bool keep_going = false;
  bool check_determinism = false;
  std::string history_file;  // the grader re-checks each passing seed's history itself (cli/grade/recheck.hpp)
  std::uint64_t shrink_replays = 2000;
};

void emit(const nlohmann::json& line) {
  std::fputs(line.dump().c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// The failing run's trace and its shrunk trace, written to out_dir. The shrinker's budget is
// replays only, never seconds, so that a regrade shrinks to the same trace.
void write_failure(const ProtocolEntry& entry, const SimConfig& config, std::uint64_t seed, nlohmann::json& line,
                   const std::string& out_dir, std::uint64_t shrink_replays) {
  auto sim = entry.make();
  const RunOutcome outcome = run_once(*sim, config, seed, {.record = true});
  const Trace trace = make_trace(entry, config, seed, *sim, outcome);
  const std::string path = fmt::format("{}/seed-{:016x}.trace.jsonl", out_dir, seed);
  write_trace(path, trace);
  line["trace"] = path;
  line["events"] = trace.events.size();
  if (!outcome.violation) return;
  const std::string shrunk = shrunk_path(path, std::nullopt);
  const ShrunkTrace s = shrink_and_write(trace, path, shrunk, {.replays_max = shrink_replays, .seconds_max = 1e9});
  line["shrunk"] = s.path;
  line["shrunk_events"] = s.trace.events.size();
  line["shrunk_steps"] = s.trace.footer.steps;
}

// The passing seeds' client histories, for the grader to check again, in one file per child:
// for each seed a line {"seed":"0x..."} and then its history as the trace's history lines (JSON
// Lines, invariants/lincheck/formats/history_file.hpp). The run is not recorded for it (a recorded
// run costs about 25 times a plain one here, and its trace about 1 MB): every run keeps its history
// for the history checkers. One file, flushed after each seed, rather than one per seed: creating a
// file cost more than the seed's run.
class HistoryFile {
 public:
  explicit HistoryFile(const std::string& path) : path_(path) {
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw UsageError(fmt::format("grade-child: cannot write {}", path));
  }
  ~HistoryFile() {
    if (file_) std::fclose(file_);
  }
  HistoryFile(const HistoryFile&) = delete;
  HistoryFile& operator=(const HistoryFile&) = delete;

  bool enabled() const { return file_ != nullptr; }

  void write(std::uint64_t seed, const History& history) {
    CORRIDOR_ASSERT(enabled());
    std::vector<EventRecord> records;
    records.reserve(history.size());
    for (const HistoryEvent& h : history) {
      records.push_back(EventRecord{.step = h.step, .true_ns = h.true_time_ns, .kind = EventKind::history});
    }
    std::string text = fmt::format("{{\"seed\":\"{:#x}\"}}\n", seed);
    for (const std::string& line : event_lines(records, history)) text += line + "\n";
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
      throw UsageError(fmt::format("grade-child: cannot write {}", path_));
    }
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

int execute(const GradeChildCommand& c) {
  const ProtocolEntry& entry = require_protocol(c.args.protocol);
  const std::uint32_t variant = require_variant(entry, c.args.variant);
  const SimConfig config = build_config(entry, variant, c.args);
  if (c.seeds.empty()) throw UsageError("grade-child needs --seeds");
  CORRIDOR_ASSERT(c.seeds.size() <= 1'000'000);
  int failures = 0;
  HistoryFile histories(c.history_file);
  for (const std::string& text : c.seeds) {
    const std::uint64_t seed = parse_seed(text, "--seeds");
    const std::string hex = fmt::format("{:#x}", seed);
    emit({{"start", hex}});
    nlohmann::json line = {{"seed", hex}};
    if (c.check_determinism) {
      auto sim = entry.make();
      if (const auto differs = check_determinism(*sim, config, seed)) {
        line["verdict"] = "nondeterministic";
        line["message"] = differs->message;
        emit(line);
        ++failures;
        if (!c.keep_going) break;
        continue;
      }
    }
    auto sim = entry.make();
    const RunOutcome outcome = run_once(*sim, config, seed);
    line["verdict"] = to_string(outcome.verdict);
    line["steps"] = outcome.steps;
    if (outcome.violation) {
      line["invariant"] = outcome.violation->invariant;
      line["message"] = outcome.violation->message;
      line["step"] = outcome.violation->step;
    }
    if (outcome.verdict != Verdict::pass) {
      ++failures;
      if (!c.out_dir.empty()) write_failure(entry, config, seed, line, c.out_dir, c.shrink_replays);
    } else if (histories.enabled()) {
      histories.write(seed, sim->history());
    }
    emit(line);
    if (failures > 0 && !c.keep_going) break;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_grade_child_command(CLI::App& app, int& exit_code) {
  static GradeChildCommand c;
  auto* cmd = app.add_subcommand("grade-child", "Run a shard of seeds for `corridor grade` (JSON Lines on stdout)");
  cmd->group("");  // for the grader, not for people: not in --help
  cmd->add_option("protocol", c.args.protocol, "Protocol name")->required();
  cmd->add_option("--variant", c.args.variant, "Variant");
  cmd->add_option("--nodes", c.args.nodes, "Number of nodes");
  cmd->add_option("--faults", c.args.faults, "Fault spec");
  cmd->add_option("--clock", c.args.clock, "Clock spec");
  cmd->add_option("--fault-plan", c.args.fault_plan, "An explicit fault plan");
  cmd->add_option("--explorer", c.args.explorer, "random, pct or walk");
  cmd->add_option("--pct-depth", c.args.pct_depth, "PCT depth");
  cmd->add_option("--time-limit", c.args.time_limit, "Simulated time per run");
  cmd->add_option("--max-steps", c.args.max_steps, "Steps per run before it counts as hung");
  cmd->add_option("--seeds", c.seeds, "The seeds to run, in order")->delimiter(',');
  cmd->add_option("--out", c.out_dir, "Where failing traces go (none when empty)");
  cmd->add_option("--shrink-replays", c.shrink_replays, "Replays the shrinker may spend per failure");
  cmd->add_flag("--keep-going", c.keep_going, "Run every seed even after a failure");
  cmd->add_flag("--check-determinism", c.check_determinism, "Run each seed twice first and compare");
  cmd->add_option("--history-file", c.history_file,
                  "Write each passing seed's client history to this file, for the grader's re-check");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli
