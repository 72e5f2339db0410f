// Placeholder until the linearizability checker lands (issue 3).
#include "cli/commands.hpp"

namespace corridor::cli {
void add_lincheck_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("lincheck", "Check a recorded history for linearizability");
  cmd->callback([&exit_code] { exit_code = 0; });
}
}  // namespace corridor::cli
