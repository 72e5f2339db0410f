// For counting the instructions of the check under callgrind, which the machine's load does not
// change (bench/lincheck_instructions.sh runs it on every Porcupine file):
//
//   bench_lincheck_instructions FILE [whole]
//
// parses FILE, then checks it five times as bench_lincheck does (one thread, the verdict only, the
// format's reading; `whole`: all keys as one map) and prints how many checks said linearizable.
#include <cstdio>
#include <cstring>
#include <string>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"

int main(int argc, char** argv) {
  using namespace corridor::lincheck;
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_lincheck_instructions FILE [whole]\n");
    return 64;
  }
  const bool whole = argc > 2 && std::strcmp(argv[2], "whole") == 0;
  const std::string text = read_file(argv[1]);
  const ParsedHistory parsed = parse_history(text, argv[1]);
  LincheckOptions options;
  options.model = infer_model(parsed);
  options.split_by_key = !whole;
  options.threads = 1;
  options.explain = false;
  options.semantics = semantics_of(parsed.format);
  int linearizable = 0;
  for (int i = 0; i < 5; ++i) linearizable += check_history(parsed.events, options).verdict == LinVerdict::linearizable;
  std::printf("%d\n", linearizable);
  return 0;
}
