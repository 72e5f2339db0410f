#pragma once
// lockseq_model.hh: a lock-sequence client model (written for this example).
//
// Every client repeats: take the lock (cas lock "" → its id), append one entry of its own to
// the log key ("c0.7;": client 0's seventh), release the lock (cas lock id → ""). Appends
// happen only under the lock, so they form one sequence the model knows: in the end the log
// holds exactly the acknowledged entries in the order they were acknowledged, plus at most the
// one whose outcome is still unknown. A lost write leaves an entry out, a duplicated one shows
// twice, a reordered one out of place, two holders of the lock interleave: check() sees each.
#include <format>
#include <memory>
#include <optional>
#include <print>
#include <string>
#include <vector>
#include "cotamer/cotamer.hh"
#include "netsim.hh"
#include "pbkv.hh"
#include "random_source.hh"
#include "utils.hh"

namespace cot = cotamer;
using namespace std::chrono_literals;

struct lockseq_model {
    static constexpr const char* lock_key = "lock";
    static constexpr const char* log_key = "log";

    struct client_state {
        unsigned long id;
        netsim::port<pbkv::response> in;        // "C/<id>"
        netsim::channel<pbkv::request> out;     // from node C to the primary
        unsigned long serial = 0;
        unsigned long entries = 0;              // appends made

        client_state(unsigned long client_id, random_source& randomness)
            : id(client_id), in(randomness, std::format("C/{}", client_id)), out(randomness, "C") {
        }
    };

    random_source& randomness_;
    std::vector<std::unique_ptr<client_state>> clients_;
    std::string expected;                       // the acknowledged entries, in order
    std::optional<std::string> pending;         // an entry sent, not yet acknowledged
    unsigned long lock_complete = 0, write_complete = 0, unlock_complete = 0;

    lockseq_model(size_t nclients, random_source& randomness)
        : randomness_(randomness) {
        for (size_t i = 0; i != nclients; ++i) {
            clients_.push_back(std::make_unique<client_state>(i, randomness));
        }
    }

    netsim::channel<pbkv::request>& request_channel(size_t i) { return clients_[i]->out; }
    netsim::port<pbkv::response>& response_port(size_t i) { return clients_[i]->in; }
    size_t nclients() const { return clients_.size(); }

    // The coroutines of node C: one per client.
    cot::task<> run() {
        for (auto& c : clients_) {
            client(*c).detach();
        }
        co_return;
    }

    // The end-state check: nullopt, or the key whose value the model cannot explain.
    std::optional<std::string> check(const std::map<std::string, std::string>& db) const {
        auto it = db.find(log_key);
        std::string log = it == db.end() ? std::string() : it->second;
        if (log == expected || (pending && log == expected + *pending)) {
            return std::nullopt;
        }
        return std::format("{} (holds \"{}\", the model expects \"{}\"{})", log_key, log, expected,
                           pending ? std::format(" or one more, \"{}\"", *pending) : std::string());
    }

private:
    // One request until its response arrives, resent every 100ms.
    cot::task<pbkv::response> call(client_state& c, pbkv::request req) {
        req.client = c.id;
        req.serial = ++c.serial;
        while (true) {
            co_await c.out.send(req);
            auto resp = co_await cot::attempt(response_for(c, req.serial), cot::after(100ms));
            if (resp) {
                co_return *resp;
            }
        }
    }
    cot::task<pbkv::response> response_for(client_state& c, unsigned long serial) {
        while (true) {
            auto resp = co_await c.in.receive();
            if (resp.serial == serial) {
                co_return resp;
            }
        }
    }

    cot::task<> client(client_state& c) {
        std::string me = std::format("c{}", c.id);
        while (true) {
            auto locked = co_await call(c, {.type = pbkv::op::cas, .key = lock_key, .value = me, .expected = ""});
            if (!locked.ok) {
                co_await cot::after(randomness_.uniform(5ms, 20ms));
                continue;
            }
            ++lock_complete;
            std::string entry = std::format("{}.{};", me, ++c.entries);
            pending = entry;
            co_await call(c, {.type = pbkv::op::append, .key = log_key, .value = entry});
            expected += entry;
            pending.reset();
            ++write_complete;
            co_await call(c, {.type = pbkv::op::cas, .key = lock_key, .value = "", .expected = me});
            ++unlock_complete;
            co_await cot::after(randomness_.uniform(1ms, 10ms));
        }
    }
};
