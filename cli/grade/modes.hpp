#pragma once
// The two kinds of submission that are not a protocol, both run against the staff protocol (the
// suite's `staff` folder: the reference with its planted bugs as variants), built once:
//
// - failure-tests: a student's scenarios (TOML, [[scenario]] tables, no code). A test that fails
//   on the correct variant is invalid (listed, scores nothing); a valid test that fails on a
//   planted-bug variant exposes that bug. Points per exposed bug, up to the suite's maximum.
// - claims: lines "VARIANT SEED INVARIANT [--nodes N] [--faults S] [--clock S] [--fault-plan S]
//   [--time-limit D] [--explorer E] [--pct-depth D]" that must reproduce the named violation.
//
// `self_check` runs the suite's own scenarios as failure tests: they must expose every variant.
#include <string>
#include <vector>

#include "cli/grade/grader.hpp"
#include "cli/grade/suite.hpp"

namespace corridor::grade {

struct StaffTool {
  BuildResult build;
  std::string relative;               // how a replay line names it, from the results folder
  std::vector<std::string> variants;  // variants[0] the correct one
};

// Builds the staff protocol into out_dir/build/staff; InputError when the suite names none or
// the build fails (the staff's code is the suite's: a failure there is bad input, exit 65).
StaffTool build_staff(const Suite& suite, const GradeOptions& options);

SubmissionGrade grade_failure_tests(const Suite& suite, const StaffTool& staff, const std::string& test_file,
                                    const GradeOptions& options);
SubmissionGrade grade_claims(const Suite& suite, const StaffTool& staff, const std::string& claims_file,
                             const GradeOptions& options);

// Prints which of the suite's scenarios expose which variant; false when one is exposed by none
// (or a scenario fails on the correct variant).
bool self_check(const Suite& suite, const StaffTool& staff, const GradeOptions& options);

}  // namespace corridor::grade
