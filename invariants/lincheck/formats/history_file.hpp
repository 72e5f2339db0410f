#pragma once
// History files in the formats corridor lincheck reads, each with a hand-written parser:
// - etcd:  Jepsen's log lines of the Porcupine etcd data, "INFO  jepsen.util - 3 :invoke :cas [1 2]";
// - edn:   Jepsen EDN histories: {:process :type :f :key :value} maps, one per line or in one vector
//          (the Porcupine kv logs are of this kind: --format kv is edn with the kv model);
// - jsonl: corridor's JSON Lines, {"process":0,"type":"invoke","f":"write","key":"x","value":3};
//          lines with a "kind" other than "history", or a "corridor_trace" header, are skipped, so
//          a corridor trace file is a history file.
// A malformed file throws InputError "file:line:column: expected ..., found ...".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/history.hpp"

namespace corridor::lincheck {

enum class HistoryFormat : std::uint8_t { etcd, kv, edn, jsonl };

const char* to_string(HistoryFormat format);
std::optional<HistoryFormat> parse_format_name(std::string_view name);  // etcd, kv, edn, jsonl

struct ParsedHistory {
  History events;
  std::vector<std::uint32_t> event_lines;  // the line each event came from
  HistoryFormat format = HistoryFormat::jsonl;
};

// By content: "INFO" starts an etcd log, "{:" or "[" EDN, "{\"" JSON Lines. Throws InputError.
HistoryFormat detect_format(std::string_view text, const std::string& source);
ParsedHistory parse_history(std::string_view text, const std::string& source,
                            std::optional<HistoryFormat> format = std::nullopt);
// Reads the whole file (InputError if it cannot be read) and parses it.
std::string read_file(const std::string& path);

// The model a history is checked against when none is named: etcd logs and kv files by their
// format (cas-register, kv); otherwise by the functions used. "" when nothing fits.
std::string infer_model(const ParsedHistory& history);

}  // namespace corridor::lincheck
