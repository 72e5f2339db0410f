#pragma once
// The whole program (every subcommand) over the registered protocols: the built-in ones and those
// the program's own sources registered (protocols/registry.hpp, cli/explorable.hpp). `corridor`
// is tool_main("corridor", ...); corridor_add_tool(NAME ...) generates a main that calls
// tool_main("NAME", ...). `tool` names the program in messages, commands it prints and in every
// trace header it writes.
namespace CLI {
class App;
}

namespace corridor::cli {

// Commands only one program has (`corridor grade`), added after the shared ones.
using ExtraCommands = void (*)(CLI::App& app, int& exit_code);

int tool_main(const char* tool, int argc, char** argv, ExtraCommands extra_commands = nullptr);

}  // namespace corridor::cli
