#include "invariants/lincheck/jepsen_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "invariants/lincheck/micro_op.hpp"

namespace corridor::lincheck {

namespace {

std::string edn_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// A register name as a keyword when it spells one (:x), otherwise as it is (an integer, a string).
std::string edn_name(std::string_view name) {
  const bool digits = !name.empty() && name.find_first_not_of("0123456789-") == std::string_view::npos;
  if (digits) return std::string(name);
  const bool word = !name.empty() && name.find_first_of(" \"\\,;()[]{}#") == std::string_view::npos;
  return word ? ":" + std::string(name) : edn_string(name);
}

// A transaction's micro-operation "read x 1" as [:read :x 1].
std::string edn_micro_op(const std::string& text) {
  const std::optional<MicroOp> micro = parse_micro_op(text);
  if (!micro) return edn_string(text);
  return fmt::format("[:{} {} {}]", micro->f, edn_name(micro->key), micro->value);
}

bool is_transaction(const std::vector<std::string>& texts) {
  return !texts.empty() && std::all_of(texts.begin(), texts.end(), [](const std::string& t) {
    return parse_micro_op(t) && parse_micro_value(parse_micro_op(t)->value);
  });
}

std::string edn_op(const History& history, const LincheckOptions& options, const LincheckResult& result,
                   std::uint32_t id) {
  const CheckedOperation& op = result.operations[id];
  const std::uint32_t index = op.return_event != no_event ? op.return_event : op.call_event;
  const HistoryEvent& event = history[index];
  std::string out = fmt::format("{{:process {}, :type :{}, :f :{}", event.process, to_string(event.type), event.f);
  if (!event.key.empty()) out += fmt::format(", :key {}", edn_string(event.key));
  out += fmt::format(", :value {}, :index {}", edn_value(event.value), index);
  if (index < options.event_lines.size()) out += fmt::format(", :line {}", options.event_lines[index]);
  return out + "}";
}

std::string failure_map(const History& history, const LincheckOptions& options, const LincheckResult& result,
                        const std::string& indent) {
  const Violation& violation = *result.violation;
  auto op = [&](std::uint32_t id) { return edn_op(history, options, result, id); };
  const std::string last_op = violation.longest_prefix.empty() ? "nil" : op(violation.longest_prefix.back());
  const std::string config_indent = indent + std::string(std::string_view(" :configs [{").size(), ' ');
  std::string pending;
  for (const Violation::Concurrent& concurrent : violation.concurrent) {
    pending += (pending.empty() ? "" : "\n" + config_indent + "          ") + op(concurrent.operation);
  }
  std::string out = fmt::format("{{:valid? false\n{0} :analyzer :corridor\n{0} :corridor/model \"{1}\"\n", indent,
                                result.model);
  out += fmt::format("{0} :op {1}\n{0} :last-op {2}\n", indent, op(violation.operation), last_op);
  out += fmt::format("{} :configs [{{:model {{:value {}}}\n{}:last-op {}\n{}:pending [{}]}}]}}", indent,
                     violation.state_after_prefix, config_indent, last_op, config_indent, pending);
  return out;
}

}  // namespace

std::string edn_value(const HistoryValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "nil";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return fmt::format("{}", *i);
  if (const auto* s = std::get_if<std::string>(&value)) return edn_string(*s);
  if (const auto* is = std::get_if<std::vector<std::int64_t>>(&value)) return fmt::format("[{}]", fmt::join(*is, " "));
  const auto& texts = std::get<std::vector<std::string>>(value);
  const bool transaction = is_transaction(texts);
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out += (i ? " " : "") + (transaction ? edn_micro_op(texts[i]) : edn_string(texts[i]));
  }
  return out + "]";
}

std::string jepsen_result_edn(const History& history, const LincheckOptions& options, const LincheckResult& result) {
  switch (result.verdict) {
    case LinVerdict::linearizable:
      return fmt::format("{{:valid? true, :analyzer :corridor, :corridor/model \"{}\", :corridor/operations {}}}",
                         result.model, result.operations.size());
    case LinVerdict::unknown:
      return fmt::format("{{:valid? :unknown, :analyzer :corridor, :corridor/model \"{}\", :cause {}}}", result.model,
                         edn_string(result.explanation));
    case LinVerdict::not_linearizable: break;
  }
  if (!result.violation) return "{:valid? false, :analyzer :corridor}";
  const std::string& key = result.violation->key;
  if (key.empty() || result.partitions < 2) return failure_map(history, options, result, "");
  const std::string k = edn_name(key);
  const std::string indent(std::string(" :results {").size() + k.size() + 1, ' ');
  return fmt::format("{{:valid? false\n :results {{{} {}}}\n :failures [{}]}}", k,
                     failure_map(history, options, result, indent), k);
}

}  // namespace corridor::lincheck
