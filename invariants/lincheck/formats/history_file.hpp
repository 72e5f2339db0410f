#pragma once
// History files in the formats corridor lincheck reads, each with a hand-written parser:
// - etcd:  Jepsen's log lines of the Porcupine etcd data, "INFO  jepsen.util - 3 :invoke :cas [1 2]";
// - edn:   Jepsen EDN histories: {:process :type :f :key :value} maps, one per line or in one vector
//          or list (the Porcupine kv logs are of this kind: --format kv is edn with the kv model
//          and Porcupine's semantics); Jepsen `independent` histories, whose values are [k v]
//          tuples, are split into keys; transactions [[:read :x 1] ...] as micro_op.hpp says;
// - jsonl: corridor's JSON Lines, {"process":0,"type":"invoke","f":"write","key":"x","value":3};
//          lines with a "kind" other than "history", or a "corridor_trace" header, are skipped, so
//          a corridor trace file is a history file.
// When every event has a time (:time, "time_ns") and the file's order disagrees, the events are
// put in time order with a warning. A malformed file throws InputError
// "file:line:column: expected ..., found ...".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/lincheck/semantics.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

enum class HistoryFormat : std::uint8_t { etcd, kv, edn, jsonl };

const char* to_string(HistoryFormat format);
std::optional<HistoryFormat> parse_format_name(std::string_view name);  // etcd, kv, edn, jsonl

struct ParsedHistory {
  History events;
  std::vector<std::uint32_t> event_lines;  // the line each event came from
  HistoryFormat format = HistoryFormat::jsonl;
  std::vector<std::string> warnings;  // "file:line: ..." for people (events reordered by time)
};

// The reading of the tool that writes each format: Jepsen/Knossos for edn (a failed operation did
// not happen, a nil read is unknown), Porcupine's for etcd and kv (a failed cas is an observation,
// nil is a value), corridor's own for jsonl (the same as Porcupine's).
Semantics semantics_of(HistoryFormat format);

// By content: "INFO" starts an etcd log, "{:", "[" or "(" EDN, "{\"" JSON Lines. Throws InputError.
HistoryFormat detect_format(std::string_view text, const std::string& source);
ParsedHistory parse_history(std::string_view text, const std::string& source,
                            std::optional<HistoryFormat> format = std::nullopt);
// A value given on the command line, in EDN: nil, an integer, a "string" or a keyword (as its
// name); a bare word is a string. nullopt for anything else (a list, a map).
std::optional<HistoryValue> parse_scalar_value(std::string_view text);

// Reads the whole file (InputError if it cannot be read) and parses it.
std::string read_file(const std::string& path);

// The model a history is checked against when none is named: etcd logs and kv files by their
// format (cas-register, kv); otherwise by the functions used. "" when nothing fits.
std::string infer_model(const ParsedHistory& history);

}  // namespace corridor::lincheck
