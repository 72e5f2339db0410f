// Check time of corridor's linearizability checker on every Porcupine history, next to
// Porcupine's own times (PORCUPINE_TIMES.tsv, measured on this kind of machine), and on two
// generated Jepsen-style EDN histories Porcupine has no model for: a multi-register of
// transactions, and an `independent` cas-register history of [k v] tuples split into keys.
//
//   build/bench/bench_lincheck --table [--runs N] [--threads N] [--only SUBSTRING] [--explain]
//
// prints a Markdown table: per file the verdict, our median check time (parsing excluded: the
// parsed history is checked again and again, as Go's benchmark loop does), the median parse time, the search's peak memory, Porcupine's
// time and the ratio Porcupine / ours against the target of the issue; then the totals, and the
// process's peak resident memory.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <tuple>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"

namespace {

using corridor::lincheck::LincheckOptions;
using corridor::lincheck::LincheckResult;

struct Row {
  std::string name;        // as in PORCUPINE_TIMES.tsv
  std::string file;        // empty: `text` is the history
  std::string text;
  bool whole_map = false;
  double target_ratio = 0;  // Porcupine / ours at least this (0: no target)
  bool from_zero = false;   // registers start at 0, as Knossos's (cas-register 0)
};

struct Measured {
  std::string verdict;
  double check_s = 0;
  double parse_s = 0;
  std::size_t memory_bytes = 0;
  std::size_t configurations = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Parses the file a few times (the parse time), then checks the parsed history again and again,
// as Go's benchmark loop does for Porcupine: the median of the check times.
Measured measure(const Row& row, int runs_min, unsigned threads, bool explain) {
  constexpr double seconds_per_file_max = 0.5;
  const std::string text = row.file.empty() ? row.text : corridor::lincheck::read_file(row.file);
  const std::string source = row.file.empty() ? row.name : row.file;
  std::vector<double> parse_s, check_s;
  corridor::lincheck::ParsedHistory parsed;
  for (int run = 0; run < runs_min; ++run) {
    const auto start = std::chrono::steady_clock::now();
    parsed = corridor::lincheck::parse_history(text, source);
    parse_s.push_back(seconds(start));
  }
  LincheckOptions options;
  options.model = corridor::lincheck::infer_model(parsed);
  options.semantics = corridor::lincheck::semantics_of(parsed.format);  // as the program reads the file
  if (row.from_zero) options.semantics.initial = corridor::HistoryValue{std::int64_t{0}};
  options.split_by_key = !row.whole_map;
  options.threads = threads;
  options.explain = explain;
  Measured out;
  const auto begin = std::chrono::steady_clock::now();
  for (int run = 0; run < runs_min || (run < 2000 && seconds(begin) < seconds_per_file_max / 2); ++run) {
    const auto start = std::chrono::steady_clock::now();
    const LincheckResult result = corridor::lincheck::check_history(parsed.events, options);
    check_s.push_back(seconds(start));
    out.verdict = corridor::lincheck::to_string(result.verdict);
    out.memory_bytes = std::max(out.memory_bytes, result.memory_bytes);
    out.configurations = result.configurations;
    if (seconds(begin) > seconds_per_file_max && run + 1 >= 3) break;
  }
  out.parse_s = median(parse_s);
  out.check_s = median(check_s);
  return out;
}

std::map<std::string, double> porcupine_times_s(const std::string& path) {
  std::map<std::string, double> times;
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return times;
  char line[512];
  while (std::fgets(line, sizeof line, f)) {
    std::string s(line);
    const auto tab = s.rfind('\t');
    if (tab == std::string::npos || s.starts_with("history")) continue;
    times[s.substr(0, tab)] = std::stod(s.substr(tab + 1)) * 1e-9;
  }
  std::fclose(f);
  return times;
}

std::string duration(double s) {
  if (s >= 1) return fmt::format("{:.2f} s", s);
  if (s >= 1e-3) return fmt::format("{:.2f} ms", s * 1e3);
  return fmt::format("{:.1f} µs", s * 1e6);
}

// A small deterministic generator (an LCG), so the generated rows are the same on every run.
struct Lcg {
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  std::uint32_t below(std::uint32_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>((state >> 33) % n);
  }
};

// Operations executed one after another at points 10 apart, each given an interval of up to 14
// either side, on `processes` clients in turn (so one client's intervals never overlap): a
// linearizable history with much concurrency. `event(i, invoke)` writes operation i's events.
template <class Event>
std::string interleave(std::uint32_t ops, Lcg& lcg, Event event) {
  struct Timed {
    std::uint32_t time, kind, op;
  };
  std::vector<Timed> timed;
  for (std::uint32_t i = 0; i < ops; ++i) {
    timed.push_back(Timed{10 * i + 20 - lcg.below(15), 1, i});
    timed.push_back(Timed{10 * i + 21 + lcg.below(15), 0, i});
  }
  std::sort(timed.begin(), timed.end(),
            [](const Timed& a, const Timed& b) { return std::tie(a.time, a.kind, a.op) < std::tie(b.time, b.kind, b.op); });
  std::string text;
  for (const Timed& t : timed) text += event(t.op, t.kind == 1);
  return text;
}

// Knossos's multi-register: transactions of 1 to 3 reads and writes over 3 registers, 4 clients.
std::string multi_register_history(std::uint32_t ops) {
  Lcg lcg;
  std::map<char, int> registers;
  std::vector<std::string> invocation(ops), completion(ops);
  for (std::uint32_t i = 0; i < ops; ++i) {
    const std::uint32_t micros = 1 + lcg.below(3);
    std::string in = "[", out = "[";
    for (std::uint32_t m = 0; m < micros; ++m) {
      const char key = static_cast<char>('x' + lcg.below(3));
      if (lcg.below(2) == 0) {
        const auto it = registers.find(key);
        in += fmt::format("[:read :{} nil]", key);
        out += fmt::format("[:read :{} {}]", key, it == registers.end() ? std::string("nil") : std::to_string(it->second));
      } else {
        const int value = static_cast<int>(lcg.below(5));
        registers[key] = value;
        in += fmt::format("[:write :{} {}]", key, value);
        out += fmt::format("[:write :{} {}]", key, value);
      }
    }
    invocation[i] = in + "]";
    completion[i] = out + "]";
  }
  return interleave(ops, lcg, [&](std::uint32_t i, bool invoke) {
    return fmt::format("{{:process {}, :type :{}, :f :txn, :value {}}}\n", i % 4, invoke ? "invoke" : "ok",
                       invoke ? invocation[i] : completion[i]);
  });
}

// Jepsen's independent checker: cas registers on `keys` keys, each starting at 0, values [k v],
// 5 clients; a cas whose comparison is false fails (under Jepsen's reading: it did not happen).
std::string independent_history(std::uint32_t keys, std::uint32_t ops) {
  Lcg lcg;
  std::vector<int> registers(keys, 0);
  std::vector<std::string> f(ops), invocation(ops), completion(ops), type(ops, "ok");
  for (std::uint32_t i = 0; i < ops; ++i) {
    const std::uint32_t key = lcg.below(keys);
    const int a = static_cast<int>(lcg.below(4)), b = static_cast<int>(lcg.below(4));
    switch (lcg.below(3)) {
      case 0:
        f[i] = "read";
        invocation[i] = fmt::format("[{} nil]", key);
        completion[i] = fmt::format("[{} {}]", key, registers[key]);
        break;
      case 1:
        f[i] = "write";
        registers[key] = a;
        invocation[i] = completion[i] = fmt::format("[{} {}]", key, a);
        break;
      default:
        f[i] = "cas";
        invocation[i] = completion[i] = fmt::format("[{} [{} {}]]", key, a, b);
        if (registers[key] == a) registers[key] = b;
        else type[i] = "fail";
    }
  }
  return interleave(ops, lcg, [&](std::uint32_t i, bool invoke) {
    return fmt::format("{{:process {}, :type :{}, :f :{}, :value {}}}\n", i % 5, invoke ? "invoke" : type[i], f[i],
                       invoke ? invocation[i] : completion[i]);
  });
}

std::vector<Row> generated_rows() {
  std::vector<Row> out;
  out.push_back(Row{"generated/multi-register 1000 txns", "", multi_register_history(1000), false, 0});
  out.push_back(Row{"generated/independent 10 keys 2000 ops", "", independent_history(10, 2000), false, 0, true});
  return out;
}

std::vector<Row> rows(const std::string& root) {
  std::vector<Row> out;
  for (int i = 0; i < 50; ++i) {
    const std::string name = fmt::format("etcd/etcd_{:03}.log", i);
    out.push_back(Row{name, root + "/" + name, "", false, 0});
  }
  for (const char* kv : {"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"}) {
    const std::string name = fmt::format("kv/{}.txt", kv);
    out.push_back(Row{name, root + "/" + name, "", false, 5});
  }
  for (const char* kv : {"c01-ok", "c01-bad", "c10-ok", "c10-bad"}) {
    const std::string name = fmt::format("kv/{}.txt", kv);
    const bool c10 = std::string(kv).starts_with("c10");
    out.push_back(Row{name + " whole-map-model", root + "/" + name, "", true, c10 ? 10.0 : 0.0});
  }
  for (Row& row : generated_rows()) out.push_back(std::move(row));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  unsigned threads = 0;
  bool table = false;
  bool explain = false;  // Porcupine's times are of CheckOperations: the verdict alone
  std::string only;  // measure only the rows whose name contains this (or is this, followed by $)
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--table") table = true;
    else if (arg == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--explain") explain = true;
    else if (arg == "--only" && i + 1 < argc) only = argv[++i];
    else if (arg == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::atoi(argv[++i]));
    else {
      fmt::print(stderr, "usage: bench_lincheck --table [--runs N] [--threads N] [--only SUBSTRING] [--explain]\n");
      return 64;
    }
  }
  if (!table) {
    fmt::print(stderr, "usage: bench_lincheck --table [--runs N] [--threads N] [--only SUBSTRING] [--explain]\n");
    return 64;
  }
  const std::string root = std::string(CORRIDOR_SHARED_DATA) + "/histories/porcupine";
  if (!std::filesystem::exists(root)) {
    fmt::print(stderr, "bench_lincheck: {} is absent: nothing to measure\n", root);
    return 0;
  }
  const auto porcupine = porcupine_times_s(root + "/PORCUPINE_TIMES.tsv");
  fmt::print("| history | verdict | corridor check | parse | search memory | Porcupine | Porcupine / corridor | target |\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---|\n");
  double etcd_ours = 0, etcd_theirs = 0, etcd_parse = 0;
  for (const Row& row : rows(root)) {
    if (!only.empty() && row.name.find(only) == std::string::npos && row.name + "$" != only) continue;
    const Measured m = measure(row, runs, threads, explain);
    const auto it = porcupine.find(row.name);
    const double theirs = it == porcupine.end() ? 0 : it->second;
    const double ratio = theirs / m.check_s;
    std::string target = "-";
    if (row.target_ratio > 0) target = fmt::format("≥ {:g}: {}", row.target_ratio, ratio >= row.target_ratio ? "met" : "NOT met");
    if (row.name.starts_with("etcd")) {
      etcd_ours += m.check_s;
      etcd_theirs += theirs;
      etcd_parse += m.parse_s;
    }
    fmt::print("| {} | {} | {} | {} | {:.1f} KiB | {} | {} | {} |\n", row.name, m.verdict, duration(m.check_s),
               duration(m.parse_s), static_cast<double>(m.memory_bytes) / 1024, theirs > 0 ? duration(theirs) : "-",
               theirs > 0 ? fmt::format("{:.1f}", ratio) : "-", target);
    std::fflush(stdout);
  }
  const double etcd_ratio = etcd_theirs / etcd_ours;
  fmt::print("| **etcd total (50 files)** | | **{}** | {} | | **{}** | **{:.1f}** | ≥ 10: {} |\n", duration(etcd_ours),
             duration(etcd_parse), duration(etcd_theirs), etcd_ratio, etcd_ratio >= 10 ? "met" : "NOT met");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("\nPeak resident memory of the whole benchmark process: {:.1f} MiB.\n", static_cast<double>(usage.ru_maxrss) / 1024);
  return 0;
}
