#pragma once
// pbkv.hh: the messages of a primary-backup key-value service (a course-style example for
// corridor's Cotamer compatibility; every line written for this example).
#include <format>
#include <map>
#include <string>
#include <variant>

namespace pbkv {

enum class op { get, put, append, cas };

// A client's request. `serial` numbers a client's requests; a retry reuses it.
struct request {
    unsigned long client = 0;
    unsigned long serial = 0;
    op type = op::get;
    std::string key;
    std::string value;      // put, cas: the new value; append: what to add to the end
    std::string expected;   // cas: the value the key must hold
};

struct response {
    unsigned long client = 0;
    unsigned long serial = 0;
    bool ok = false;
    std::string value;      // get: the value; put, append, cas: the value before
};

// Replication between the primary (R0) and the backup (R1).
struct forward {            // primary → backup: apply request number `seq`
    unsigned long seq = 0;
    request req;
};
struct forward_ack {        // backup → primary: every request up to `seq` is applied
    unsigned long seq = 0;
};
struct sync_request {};     // a restarted replica asks its peer for the whole state
struct sync_reply {
    unsigned long seq = 0;
    std::map<std::string, std::string> db;
    std::map<unsigned long, response> last;   // per client: its latest response (for retries)
};
using repl_message = std::variant<forward, forward_ack, sync_request, sync_reply>;

}  // namespace pbkv

template <>
struct std::formatter<pbkv::request> {
    constexpr auto parse(std::format_parse_context& ctx) { return ctx.begin(); }
    auto format(const pbkv::request& r, std::format_context& ctx) const {
        switch (r.type) {
        case pbkv::op::get:
            return std::format_to(ctx.out(), "c{}#{} get {}", r.client, r.serial, r.key);
        case pbkv::op::put:
            return std::format_to(ctx.out(), "c{}#{} put {}={}", r.client, r.serial, r.key, r.value);
        case pbkv::op::append:
            return std::format_to(ctx.out(), "c{}#{} append {}+={}", r.client, r.serial, r.key, r.value);
        default:
            return std::format_to(ctx.out(), "c{}#{} cas {} {}→{}", r.client, r.serial, r.key, r.expected, r.value);
        }
    }
};

template <>
struct std::formatter<pbkv::response> {
    constexpr auto parse(std::format_parse_context& ctx) { return ctx.begin(); }
    auto format(const pbkv::response& r, std::format_context& ctx) const {
        return std::format_to(ctx.out(), "c{}#{} {} {}", r.client, r.serial, r.ok ? "ok" : "fail", r.value);
    }
};

template <>
struct std::formatter<pbkv::repl_message> {
    constexpr auto parse(std::format_parse_context& ctx) { return ctx.begin(); }
    auto format(const pbkv::repl_message& m, std::format_context& ctx) const {
        if (auto* f = std::get_if<pbkv::forward>(&m)) {
            return std::format_to(ctx.out(), "forward {} [{}]", f->seq, f->req);
        } else if (auto* a = std::get_if<pbkv::forward_ack>(&m)) {
            return std::format_to(ctx.out(), "ack {}", a->seq);
        } else if (std::holds_alternative<pbkv::sync_request>(m)) {
            return std::format_to(ctx.out(), "sync?");
        } else {
            auto& s = std::get<pbkv::sync_reply>(m);
            return std::format_to(ctx.out(), "sync {} ({} keys)", s.seq, s.db.size());
        }
    }
};
