#include "model/witness.hpp"

#include <algorithm>

#include "model/assert.hpp"

namespace corridor {

namespace {

bool kebab(const std::string& name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

void check_witnesses(const std::vector<WitnessInfo>& witnesses) {
  CORRIDOR_ASSERT_MSG(witnesses.size() <= witnesses_max, "at most 64 witnesses: a search carries them as one word");
  for (std::size_t i = 0; i < witnesses.size(); ++i) {
    CORRIDOR_ASSERT_MSG(kebab(witnesses[i].name), "a witness is named in kebab-case (lease-held)");
    CORRIDOR_ASSERT_MSG(!witnesses[i].description.empty(), "a witness says what the reached state shows");
    for (std::size_t j = 0; j < i; ++j) {
      CORRIDOR_ASSERT_MSG(witnesses[j].name != witnesses[i].name, "a witness name is declared once per protocol");
    }
  }
}

}  // namespace corridor
