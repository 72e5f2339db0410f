#include "cli/grade/report.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#define XXH_INLINE_ALL  // header-only, as traces/trace.cpp uses it
#include <xxhash.h>

#include "cli/grade/sandbox.hpp"
#include "traces/trace.hpp"

namespace corridor::grade {

namespace fs = std::filesystem;

namespace {

std::string points_text(double p) {
  std::string s = fmt::format("{:.2f}", p);
  while (s.ends_with("0")) s.pop_back();
  if (s.ends_with(".")) s.pop_back();
  return s;
}

std::string status_of(const TestResult& t) {
  if (!t.status_override.empty()) return t.status_override;
  return t.score >= t.max_score ? "passed" : "failed";
}

// A passed test is "pass" even where a run failed (a failure test exposing its bug).
std::string class_of(const TestResult& t) {
  if (status_of(t) == "passed") return "pass";
  return t.first_failure ? t.first_failure->klass : "failed";
}

// A failing test's output: the first failing seed, the sentence, the shrunk trace's size and the
// line that replays it (run in the results folder).
std::string test_output(const TestResult& t) {
  if (!t.output_override.empty()) return t.output_override;
  if (!t.first_failure) return fmt::format("All {} seeds held.", t.seeds);
  const SeedOutcome& f = *t.first_failure;
  std::string out;
  if (f.klass == "build") return fmt::format("**build**: {}", f.sentence);
  out += fmt::format("**{}** at seed `{:#x}` (seed {} of {}", f.klass, f.seed, f.index + 1, t.seeds);
  if (t.fraction) out += fmt::format("; {} of {} seeds held", t.seeds_passed, t.seeds);
  out += ")";
  out += f.invariant.empty() ? fmt::format(": {}\n", f.sentence) : fmt::format(": `{}`: {}\n", f.invariant, f.sentence);
  if (!f.shrunk.empty()) {
    out += fmt::format("\nShrunk trace: {} events (from {}): `{}`\n", f.shrunk_events, f.events, f.shrunk);
  } else if (!f.trace.empty()) {
    out += fmt::format("\nTrace: {} events: `{}`\n", f.events, f.trace);
  }
  if (!t.replay.empty()) out += fmt::format("\nReplay: `{}`\n", t.replay);
  if (!t.picture.empty()) out += fmt::format("\nPicture: `{}`\n", t.picture);
  return out;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

nlohmann::ordered_json results_json(const SubmissionGrade& g, const Suite& suite, const ReportContext& context) {
  nlohmann::ordered_json tests = nlohmann::ordered_json::array();
  for (const TestResult& t : g.tests) {
    tests.push_back({{"name", t.name},
                     {"number", t.number},
                     {"score", t.score},
                     {"max_score", t.max_score},
                     {"status", status_of(t)},
                     {"output", test_output(t)},
                     {"output_format", "md"},
                     {"visibility", t.visibility},
                     {"tags", t.tags}});
  }
  std::string output = fmt::format("**{}**: {} of {} points ({} mode).\n", suite.name, points_text(g.score),
                                   points_text(g.max_score), context.mode);
  if (!g.problem.empty()) output += fmt::format("\n{}\n", g.problem);
  if (!g.build.ok && !g.build.log.empty()) output += fmt::format("\n```\n{}```\n", g.build.log);
  return {{"score", g.score}, {"output", output}, {"output_format", "md"}, {"visibility", "visible"},
          {"tests", tests}};
}

std::string junit_xml(const SubmissionGrade& g, const Suite& suite) {
  std::size_t failures = 0;
  std::size_t errors = 0;
  for (const TestResult& t : g.tests) {
    const std::string k = class_of(t);
    if (k == "safety" || k == "liveness") ++failures;
    else if (k != "pass") ++errors;
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", xml_escape(suite.name),
                     g.tests.size(), failures, errors);
  xml += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", xml_escape(g.name), g.tests.size(),
                     failures, errors);
  for (const TestResult& t : g.tests) {
    xml += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\"", xml_escape(g.name), xml_escape(t.id), xml_escape(t.name));
    const std::string k = class_of(t);
    if (k == "pass") {
      xml += "/>\n";
      continue;
    }
    // Safety and liveness are the protocol being wrong (failures); the rest is the program being
    // unable to finish (errors).
    const char* element = k == "safety" || k == "liveness" ? "failure" : "error";
    const std::string message = t.first_failure ? t.first_failure->sentence : test_output(t);
    xml += fmt::format(">\n      <{} type=\"{}\" message=\"{}\">{}</{}>\n    </testcase>\n", element, k,
                       xml_escape(message), xml_escape(test_output(t)), element);
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::string report_md(const SubmissionGrade& g, const Suite& suite, const ReportContext& context) {
  std::string md = fmt::format("# {}: {}\n\n", suite.name, g.name);
  md += fmt::format("Score: **{} of {}** ({} mode, suite `{}`, master seed {:#x}).\n\n", points_text(g.score),
                    points_text(g.max_score), context.mode, context.suite_path, suite.master_seed);
  md += fmt::format("Isolation of the submission's code: {}.\n\n", describe(isolation_layers()));
  if (!suite.history_model.empty() && context.mode == "protocol") {
    md += fmt::format("History re-checked by the grader in its own process, from the history each passing seed wrote: "
                      "linearizable "
                      "(model {}), for the scenarios that name it.\n\n", suite.history_model);
  }
  if (!g.problem.empty()) md += g.problem + "\n\n";
  if (!g.build.ok && !g.build.log.empty()) md += fmt::format("Compiler output:\n\n```\n{}```\n\n", g.build.log);
  md += "| # | test | score | result | seeds held | first failing seed |\n|---|---|---|---|---|---|\n";
  for (const TestResult& t : g.tests) {
    md += fmt::format("| {} | {} | {} / {} | {} | {} / {} | {} |\n", t.number, t.name, points_text(t.score),
                      points_text(t.max_score), class_of(t), t.first_failure && !t.fraction ? "-" : std::to_string(t.seeds_passed),
                      t.seeds, t.first_failure && t.first_failure->klass != "build" ? fmt::format("`{:#x}`", t.first_failure->seed) : "-");
  }
  for (const TestResult& t : g.tests) {
    if (!t.first_failure || t.first_failure->klass == "build" || !t.output_override.empty()) continue;
    md += fmt::format("\n## {} {}\n\n{}\n", t.number, t.name, test_output(t));
    if (!t.shrunk_text.empty()) md += fmt::format("\n```\n{}\n```\n", t.shrunk_text);
  }
  return md;
}

void write_text(const fs::path& path, const std::string& text) { write_file_whole(path.string(), text); }

}  // namespace

std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  return fmt::format("xxh3:{:016x}", XXH3_64bits(bytes.data(), bytes.size()));
}

std::string write_reports(const SubmissionGrade& g, const Suite& suite, const std::string& out_dir,
                          const ReportContext& context) {
  const fs::path dir = fs::path(out_dir) / g.name;
  fs::create_directories(dir);
  write_text(dir / "results.json", results_json(g, suite, context).dump(2) + "\n");
  write_text(dir / "junit.xml", junit_xml(g, suite));
  write_text(dir / "report.md", report_md(g, suite, context));
  nlohmann::ordered_json timings = {{"build_seconds", g.build.seconds}};
  nlohmann::ordered_json tests = nlohmann::ordered_json::object();
  double run_seconds = 0;
  for (const TestResult& t : g.tests) {
    std::vector<std::string> seeds;
    for (const std::uint64_t seed : t.seed_list) seeds.push_back(fmt::format("{:#x}", seed));
    tests[t.name] = {{"seconds", t.seconds}, {"arguments", t.arguments}, {"seeds", seeds}};
    run_seconds += t.seconds;
  }
  timings["run_seconds"] = run_seconds;
  timings["tests"] = tests;
  write_text(dir / "timings.json", timings.dump(2) + "\n");
  const std::string suite_digest = fmt::format("xxh3:{:016x}", XXH3_64bits(suite.text.data(), suite.text.size()));
  nlohmann::ordered_json grade = {
      {"corridor_grade", 1},
      {"tool", trace_tool_text("corridor")},
      {"mode", context.mode},
      {"suite", {{"path", context.suite_path}, {"digest", suite_digest}}},
      {"submission", {{"path", context.submission_path}, {"digest", g.sources.digest}, {"files", g.sources.files}}},
      {"check_determinism", context.check_determinism},
      {"score", g.score},
      {"max_score", g.max_score},
      {"results",
       {{"results.json", file_digest((dir / "results.json").string())},
        {"junit.xml", file_digest((dir / "junit.xml").string())},
        {"report.md", file_digest((dir / "report.md").string())}}},
  };
  write_text(dir / "grade.json", grade.dump(2) + "\n");
  return (dir / "grade.json").string();
}

}  // namespace corridor::grade
