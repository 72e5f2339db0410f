// corridor merge: the results folders of a campaign's shards (run --shard I/N) into the summary,
// traces and pictures of the whole campaign, as if it had run on one machine.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/shard_merge.hpp"

namespace corridor::cli {

namespace {

struct MergeCommand {
  std::vector<std::string> dirs;
  std::string out_dir = "results";
  bool json = false;
};

int execute(const MergeCommand& c) {
  const MergedCampaign merged = merge_shards(c.dirs, c.out_dir);
  std::FILE* human = c.json ? stderr : stdout;
  const nlohmann::json& s = merged.summary;
  fmt::print(human, "corridor merge: {} shards of {} --variant {}, master seed {}\n", merged.shards,
             s["protocol"].get<std::string>(), s["variant"].get<std::string>(), s["master_seed"].get<std::string>());
  for (const nlohmann::json& f : s["failures"]) {
    if (f["trace"].get<std::string>().empty()) continue;
    fmt::print(human, "FAIL seed {} (run {}): {} at step {}\n  {}\n  trace:  {}\n", f["seed"].get<std::string>(),
               f["index"].get<std::uint64_t>(), f.value("invariant", std::string("?")), f.value("step", std::uint64_t{0}),
               f.value("message", std::string()), f["trace"].get<std::string>());
    if (f.contains("shrunk_trace")) fmt::print(human, "  shrunk: {}\n", f["shrunk_trace"].get<std::string>());
  }
  fmt::print(human, "{} runs: {} failed -> {}\nsummary: {}\n", s["runs"].get<std::uint64_t>(), s["failed"].get<std::uint64_t>(),
             merged.verdict == Verdict::pass ? "all invariants held" : to_string(merged.verdict), merged.summary_path);
  if (c.json) fmt::print("{}\n", s.dump(2));
  return static_cast<int>(merged.verdict);
}

}  // namespace

void add_merge_command(CLI::App& app, int& exit_code) {
  static MergeCommand c;
  auto* cmd = app.add_subcommand("merge", "Combine the results folders of a campaign's shards (run --shard I/N) into one");
  cmd->footer("\nEvery shard 0..N-1 of one campaign (same protocol, variant, master seed and configuration) must be given "
              "once; the merged summary.json, traces and pictures are those of the campaign run unsharded.\n\n"
              "Example: corridor merge results/shard-0 results/shard-1 results/shard-2 --out results/merged");
  cmd->add_option("dirs", c.dirs, "The shards' results folders (each one's --out)")->required();
  cmd->add_option("--out", c.out_dir, "Results folder of the merged campaign (default: results)");
  cmd->add_flag("--json", c.json, "Print the merged summary as JSON on stdout (people's text goes to stderr)");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli
