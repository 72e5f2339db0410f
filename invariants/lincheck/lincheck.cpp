#include "invariants/lincheck/lincheck.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "invariants/lincheck/explanation.hpp"
#include "invariants/lincheck/models/counter.hpp"
#include "invariants/lincheck/models/kv.hpp"
#include "invariants/lincheck/models/lock.hpp"
#include "invariants/lincheck/models/map.hpp"
#include "invariants/lincheck/models/queue.hpp"
#include "invariants/lincheck/models/register.hpp"
#include "invariants/lincheck/models/set.hpp"
#include "invariants/lincheck/operation_pairing.hpp"
#include "invariants/lincheck/partition_check.hpp"

namespace corridor::lincheck {

const char* to_string(LinVerdict verdict) {
  switch (verdict) {
    case LinVerdict::linearizable: return "linearizable";
    case LinVerdict::not_linearizable: return "not linearizable";
    case LinVerdict::unknown: return "unknown";
  }
  return "?";
}

Verdict to_verdict(LinVerdict verdict) {
  switch (verdict) {
    case LinVerdict::linearizable: return Verdict::pass;
    case LinVerdict::not_linearizable: return Verdict::safety;
    case LinVerdict::unknown: return Verdict::hung;
  }
  return Verdict::hung;
}

int exit_code_of(LinVerdict verdict) { return static_cast<int>(to_verdict(verdict)); }

namespace {

// Below this many operations in all, threads cost more than they save.
constexpr std::size_t parallel_operations_min = 512;

struct Prepared {
  ValueCodec codec;
  std::vector<Operation> ops;     // every compiled operation, in call order
  std::vector<std::string> keys;  // by dense key index
  std::vector<Partition> partitions;
};

template <class Model>
void compile_operations(const History& history, const LincheckOptions& options, Prepared& prepared,
                        LincheckResult& result) {
  const std::vector<PairedOperation> paired = pair_operations(history, options.source, options.event_lines);
  std::unordered_map<std::string_view, std::uint32_t> key_index;
  std::vector<Operation>& ops = prepared.ops;
  ops.reserve(paired.size());
  result.operations.reserve(paired.size());
  for (const PairedOperation& pair : paired) {
    const HistoryEvent& call = history[pair.call_event];
    const HistoryEvent* completion = pair.completion_event == no_event ? nullptr : &history[pair.completion_event];
    Operation op;
    op.call_event = pair.call_event;
    op.return_event = pair.outcome == Outcome::unknown ? no_event : pair.completion_event;
    op.process = call.process;
    op.outcome = pair.outcome;
    try {
      if (!Model::compile(OperationEvents{call, completion, pair.outcome}, prepared.codec, op)) continue;
    } catch (const ModelInputError& e) {
      throw InputError(fmt::format("{}: {}", event_location(options.source, options.event_lines, pair.call_event),
                                   e.what()));
    }
    const auto [it, inserted] = key_index.try_emplace(call.key, static_cast<std::uint32_t>(prepared.keys.size()));
    if (inserted) prepared.keys.push_back(call.key);
    op.key = it->second;
    prepared.ops.push_back(op);
    result.operations.push_back(CheckedOperation{call.process, call.key, op.call_event, op.return_event, op.outcome, {}});
    if (options.describe_operations) result.operations.back().description = Model::describe(op, prepared.codec);
  }
  const bool split = options.split_by_key && prepared.keys.size() > 1;
  prepared.partitions.resize(split ? prepared.keys.size() : 1);
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    Partition& partition = prepared.partitions[split ? ops[i].key : 0];
    partition.ops.push_back(ops[i]);
    partition.global_id.push_back(i);
  }
  for (std::size_t p = 0; p < prepared.partitions.size(); ++p) {
    if (split || prepared.keys.size() == 1) prepared.partitions[p].key = prepared.keys[split ? p : 0];
  }
}

unsigned thread_count(const LincheckOptions& options, const Prepared& prepared, std::size_t operation_count) {
  if (prepared.partitions.size() < 2 || operation_count < parallel_operations_min) return 1;
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(threads, prepared.partitions.size()));
}

template <class Model>
void run_partitions(const Prepared& prepared, const LincheckOptions& options, std::size_t operation_count,
                    std::vector<PartitionOutcome>& outcomes) {
  Budget budget;
  budget.deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(options.time_budget_s));
  budget.memory_bytes_max = options.memory_budget_bytes;
  const SearchMode mode = options.prune ? SearchMode::pruned : SearchMode::plain;
  const bool whole_map = prepared.partitions.size() == 1 && prepared.keys.size() > 1;
  // Largest partitions first, for balance; the reported violation is still the lowest index.
  std::vector<std::uint32_t> order(prepared.partitions.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return prepared.partitions[a].ops.size() > prepared.partitions[b].ops.size();
  });
  outcomes.assign(prepared.partitions.size(), PartitionOutcome{});
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) {
      const std::uint32_t index = order[k];
      if (budget.cancelled(index)) {
        outcomes[index].verdict = SearchVerdict::cancelled;
        continue;
      }
      const Partition& partition = prepared.partitions[index];
      if (whole_map) {
        outcomes[index] = check_partition(
            partition, MapModel<Model>(prepared.codec, static_cast<std::uint32_t>(prepared.keys.size())), mode,
            budget, index);
      } else {
        outcomes[index] = check_partition(partition, Model(prepared.codec), mode, budget, index);
      }
    }
  };
  const unsigned threads = thread_count(options, prepared, operation_count);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
}

// The operations a violation names get their description even when not every operation has one.
template <class Model>
void describe_involved(const Prepared& prepared, LincheckResult& result) {
  const Violation& violation = *result.violation;
  auto describe = [&](std::uint32_t id) {
    std::string& description = result.operations[id].description;
    if (description.empty()) description = Model::describe(prepared.ops[id], prepared.codec);
  };
  describe(violation.operation);
  for (const std::uint32_t id : violation.longest_prefix) describe(id);
  for (const Violation::Concurrent& concurrent : violation.concurrent) describe(concurrent.operation);
}

template <class Model>
LincheckResult check_with(const History& history, const LincheckOptions& options) {
  LincheckResult result;
  result.model = std::string(Model::name);
  Prepared prepared;
  compile_operations<Model>(history, options, prepared, result);
  std::vector<PartitionOutcome> outcomes;
  run_partitions<Model>(prepared, options, result.operations.size(), outcomes);
  result.partitions = prepared.partitions.size();
  bool out_of_time = false;
  bool out_of_memory = false;
  for (std::size_t p = 0; p < outcomes.size(); ++p) {
    const PartitionOutcome& outcome = outcomes[p];
    result.configurations += outcome.configurations;
    result.memory_bytes += outcome.memory_bytes;
    out_of_time |= outcome.verdict == SearchVerdict::out_of_time;
    out_of_memory |= outcome.verdict == SearchVerdict::out_of_memory;
    if (outcome.verdict == SearchVerdict::not_linearizable && !result.violation) {
      result.verdict = LinVerdict::not_linearizable;
      result.violation = outcome.violation;
    }
  }
  if (result.verdict != LinVerdict::not_linearizable && (out_of_time || out_of_memory)) {
    result.verdict = LinVerdict::unknown;
    result.explanation = explain_unknown(options, result, out_of_time);
  }
  if (result.violation) {
    describe_involved<Model>(prepared, result);
    result.explanation = explain_violation_in_words(options, result);
  }
  return result;
}

using CheckFunction = LincheckResult (*)(const History&, const LincheckOptions&);

struct ModelEntry {
  const char* name;
  CheckFunction check;
};

constexpr ModelEntry models[] = {
    {"register", &check_with<RegisterModel>}, {"cas-register", &check_with<CasRegisterModel>},
    {"kv", &check_with<KvModel>},             {"lock", &check_with<LockModel>},
    {"queue", &check_with<QueueModel>},       {"set", &check_with<SetModel>},
    {"counter", &check_with<CounterModel>},
};

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const ModelEntry& entry : models) names.emplace_back(entry.name);
  return names;
}

bool is_model(const std::string& name) {
  return std::any_of(std::begin(models), std::end(models), [&](const ModelEntry& e) { return name == e.name; });
}

LincheckResult check_history(const History& history, const LincheckOptions& options) {
  if (options.time_budget_s <= 0) throw UsageError("the time budget must be positive");
  if (options.memory_budget_bytes == 0) throw UsageError("the memory budget must be positive");
  for (const ModelEntry& entry : models) {
    if (options.model == entry.name) return entry.check(history, options);
  }
  throw UsageError(fmt::format("unknown model '{}' (models: {})", options.model, fmt::join(model_names(), ", ")));
}

}  // namespace corridor::lincheck
