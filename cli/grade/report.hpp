#pragma once
// What grading writes for one submission, into OUT/<submission>/: results.json (Gradescope's
// autograder format), junit.xml, report.md and grade.json (the digests of suite, submission and
// results) are byte-identical on a regrade: no timestamps, absolute paths or host names, and every
// list in a fixed order. Wall-clock figures go to timings.json only.
#include <string>

#include "cli/grade/grader.hpp"
#include "cli/grade/suite.hpp"

namespace corridor::grade {

struct ReportContext {
  std::string mode = "protocol";     // protocol, failure-tests, claims
  std::string suite_path;            // relative to where grade ran
  std::string submission_path;       // relative to where grade ran
  bool check_determinism = false;
};

// Writes the five files; returns the path of grade.json.
std::string write_reports(const SubmissionGrade& g, const Suite& suite, const std::string& out_dir,
                          const ReportContext& context);

// xxh3 of a file's bytes, "xxh3:<16 hex>"; empty when it cannot be read.
std::string file_digest(const std::string& path);

}  // namespace corridor::grade
