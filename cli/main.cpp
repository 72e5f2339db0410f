// The stock corridor program: the built-in protocols (cli/tool_main.cpp does the work) and
// `corridor grade`, which runs students' programs as child processes and so needs none linked.
#include "cli/grade/cmd_grade.hpp"
#include "cli/tool_main.hpp"

int main(int argc, char** argv) { return corridor::cli::tool_main("corridor", argc, argv, corridor::cli::add_grade_command); }
