// One libFuzzer program per reader: CMake compiles this file once per target in
// fuzz/targets.cmake, with CORRIDOR_FUZZ_TARGET naming the body in fuzz/fuzz_targets.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.hpp"

#ifndef CORRIDOR_FUZZ_TARGET
#error "CORRIDOR_FUZZ_TARGET must name a function of corridor::fuzz"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)corridor::fuzz::CORRIDOR_FUZZ_TARGET(corridor::fuzz::as_text(data, size));
  return 0;
}
