// The program's main, shared by `corridor` (cli/main.cpp) and every corridor_add_tool program:
// argument parsing and wiring only. Every command is in cli/cmd_*.cpp.
#include "cli/tool_main.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/explorable.hpp"
#include "explorers/seed_runner.hpp"
#include "model/assert.hpp"
#include "model/verdict.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace {

// Only async-signal-safe calls: write(2) of a buffer formatted by hand.
void write_text(const char* text) {
  std::size_t n = 0;
  while (text[n] != '\0') ++n;
  [[maybe_unused]] const auto written = ::write(2, text, n);
}

void write_hex(std::uint64_t value) {
  char buffer[19] = "0x";
  for (int i = 0; i < 16; ++i) buffer[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xF];
  buffer[18] = '\0';
  write_text(buffer);
}

// Protocol code that crashes the process (a bad pointer, an abort) still leaves the seeds it was
// running on screen, and the program exits 3 as DESIGN.md says.
extern "C" void on_fatal_signal(int) {
  write_text("\n");
  write_text(corridor::trace_tool_name().c_str());
  write_text(": protocol code crashed the process while running seed(s)");
  for (std::size_t slot = 0; slot < corridor::in_flight_slots; ++slot) {
    if (const std::optional<std::uint64_t> seed = corridor::in_flight_seed(slot)) {
      write_text(" ");
      write_hex(*seed);
    }
  }
  write_text("; rerun one with --seed to debug it\n");
  ::_exit(3);
}

void install_crash_handlers() {
#ifndef __SANITIZE_ADDRESS__  // under AddressSanitizer its own report is worth more
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, on_fatal_signal);
#endif
}

bool is_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!plain) return false;
  }
  return true;
}

}  // namespace

int corridor::cli::tool_main(const char* tool, int argc, char** argv, ExtraCommands extra_commands) {
  CORRIDOR_ASSERT_MSG(tool != nullptr && is_tool_name(tool), "a tool name is one word of letters, digits, - _ .");
  corridor::set_trace_tool_name(tool);
  // Built in, though added here: the explore-only model's search lives in cli/ (explorable.hpp).
  corridor::add_protocol(corridor::cli::two_phase_commit_model(), corridor::ProtocolOrigin::built_in);
  const std::string name = tool;
  const std::size_t own = corridor::registered_protocol_count();
  const std::string about = name == "corridor" ? "corridor" : fmt::format("{} (corridor {}: {} protocol{} of its own and the built-in ones)", name, CORRIDOR_VERSION, own, own == 1 ? "" : "s");
  CLI::App app{
      about + ": a deterministic simulator and model checker for distributed protocols.\n"
      "Exit codes: 0 all held, 1 safety violation (or not linearizable), 2 liveness violation,\n"
      "3 protocol code threw, 4 run hung or budget ran out (verdict unknown), 64 usage error,\n"
      "65 bad input file."};
  app.require_subcommand(1);
  app.name(name);
  app.set_version_flag("--version", corridor::trace_tool_text(name));
  install_crash_handlers();
  int exit_code = 0;
  corridor::cli::add_list_command(app, exit_code);
  corridor::cli::add_run_command(app, exit_code);
  corridor::cli::add_replay_command(app, exit_code);
  corridor::cli::add_render_command(app, exit_code);
  corridor::cli::add_lincheck_command(app, exit_code);
  corridor::cli::add_demo_command(app, exit_code);
  corridor::cli::add_shrink_command(app, exit_code);
  corridor::cli::add_scale_command(app, exit_code);
  corridor::cli::add_explore_command(app, exit_code);
  corridor::cli::add_grade_child_command(app, exit_code);
  if (extra_commands) extra_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: {} (see '{} --help')\n", name, e.what(), name);
    return corridor::exit_code::usage;
  } catch (const corridor::UsageError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: {}\n", name, e.what());
    return corridor::exit_code::usage;
  } catch (const corridor::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: {}\n", name, e.what());
    return corridor::exit_code::bad_input;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: internal error: {}\n", name, e.what());
    return 70;
  }
  return exit_code;
}
