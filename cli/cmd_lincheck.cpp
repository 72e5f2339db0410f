// corridor lincheck FILE...: checks recorded histories for linearizability, one file after another.
// Wiring only: parsing, checking and the HTML page live in invariants/lincheck/.
#include <chrono>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/html_report.hpp"
#include "invariants/lincheck/jepsen_report.hpp"
#include "invariants/lincheck/lincheck.hpp"
#include "invariants/txn/txncheck.hpp"
#include "model/verdict.hpp"

namespace corridor::cli {

namespace {

struct LincheckArgs {
  std::vector<std::string> files;
  std::string model;
  std::string format;
  bool json = false;
  bool jepsen = false;
  std::string html;
  std::string fail_means;  // empty: the format's reading
  std::string nil_read;
  std::string initial;
  bool no_split = false;
  bool no_prune = false;
  double time_budget_s = 60.0;
  std::size_t memory_budget_mb = 2048;
  unsigned threads = 0;
  std::string isolation;  // transactions only; empty: serializable
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The reading of the format's own tool, with what the options override.
lincheck::Semantics semantics_for(const LincheckArgs& args, lincheck::HistoryFormat format) {
  lincheck::Semantics semantics = lincheck::semantics_of(format);
  if (!args.fail_means.empty()) semantics.fail_means = *lincheck::parse_fail_means(args.fail_means);
  if (!args.nil_read.empty()) semantics.nil_read = *lincheck::parse_nil_read(args.nil_read);
  if (!args.initial.empty()) semantics.initial = *lincheck::parse_scalar_value(args.initial);
  return semantics;
}

void check_semantics_args(const LincheckArgs& args) {
  if (!args.fail_means.empty() && !lincheck::parse_fail_means(args.fail_means)) {
    throw UsageError(fmt::format("unknown --fail-means '{}' (not-happened, observed)", args.fail_means));
  }
  if (!args.nil_read.empty() && !lincheck::parse_nil_read(args.nil_read)) {
    throw UsageError(fmt::format("unknown --nil-read '{}' (unknown, value)", args.nil_read));
  }
  if (!args.initial.empty() && !lincheck::parse_scalar_value(args.initial)) {
    throw UsageError(fmt::format("--initial '{}' is not a value: nil, an integer or a string", args.initial));
  }
  if (args.jepsen && args.json) throw UsageError("--jepsen and --json are two output formats: give one");
}

// The model a file is checked against: the one named, else the transactional checker for a history
// in Elle's micro-operation names, else the one its functions suggest.
std::string model_for(const LincheckArgs& args, const lincheck::ParsedHistory& parsed) {
  if (!args.model.empty()) return args.model;
  const std::string inferred = lincheck::infer_model(parsed);
  return inferred == "multi-register" && txn::uses_elle_names(parsed.events) ? "txn" : inferred;
}

lincheck::LincheckOptions options_for(const LincheckArgs& args, const std::string& file,
                                      const lincheck::ParsedHistory& parsed) {
  lincheck::LincheckOptions options;
  options.model = model_for(args, parsed);
  if (options.model.empty()) {
    throw UsageError(fmt::format("cannot tell which model {} needs from its functions; name it with --model ({})", file,
                                 fmt::join(lincheck::model_names(), ", ")));
  }
  options.time_budget_s = args.time_budget_s;
  options.memory_budget_bytes = args.memory_budget_mb << 20;
  options.threads = args.threads;
  options.split_by_key = !args.no_split;
  options.prune = !args.no_prune;
  options.describe_operations = !args.html.empty();
  options.source = file;
  options.event_lines = parsed.event_lines;
  options.semantics = semantics_for(args, parsed.format);
  return options;
}

void print_text(const std::string& file, const lincheck::LincheckResult& result, double parse_s, double check_s) {
  const char* verdict = result.verdict == lincheck::LinVerdict::not_linearizable ? "NOT linearizable"
                                                                                 : lincheck::to_string(result.verdict);
  fmt::print("{}: {} ({}, {} operations in {} partition{}; parse {:.3f} ms, check {:.3f} ms)\n", file, verdict,
             result.model, result.operations.size(), result.partitions, result.partitions == 1 ? "" : "s",
             parse_s * 1e3, check_s * 1e3);
  if (!result.explanation.empty()) fmt::print("{}", result.explanation);
  std::fflush(stdout);
}

void print_json(const std::string& file, lincheck::HistoryFormat format, const lincheck::LincheckResult& result,
                double parse_s, double check_s) {
  nlohmann::json line = {
      {"file", file},
      {"verdict", lincheck::to_string(result.verdict)},
      {"model", result.model},
      {"format", lincheck::to_string(format)},
      {"operations", result.operations.size()},
      {"partitions", result.partitions},
      {"parse_seconds", parse_s},
      {"check_seconds", check_s},
      {"configurations", result.configurations},
      {"memory_bytes", result.memory_bytes},
  };
  if (!result.explanation.empty()) line["explanation"] = result.explanation;
  if (result.violation) line["failing_operation"] = result.violation->operation + 1;
  fmt::print("{}\n", line.dump());
  std::fflush(stdout);
}

void print_jepsen(const History& history, const lincheck::LincheckOptions& options, const lincheck::LincheckResult& result) {
  fmt::print("{}\n", lincheck::jepsen_result_edn(history, options, result));
  std::fflush(stdout);
}

int severity(lincheck::LinVerdict verdict) {
  return verdict == lincheck::LinVerdict::not_linearizable ? 2 : verdict == lincheck::LinVerdict::unknown ? 1 : 0;
}

// ---- transactions (--model txn, list-append, rw-register) ----

void check_txn_args(const LincheckArgs& args) {
  if (!args.isolation.empty() && !txn::parse_isolation(args.isolation)) {
    throw UsageError(fmt::format("unknown --isolation '{}' (serializable, snapshot-isolation)", args.isolation));
  }
  const std::pair<bool, const char*> linearizability_only[] = {
      {args.jepsen, "--jepsen"}, {!args.html.empty(), "--html"}, {!args.fail_means.empty(), "--fail-means"},
      {!args.nil_read.empty(), "--nil-read"}, {!args.initial.empty(), "--initial"}, {args.no_split, "--no-split"},
      {args.no_prune, "--no-prune"}};
  for (const auto& [given, name] : linearizability_only) {
    if (given) throw UsageError(fmt::format("{} is an option of the linearizability models, not of transactions", name));
  }
}

const char* txn_verdict(const txn::TxnCheckResult& result) {
  if (result.serializable) return "serializable";
  return result.snapshot_isolation ? "NOT serializable, but snapshot isolation" : "NOT serializable, NOT snapshot isolation";
}

void print_txn(const std::string& file, lincheck::HistoryFormat format, const txn::TxnCheckResult& result,
               txn::Isolation isolation, bool json, double parse_s, double check_s) {
  if (!json) {
    fmt::print("{}: {} ({}, {} transactions; parse {:.3f} ms, check {:.3f} ms)\n{}", file, txn_verdict(result),
               txn::to_string(result.model), result.transactions.size(), parse_s * 1e3, check_s * 1e3, result.explanation);
    std::fflush(stdout);
    return;
  }
  nlohmann::json anomalies = nlohmann::json::array();
  for (const txn::Anomaly& a : result.anomalies) {
    std::vector<std::string> names;
    std::vector<std::string> edges;
    for (const std::uint32_t t : a.transactions) names.push_back(fmt::format("T{}", t + 1));
    for (const txn::EdgeKind e : a.edges) edges.push_back(txn::to_string(e));
    anomalies.push_back({{"name", a.name}, {"transactions", names}, {"edges", edges}, {"sentence", a.sentence}});
  }
  const nlohmann::json line = {{"file", file},
                               {"model", txn::to_string(result.model)},
                               {"format", lincheck::to_string(format)},
                               {"isolation", txn::to_string(isolation)},
                               {"valid", result.holds(isolation)},
                               {"serializable", result.serializable},
                               {"snapshot_isolation", result.snapshot_isolation},
                               {"transactions", result.transactions.size()},
                               {"anomalies", anomalies},
                               {"parse_seconds", parse_s},
                               {"check_seconds", check_s}};
  fmt::print("{}\n", line.dump());
  std::fflush(stdout);
}

// Returns whether the history holds at the isolation level asked for.
bool check_txn_file(const LincheckArgs& args, const std::string& file, const lincheck::ParsedHistory& parsed,
                    const std::string& model, double parse_s) {
  check_txn_args(args);
  txn::TxnCheckOptions options;
  options.model = txn::txn_model_of(model);
  options.source = file;
  options.event_lines = parsed.event_lines;
  const auto check_start = std::chrono::steady_clock::now();
  const txn::TxnCheckResult result = txn::check_transactions(parsed.events, options);
  const double check_s = seconds_since(check_start);
  const txn::Isolation isolation = args.isolation.empty() ? txn::Isolation::serializable : *txn::parse_isolation(args.isolation);
  print_txn(file, parsed.format, result, isolation, args.json, parse_s, check_s);
  return result.holds(isolation);
}

int run(const LincheckArgs& args) {
  std::optional<lincheck::HistoryFormat> format;
  if (!args.format.empty()) format = lincheck::parse_format_name(args.format);
  if (!args.format.empty() && !format) throw UsageError(fmt::format("unknown format '{}' (etcd, kv, edn, jsonl)", args.format));
  if (!args.model.empty() && !lincheck::is_model(args.model) && !txn::is_txn_model(args.model)) {
    throw UsageError(fmt::format("unknown model '{}' (models: {}, txn, list-append, rw-register)", args.model,
                                 fmt::join(lincheck::model_names(), ", ")));
  }
  check_semantics_args(args);
  if (!args.isolation.empty() && !args.model.empty() && !txn::is_txn_model(args.model)) {
    throw UsageError("--isolation is an option of the transactional models: give --model txn, list-append or rw-register");
  }
  if (txn::is_txn_model(args.model)) check_txn_args(args);
  lincheck::LinVerdict worst = lincheck::LinVerdict::linearizable;
  std::vector<lincheck::HtmlSection> sections;
  for (const std::string& file : args.files) {
    const auto parse_start = std::chrono::steady_clock::now();
    const std::string text = lincheck::read_file(file);
    lincheck::ParsedHistory parsed = lincheck::parse_history(text, file, format);
    if (format == lincheck::HistoryFormat::kv) parsed.format = lincheck::HistoryFormat::kv;
    const double parse_s = seconds_since(parse_start);
    for (const std::string& warning : parsed.warnings) fmt::print(stderr, "corridor lincheck: warning: {}\n", warning);
    if (const std::string model = model_for(args, parsed); txn::is_txn_model(model)) {
      if (!check_txn_file(args, file, parsed, model, parse_s)) worst = lincheck::LinVerdict::not_linearizable;
      continue;
    }
    if (!args.isolation.empty()) {
      throw UsageError(fmt::format("--isolation is an option of transactions, and {} is checked for linearizability", file));
    }
    lincheck::LincheckOptions options = options_for(args, file, parsed);
    const auto check_start = std::chrono::steady_clock::now();
    lincheck::LincheckResult result = lincheck::check_history(parsed.events, options);
    const double check_s = seconds_since(check_start);
    if (args.json) print_json(file, parsed.format, result, parse_s, check_s);
    else if (args.jepsen) print_jepsen(parsed.events, options, result);
    else print_text(file, result, parse_s, check_s);
    if (severity(result.verdict) > severity(worst)) worst = result.verdict;
    if (!args.html.empty()) sections.push_back(lincheck::HtmlSection{file, std::move(parsed.events), std::move(options), std::move(result)});
  }
  if (!args.html.empty()) {
    std::ofstream out(args.html, std::ios::binary);
    if (!out) throw UsageError(fmt::format("cannot write the HTML page {}", args.html));
    out << lincheck::render_html(sections);
    if (!out.flush()) throw UsageError(fmt::format("cannot write the HTML page {}", args.html));
  }
  return lincheck::exit_code_of(worst);
}

}  // namespace

void add_lincheck_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LincheckArgs>();
  auto* cmd = app.add_subcommand(
      "lincheck",
      "Check recorded histories for linearizability, or transactions for serializability and snapshot isolation "
      "(exit 0 holds, 1 not, 4 unknown: budget ran out)");
  cmd->add_option("files", args->files, "History files: etcd logs, Jepsen EDN, kv logs, corridor JSON Lines")
      ->required();
  cmd->add_option("--model", args->model,
                  "register, cas-register, multi-register, kv, lock, queue, set, counter; for transactions txn, "
                  "list-append, rw-register (default: cas-register for etcd logs, kv for kv logs, txn for Elle's "
                  "[:r ..] [:w ..] [:append ..] transactions, otherwise inferred from the functions)");
  cmd->add_option("--isolation", args->isolation,
                  "Transactions: the level whose anomalies exit 1, serializable (default) or snapshot-isolation");
  cmd->add_option("--format", args->format, "etcd, kv, edn or jsonl (default: detected from the content)");
  cmd->add_flag("--json", args->json, "One JSON object per file: verdict, parse_seconds, check_seconds, ...");
  cmd->add_flag("--jepsen", args->jepsen, "One EDN map per file as Jepsen's Knossos prints it (:valid?, :op, :configs)");
  cmd->add_option("--fail-means", args->fail_means,
                  "not-happened (a failed operation did not happen) or observed (a failed cas saw a different "
                  "value); default: Jepsen's not-happened for EDN, observed otherwise");
  cmd->add_option("--nil-read", args->nil_read,
                  "unknown (a read of nil constrains nothing) or value (the register holds nil); default: "
                  "Knossos's unknown for EDN, value otherwise");
  cmd->add_option("--initial", args->initial,
                  "The initial value of the register models: nil, an integer or a string (default nil)");
  cmd->add_option("--html", args->html, "Write a self-contained HTML page of the histories to this file");
  cmd->add_flag("--no-split", args->no_split, "Check all keys as one map state instead of one key at a time");
  cmd->add_flag("--no-prune", args->no_prune, "Use the plain search (no pruning of indeterminate operations)");
  cmd->add_option("--time-budget", args->time_budget_s, "Seconds per file before the verdict is unknown (default 60)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--memory-budget-mb", args->memory_budget_mb, "MiB of search memory per file (default 2048)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args->threads, "Threads for the partitions (default: one per core)");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace corridor::cli
