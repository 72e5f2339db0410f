#pragma once
// A self-contained HTML page of checked histories: per file the verdict and its explanation, a
// timeline with one lane per client and one bar per operation (green: in the longest linearizable
// prefix, numbered in linearization order; red: the operation that cannot be linearized; orange:
// the operations concurrent with it; grey: the rest), and the partial linearization as a list.
#include <string>
#include <string_view>
#include <vector>

#include "invariants/lincheck/lincheck.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

struct HtmlSection {
  std::string title;  // the file name
  History history;
  LincheckOptions options;
  LincheckResult result;  // best with options.describe_operations, so every bar has a tooltip
};

std::string render_html(const std::vector<HtmlSection>& sections);

// Text made safe inside HTML or SVG markup and attribute values (& < > ").
std::string escape_html(std::string_view text);

}  // namespace corridor::lincheck
