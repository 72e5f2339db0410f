#pragma once
// `corridor grade` (cli/grade/cmd_grade.cpp): only in the stock corridor program.
#include <CLI/CLI.hpp>

namespace corridor::cli {

void add_grade_command(CLI::App& app, int& exit_code);

}  // namespace corridor::cli
