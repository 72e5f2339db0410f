// The corridor program: argument parsing and wiring only. Every command is in cli/cmd_*.cpp.
#include <cstdio>
#include <exception>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "model/verdict.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "corridor: a deterministic simulator and model checker for distributed protocols.\n"
      "Exit codes: 0 all held, 1 safety violation (or not linearizable), 2 liveness violation,\n"
      "3 protocol code threw, 4 run hung or budget ran out (verdict unknown), 64 usage error,\n"
      "65 bad input file."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("corridor ") + CORRIDOR_VERSION);
  int exit_code = 0;
  corridor::cli::add_list_command(app, exit_code);
  corridor::cli::add_run_command(app, exit_code);
  corridor::cli::add_replay_command(app, exit_code);
  corridor::cli::add_render_command(app, exit_code);
  corridor::cli::add_lincheck_command(app, exit_code);
  corridor::cli::add_demo_command(app, exit_code);
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
