#pragma once
// What a search's memory budget is measured against: the machine's physical memory (the default
// budget is a share of it, and no budget may exceed it) and the process's resident set, which is
// what the kernel's out-of-memory killer and the user see.
#include <cstdint>

namespace corridor {

// Physical memory of this machine, or the memory limit of this process's control group when that
// is lower (a container sees its own share, not the host's).
std::uint64_t physical_memory_bytes();

// The budget when none is given: half of physical_memory_bytes(), so that a search leaves the rest
// of the machine room to work.
std::uint64_t default_memory_budget_bytes();
inline constexpr const char* default_memory_budget_text = "half of physical memory";

// This process's resident set size now (from /proc/self/statm), 0 where it cannot be read.
std::uint64_t resident_bytes();

}  // namespace corridor
