// A course-style echo server on Cotamer's headers, as installed with corridor: it reaches
// cotamer/cotamer.hh, netsim.hh, random_source.hh and corridor_cotamer.hh through
// corridor::cotamer's include path, and <format> and <print> from the standard library or from
// the bridges the installed package chose for this compiler.
#include <chrono>
#include <format>
#include <print>
#include <string>

#include "cotamer/cotamer.hh"
#include "corridor_cotamer.hh"
#include "netsim.hh"
#include "random_source.hh"

namespace cot = cotamer;
using namespace std::chrono_literals;

// Answers each message with its echo, and gives up after 200 ms of silence.
cot::task<> echo(netsim::port<std::string>& in, netsim::channel<std::string>& out) {
    while (true) {
        auto got = co_await cot::attempt(in.receive(), cot::after(200ms));
        if (!got) {
            std::print("{}: quiet\n", std::format("{}", "echo"));
            co_return;
        }
        co_await out.send("echo " + *got);
    }
}
