# The fuzz targets: each names a function of corridor::fuzz (fuzz/fuzz_targets.hpp) and has a seed
# corpus in fuzz/corpus/NAME/ and the inputs a fuzzer found in fuzz/regressions/NAME/. Read by
# fuzz/CMakeLists.txt (libFuzzer programs) and tests/fuzz (the same bodies under GoogleTest).
# The grading suite file (issue 13) adds `suite_file` here with its reader.
set(corridor_fuzz_targets
  trace
  history_etcd
  history_edn
  history_jsonl
  fault_plan
  fault_spec
  clock_spec
  link_spec
)
