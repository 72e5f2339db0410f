// The corridor program: argument parsing and wiring only. Every command is in cli/cmd_*.cpp.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "explorers/seed_runner.hpp"
#include "model/verdict.hpp"

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
  write_text("\ncorridor: protocol code crashed the process while running seed(s)");
  for (std::size_t slot = 0; slot < corridor::in_flight_slots; ++slot) {
    if (const std::uint64_t seed = corridor::in_flight_seed(slot)) {
      write_text(" ");
      write_hex(seed);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "corridor: a deterministic simulator and model checker for distributed protocols.\n"
      "Exit codes: 0 all held, 1 safety violation (or not linearizable), 2 liveness violation,\n"
      "3 protocol code threw, 4 run hung or budget ran out (verdict unknown), 64 usage error,\n"
      "65 bad input file."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("corridor ") + CORRIDOR_VERSION);
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
  corridor::cli::add_merge_command(app, exit_code);
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
    fmt::print(stderr, "corridor: {} (see 'corridor --help')\n", e.what());
    return corridor::exit_code::usage;
  } catch (const corridor::UsageError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "corridor: {}\n", e.what());
    return corridor::exit_code::usage;
  } catch (const corridor::InputError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "corridor: {}\n", e.what());
    return corridor::exit_code::bad_input;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "corridor: internal error: {}\n", e.what());
    return 70;
  }
  return exit_code;
}
