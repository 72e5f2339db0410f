#include "invariants/lincheck/lincheck.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>

#include "invariants/lincheck/explanation.hpp"
#include "invariants/lincheck/models/counter.hpp"
#include "invariants/lincheck/models/kv.hpp"
#include "invariants/lincheck/models/lock.hpp"
#include "invariants/lincheck/models/map.hpp"
#include "invariants/lincheck/models/multi_register.hpp"
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
  ValueCode initial = nil_code;   // the register models' initial value (Semantics::initial)
  std::vector<Operation> ops;     // every compiled operation, in call order
  std::vector<std::string> keys;  // by dense key index
  std::vector<Partition> partitions;
};

// The dense index of `key`, added if new: a scan while there are few keys, a hash map after.
std::uint32_t key_index_of(const std::string& key, std::vector<std::string>& keys,
                           std::unordered_map<std::string, std::uint32_t>& index) {
  constexpr std::size_t scanned_keys_max = 16;
  if (keys.size() <= scanned_keys_max) {
    for (std::uint32_t i = 0; i < keys.size(); ++i) {
      // the first byte first: keys are often a character or two, and memcmp is a call
      if (keys[i].size() == key.size() && (key.empty() || keys[i][0] == key[0]) && keys[i] == key) return i;
    }
    if (keys.size() < scanned_keys_max) {
      keys.push_back(key);
      return static_cast<std::uint32_t>(keys.size() - 1);
    }
    for (std::uint32_t i = 0; i < keys.size(); ++i) index.emplace(keys[i], i);
  }
  const auto [it, inserted] = index.try_emplace(key, static_cast<std::uint32_t>(keys.size()));
  if (inserted) keys.push_back(key);
  return it->second;
}

template <class Model>
void compile_operations(const History& history, const LincheckOptions& options, Prepared& prepared,
                        LincheckResult& result) {
  const std::vector<PairedOperation> paired = pair_operations(history, options.source, options.event_lines);
  std::unordered_map<std::string, std::uint32_t> key_index;
  std::vector<Operation>& ops = prepared.ops;
  ops.reserve(paired.size());
  prepared.codec.reserve(paired.size() + 1);
  result.operations.reserve(paired.size());
  const Semantics& semantics = options.semantics;
  if (semantics.initial) prepared.initial = prepared.codec.scalar(*semantics.initial);
  for (const PairedOperation& pair : paired) {
    // Jepsen's reading: a failed operation did not happen, whatever its function.
    if (pair.outcome == Outcome::fail && semantics.fail_means == FailMeans::not_happened) continue;
    const HistoryEvent& call = history[pair.call_event];
    const HistoryEvent* completion = pair.completion_event == no_event ? nullptr : &history[pair.completion_event];
    Operation op;
    op.call_event = pair.call_event;
    op.return_event = pair.outcome == Outcome::unknown ? no_event : pair.completion_event;
    op.process = call.process;
    op.outcome = pair.outcome;
    try {
      if (!Model::compile(OperationEvents{call, completion, pair.outcome, semantics.nil_read}, prepared.codec, op)) continue;
    } catch (const ModelInputError& e) {
      throw InputError(fmt::format("{}: {}", event_location(options.source, options.event_lines, pair.call_event),
                                   e.what()));
    }
    op.key = key_index_of(call.key, prepared.keys, key_index);
    prepared.ops.push_back(op);
    result.operations.push_back(CheckedOperation{call.process, call.key, op.call_event, op.return_event, op.outcome, {}});
    if (options.describe_operations) result.operations.back().description = Model::describe(op, prepared.codec);
  }
  const bool split = options.split_by_key && prepared.keys.size() > 1;
  prepared.partitions.resize(split ? prepared.keys.size() : 1);
  std::vector<std::uint32_t> sizes(prepared.partitions.size(), 0);
  for (const Operation& op : ops) sizes[split ? op.key : 0]++;
  for (std::size_t p = 0; p < sizes.size(); ++p) {
    prepared.partitions[p].ops.reserve(sizes[p]);
    prepared.partitions[p].global_id.reserve(sizes[p]);
  }
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    Partition& partition = prepared.partitions[split ? ops[i].key : 0];
    partition.ops.push_back(ops[i]);
    partition.global_id.push_back(i);
  }
  for (std::size_t p = 0; p < prepared.partitions.size(); ++p) {
    if (split || prepared.keys.size() == 1) prepared.partitions[p].key = prepared.keys[split ? p : 0];
  }
}

// A model with an initial value (the registers) starts from the one the options give.
template <class Model>
Model make_model(const Prepared& prepared) {
  if constexpr (std::is_constructible_v<Model, const ValueCodec&, ValueCode>) return Model(prepared.codec, prepared.initial);
  else return Model(prepared.codec);
}

unsigned thread_count(const LincheckOptions& options, const Prepared& prepared) {
  if (prepared.partitions.size() < 2 || prepared.ops.size() < parallel_operations_min) return 1;
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(threads, prepared.partitions.size()));
}

void set_budget(const LincheckOptions& options, Budget& budget) {
  budget.deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                           std::chrono::duration<double>(options.time_budget_s));
  budget.memory_bytes_max = options.memory_budget_bytes;
}

// The partitions' searches run in slices, round robin, on a few threads: a slice of a partition
// doubles each time it comes round, so a partition that finishes fast (often one with a violation)
// finishes early, and the first violation stops them all. With one thread the order of slices,
// and so the violation reported, is the same on every run.
template <class Model>
void run_partitions(const Prepared& prepared, const LincheckOptions& options, std::vector<PartitionOutcome>& outcomes) {
  constexpr std::uint64_t slice_iterations_min = 1u << 11;
  constexpr std::uint64_t slice_iterations_max = 1u << 22;
  Budget budget;
  set_budget(options, budget);
  const SearchMode mode = options.prune ? SearchMode::pruned : SearchMode::plain;
  const std::size_t n = prepared.partitions.size();
  outcomes.assign(n, PartitionOutcome{SearchVerdict::cancelled, 0, 0, std::nullopt});
  std::vector<std::unique_ptr<PartitionJob<Model>>> jobs(n);
  std::vector<std::uint64_t> slice(n, slice_iterations_min);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t i = 0; i < n; ++i) queue.push_back(i);
  std::mutex mutex;
  auto worker = [&] {
    for (;;) {
      std::uint32_t index = 0;
      {
        const std::lock_guard lock(mutex);
        if (queue.empty() || budget.violation_found()) return;
        index = queue.front();
        queue.pop_front();
      }
      if (!jobs[index]) jobs[index] = std::make_unique<PartitionJob<Model>>(prepared.partitions[index], make_model<Model>(prepared), mode, budget, options.explain);
      const SearchVerdict verdict = jobs[index]->run_for(slice[index]);
      if (verdict == SearchVerdict::running) {
        slice[index] = std::min(slice[index] * 2, slice_iterations_max);
        const std::lock_guard lock(mutex);
        queue.push_back(index);
        continue;
      }
      outcomes[index] = jobs[index]->finish(verdict);
      jobs[index].reset();
    }
  };
  const unsigned threads = thread_count(options, prepared);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (jobs[i]) outcomes[i] = jobs[i]->finish(SearchVerdict::cancelled);  // stopped by a violation elsewhere
  }
}

// One partition holding every key: the whole map is one state.
template <class Model>
void run_whole_map(const Prepared& prepared, const LincheckOptions& options, std::vector<PartitionOutcome>& outcomes) {
  Budget budget;
  set_budget(options, budget);
  const SearchMode mode = options.prune ? SearchMode::pruned : SearchMode::plain;
  using Map = MapModel<Model>;
  PartitionJob<Map> job(prepared.partitions[0], Map(make_model<Model>(prepared), static_cast<std::uint32_t>(prepared.keys.size())),
                        mode, budget, options.explain);
  SearchVerdict verdict = SearchVerdict::running;
  while (verdict == SearchVerdict::running) verdict = job.run_for(std::uint64_t{1} << 40);
  outcomes.assign(1, job.finish(verdict));
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
  if (options.semantics.initial && !std::is_constructible_v<Model, const ValueCodec&, ValueCode>) {
    throw UsageError(fmt::format("an initial value is for the register models (register, cas-register, "
                                 "multi-register), not {}", Model::name));
  }
  LincheckResult result;
  result.model = std::string(Model::name);
  Prepared prepared;
  compile_operations<Model>(history, options, prepared, result);
  std::vector<PartitionOutcome> outcomes;
  if (prepared.partitions.size() == 1 && prepared.keys.size() > 1) run_whole_map<Model>(prepared, options, outcomes);
  else run_partitions<Model>(prepared, options, outcomes);
  result.partitions = prepared.partitions.size();
  bool out_of_time = false;
  bool out_of_memory = false;
  for (std::size_t p = 0; p < outcomes.size(); ++p) {
    const PartitionOutcome& outcome = outcomes[p];
    result.configurations += outcome.configurations;
    result.memory_bytes += outcome.memory_bytes;
    out_of_time |= outcome.verdict == SearchVerdict::out_of_time;
    out_of_memory |= outcome.verdict == SearchVerdict::out_of_memory;
    if (outcome.verdict == SearchVerdict::not_linearizable && result.verdict != LinVerdict::not_linearizable) {
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
    {"multi-register", &check_with<MultiRegisterModel>},
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
