#pragma once
// Each command of the program lives in cli/cmd_<name>.cpp and registers itself on the app here.
// A command's callback stores its exit code in `exit_code`; it reports bad arguments by throwing
// UsageError and malformed files by throwing InputError (model/verdict.hpp), which main turns
// into one sentence and exit 64 / 65.
#include <CLI/CLI.hpp>

namespace corridor::cli {

void add_list_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_render_command(CLI::App& app, int& exit_code);
void add_lincheck_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);
void add_shrink_command(CLI::App& app, int& exit_code);
void add_scale_command(CLI::App& app, int& exit_code);
void add_explore_command(CLI::App& app, int& exit_code);
// Hidden: the child process of `corridor grade` (cli/cmd_grade_child.cpp).
void add_grade_child_command(CLI::App& app, int& exit_code);

}  // namespace corridor::cli
