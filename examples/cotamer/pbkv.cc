// pbkv.cc: a primary-backup key-value service in the course's style, written against Cotamer's
// headers (cotamer/cotamer.hh, netsim.hh, random_source.hh) and run in corridor's world.
//
// R0 is the primary: it numbers each client request, forwards it to the backup R1, waits for
// R1's acknowledgement, applies it and answers. A request whose serial the primary has answered
// already gets the same answer again (retries and duplicates change nothing). A restarted
// replica has lost its memory and first copies its peer's state. The clients (node C) run the
// lock-sequence model, whose end-state check catches lost, duplicated and reordered writes.
//
// Planted bugs: `no_dedup` (the primary applies a request again when it sees its serial again:
// a duplicated or retried append lands twice) and `reply_before_backup` (the
// primary answers at once and forwards the write 30 ms later: a primary crash-restart in
// between loses an acknowledged write).
#include <format>
#include <map>
#include <memory>
#include <optional>
#include <print>
#include <string>
#include <string_view>
#include <vector>
#include "cotamer/cotamer.hh"
#include "netsim.hh"
#include "random_source.hh"
#include "corridor_cotamer.hh"
#include "lockseq_model.hh"
#include "pbkv.hh"
#include "utils.hh"

namespace cot = cotamer;
using namespace std::chrono_literals;

#ifndef PBKV_LOSS
#define PBKV_LOSS "0.01"
#endif

enum class pbkv_variant { correct, no_dedup, reply_before_backup };

struct testinfo {
    double loss = from_str_chars<double>(PBKV_LOSS);   // each link's own loss
    bool verbose = false;
    pbkv_variant variant = pbkv_variant::correct;

    template <typename T>
    void configure_channel(netsim::channel<T>& chan) {
        chan.set_loss(loss);
        chan.set_verbose(verbose);
    }
};

// Apply one request to a database (and remember its response for retries).
pbkv::response apply(std::map<std::string, std::string>& db,
                     std::map<unsigned long, pbkv::response>& last,
                     const pbkv::request& req) {
    pbkv::response resp{.client = req.client, .serial = req.serial, .ok = true};
    std::string& slot = db[req.key];
    resp.value = slot;
    if (req.type == pbkv::op::put) {
        slot = req.value;
    } else if (req.type == pbkv::op::append) {
        slot += req.value;
    } else if (req.type == pbkv::op::cas) {
        resp.ok = slot == req.expected;
        if (resp.ok) {
            slot = req.value;
        }
    }
    last[req.client] = resp;
    return resp;
}

struct pb_replica {
    size_t index_;
    testinfo& tester_;
    netsim::port<pbkv::request> from_clients_;        // "R<i>"
    netsim::port<pbkv::repl_message> from_peer_;       // "R<i>/r"
    netsim::channel<pbkv::repl_message> to_peer_;
    std::vector<std::unique_ptr<netsim::channel<pbkv::response>>> to_clients_;

    // volatile state (a crash loses it)
    std::map<std::string, std::string> db_;
    std::map<unsigned long, pbkv::response> last_;
    unsigned long seq_ = 0;            // requests applied
    bool recovering_ = false;

    pb_replica(size_t index, testinfo& tester, random_source& randomness, size_t nclients)
        : index_(index), tester_(tester),
          from_clients_(randomness, std::format("R{}", index)),
          from_peer_(randomness, std::format("R{}/r", index)),
          to_peer_(randomness, std::format("R{}", index)) {
        for (size_t c = 0; c != nclients; ++c) {
            to_clients_.emplace_back(new netsim::channel<pbkv::response>(randomness, from_clients_.id()));
        }
    }

    void forget() {
        db_.clear();
        last_.clear();
        seq_ = 0;
        recovering_ = true;
    }

    cot::task<> run() {
        if (recovering_) {
            co_await recover();
        }
        if (index_ == 0) {
            co_await run_primary();
        } else {
            co_await run_backup();
        }
    }

    pbkv::sync_reply snapshot() const {
        return {.seq = seq_, .db = db_, .last = last_};
    }

    void adopt(const pbkv::sync_reply& s) {
        if (s.seq >= seq_) {
            seq_ = s.seq;
            db_ = s.db;
            last_ = s.last;
        }
    }

    // A restarted replica copies its peer's state before it serves.
    cot::task<> recover() {
        while (recovering_) {
            co_await to_peer_.send(pbkv::sync_request{});
            auto got = co_await cot::attempt(from_peer_.receive(), cot::after(50ms));
            if (got) {
                if (auto* s = std::get_if<pbkv::sync_reply>(&*got)) {
                    adopt(*s);
                    recovering_ = false;
                } else if (std::holds_alternative<pbkv::sync_request>(*got)) {
                    co_await to_peer_.send(snapshot());
                }
            }
        }
    }

    // ---- primary ----

    cot::task<> run_primary() {
        while (true) {
            auto req = co_await from_clients_.receive();
            auto it = last_.find(req.client);
            bool dedup = tester_.variant != pbkv_variant::no_dedup;
            if (dedup && it != last_.end() && req.serial <= it->second.serial) {
                if (req.serial == it->second.serial) {
                    co_await to_clients_[req.client]->send(it->second);
                }
                continue;
            }
            unsigned long seq = seq_ + 1;
            if (tester_.variant == pbkv_variant::reply_before_backup) {
                seq_ = seq;
                auto resp = apply(db_, last_, req);
                co_await to_clients_[req.client]->send(resp);
                co_await cot::after(30ms);      // the backup can wait: it is only a backup
                co_await replicate(seq, req);
                continue;
            }
            co_await replicate(seq, req);
            seq_ = seq;
            auto resp = apply(db_, last_, req);
            co_await to_clients_[req.client]->send(resp);
        }
    }

    // Forward request `seq` until the backup acknowledges it; answer a restarted backup's
    // request for the state on the way.
    cot::task<> replicate(unsigned long seq, const pbkv::request& req) {
        while (true) {
            co_await to_peer_.send(pbkv::forward{seq, req});
            auto deadline = cot::after(50ms);
            while (true) {
                auto got = co_await cot::attempt(from_peer_.receive(), deadline);
                if (!got) {
                    break;          // resend
                }
                if (auto* ack = std::get_if<pbkv::forward_ack>(&*got); ack && ack->seq >= seq) {
                    co_return;
                } else if (std::holds_alternative<pbkv::sync_request>(*got)) {
                    co_await to_peer_.send(snapshot());
                }
            }
        }
    }

    // ---- backup ----

    cot::task<> run_backup() {
        while (true) {
            auto msg = co_await from_peer_.receive();
            if (auto* f = std::get_if<pbkv::forward>(&msg)) {
                if (f->seq == seq_ + 1) {
                    apply(db_, last_, f->req);
                    seq_ = f->seq;
                } else if (f->seq > seq_ + 1) {
                    co_await to_peer_.send(pbkv::sync_request{});   // missed some: copy the primary
                    continue;
                }
                co_await to_peer_.send(pbkv::forward_ack{seq_});
            } else if (std::holds_alternative<pbkv::sync_request>(msg)) {
                co_await to_peer_.send(snapshot());
            } else if (auto* s = std::get_if<pbkv::sync_reply>(&msg)) {
                adopt(*s);
            }
        }
    }
};

// pb_test: what the course's try_one_seed built, as one corridor program instance.
struct pb_test {
    using Variant = pbkv_variant;
    static constexpr size_t nreplicas = 2;
    static constexpr size_t nclients = 2;

    testinfo tester;
    lockseq_model clients;
    std::vector<std::unique_ptr<pb_replica>> replicas;

    pb_test(random_source& randomness, Variant variant)
        : clients(nclients, randomness) {
        tester.variant = variant;
        for (size_t r = 0; r != nreplicas; ++r) {
            replicas.emplace_back(new pb_replica(r, tester, randomness, nclients));
        }
        for (size_t r = 0; r != nreplicas; ++r) {
            auto& rep = *replicas[r];
            rep.to_peer_.connect(replicas[1 - r]->from_peer_);
            tester.configure_channel(rep.to_peer_);
            for (size_t c = 0; c != nclients; ++c) {
                rep.to_clients_[c]->connect(clients.response_port(c));
                tester.configure_channel(*rep.to_clients_[c]);
            }
        }
        for (size_t c = 0; c != nclients; ++c) {
            clients.request_channel(c).connect(replicas[0]->from_clients_);
            tester.configure_channel(clients.request_channel(c));
        }
    }

    cot::task<> start(std::string_view node) {
        if (node == "C") {
            return clients.run();
        }
        return replicas[from_str_chars<size_t>(node.substr(1))]->run();
    }

    void restart(std::string_view node) {
        if (node != "C") {
            replicas[from_str_chars<size_t>(node.substr(1))]->forget();
        }
    }

    // The most up-to-date replica's database must be what the client model expects.
    std::optional<std::string> check() {
        const pb_replica* best = replicas[0].get();
        for (auto& r : replicas) {
            if (!r->recovering_ && (best->recovering_ || r->seq_ > best->seq_)) {
                best = r.get();
            }
        }
        return clients.check(best->db_);
    }
};

CORRIDOR_COTAMER_PROGRAM(pb_test, {
    .name = "pb-kv",
    .description = "A primary-backup kv in the course's Cotamer style (examples/cotamer), checked by a lock-sequence client model.",
    .variants = {corridor::correct_variant(pbkv_variant::correct, "The primary forwards each write to the backup, waits for its ack, and answers a repeated serial from its cache."),
                 corridor::planted_bug(pbkv_variant::no_dedup, "The primary applies a request again when its serial comes again (a duplicate or a late retry).", "lock-sequence"),
                 corridor::planted_bug(pbkv_variant::reply_before_backup, "The primary answers at once and forwards the write 30 ms later, so a crash-restart in between loses it.", "lock-sequence")},
    .invariant = "lock-sequence",
    .clients = {"C"},
    .default_faults = "delay=uniform:1ms:20ms",
    .default_time_limit_ns = corridor::seconds(5),
    .demo_faults = "delay=uniform:1ms:20ms,dup=0.05,crash=1",
});
