#include "cli/grade/modes.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#define XXH_INLINE_ALL  // header-only, as traces/trace.cpp uses it
#include <xxhash.h>

#include "model/verdict.hpp"

namespace corridor::grade {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t claims_max = 1000;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read '{}'", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A file submission (a test file, a claims file): its digest is that of its bytes.
Sources file_sources(const std::string& path, const std::string& bytes) {
  Sources s;
  s.dir = fs::path(path).parent_path().string();
  s.files = {fs::path(path).filename().string()};
  s.digest = fmt::format("xxh3:{:016x}", XXH3_64bits(bytes.data(), bytes.size()));
  return s;
}

std::vector<std::string> list_variants(const std::string& tool, const std::string& protocol, const std::string& cwd) {
  ChildLimits limits;
  const ChildResult c = run_child({tool, "list", "--json"}, cwd, limits, "\x01", 60);
  std::string text;
  for (const std::string& line : c.lines) text += line + "\n";
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> variants;
  if (j.is_object() && j.contains("protocols")) {
    for (const auto& p : j["protocols"]) {
      if (p.value("name", "") != protocol) continue;
      for (const auto& v : p["variants"]) variants.push_back(v.value("name", ""));
    }
  }
  return variants;
}

// One scenario at one node count against one variant of the staff tool.
TestResult run_against(const Suite& suite, Scenario s, std::size_t index, std::size_t node_index, const std::string& variant,
                       const StaffTool& staff, const std::string& name, const GradeOptions& options) {
  s.variant = variant;
  s.fraction = false;
  s.points = 0;
  s.seeds = std::min(s.seeds, suite.failure_tests.seeds_max);
  return run_test(suite, s, index, node_index, staff.build.tool, fmt::format("{}/{}", name, variant), options, staff.relative);
}

std::string test_label(const Scenario& s, std::uint32_t nodes) { return fmt::format("{} ({} nodes)", s.id, nodes); }

// "a 'b c' \"d\"" -> a, b c, d.
std::optional<std::vector<std::string>> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) return std::nullopt;
  if (in_word) words.push_back(word);
  return words;
}

struct Claim {
  std::uint32_t line = 0;
  std::string text;
  std::string variant;
  std::string seed;
  std::string invariant;
  Scenario scenario;  // the arguments, as a one-seed scenario
};

std::vector<Claim> read_claims(const std::string& path, const std::string& bytes, const std::vector<std::string>& variants) {
  std::vector<Claim> claims;
  std::stringstream in(bytes);
  std::uint32_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::size_t hash = line.find('#');
    const std::string body = hash == std::string::npos ? line : line.substr(0, hash);
    const auto words = split_words(body);
    if (!words) throw InputError(fmt::format("{}:{}: a quote is not closed", path, number));
    if (words->empty()) continue;
    if (words->size() < 3) {
      throw InputError(fmt::format("{}:{}: a claim is 'VARIANT SEED INVARIANT [--nodes N] [--faults S] ...', not '{}'", path, number, body));
    }
    Claim c;
    c.line = number;
    c.text = body;
    c.variant = (*words)[0];
    c.seed = (*words)[1];
    c.invariant = (*words)[2];
    if (std::find(variants.begin() + 1, variants.end(), c.variant) == variants.end()) {
      std::string known;
      for (std::size_t i = 1; i < variants.size(); ++i) known += (known.empty() ? "" : ", ") + variants[i];
      throw InputError(fmt::format("{}:{}: '{}' is not a planted bug of the staff protocol (known: {})", path, number, c.variant, known));
    }
    if (c.seed.empty() || c.seed.find_first_not_of("0123456789abcdefxABCDEFX") != std::string::npos) {
      throw InputError(fmt::format("{}:{}: '{}' is not a seed (decimal or 0x hex)", path, number, c.seed));
    }
    c.scenario.id = fmt::format("claim-{}", number);
    c.scenario.seeds = 1;
    c.scenario.nodes = {3};
    for (std::size_t i = 3; i < words->size(); i += 2) {
      const std::string& option = (*words)[i];
      if (i + 1 >= words->size()) throw InputError(fmt::format("{}:{}: {} needs a value", path, number, option));
      const std::string& value = (*words)[i + 1];
      if (option == "--nodes") {
        if (value.empty() || value.size() > 2 || value.find_first_not_of("0123456789") != std::string::npos) {
          throw InputError(fmt::format("{}:{}: --nodes '{}' is not a node count", path, number, value));
        }
        c.scenario.nodes = {static_cast<std::uint32_t>(std::stoul(value))};
      } else if (option == "--faults") c.scenario.faults = value;
      else if (option == "--clock") c.scenario.clock = value;
      else if (option == "--fault-plan") c.scenario.fault_plan = value;
      else if (option == "--time-limit") c.scenario.time_limit = value;
      else if (option == "--explorer") c.scenario.explorer = value;
      else {
        throw InputError(fmt::format("{}:{}: unknown option '{}' (a claim takes --nodes, --faults, --clock, --fault-plan, "
                                     "--time-limit, --explorer)", path, number, option));
      }
    }
    claims.push_back(std::move(c));
    if (claims.size() > claims_max) throw InputError(fmt::format("{}: more than {} claims", path, claims_max));
  }
  if (claims.empty()) throw InputError(fmt::format("{}:1: the file holds no claim", path));
  return claims;
}

void total(SubmissionGrade& g, double earned, double max) {
  g.max_score = round_points(max);
  g.score = round_points(std::min(earned, max));
}

}  // namespace

StaffTool build_staff(const Suite& suite, const GradeOptions& options) {
  if (suite.staff.empty()) throw InputError(fmt::format("{}:1: this mode needs staff = \"FOLDER\", the staff protocol with its planted bugs", suite.path));
  const std::string dir = (fs::path(suite.path).parent_path() / suite.staff).string();
  StaffTool staff;
  const Sources sources = find_sources(dir);
  staff.build = build_submission(sources, (fs::path(options.out_dir) / "build" / "staff").string(), "staff", options.prefix,
                                 ChildLimits{}, suite.limits.build_seconds);
  if (!staff.build.ok) throw InputError(fmt::format("{}: the staff protocol in {} does not build:\n{}", suite.path, dir, staff.build.log));
  staff.relative = "build/staff/build/staff";
  staff.variants = list_variants(staff.build.tool, suite.protocol, options.out_dir);
  if (staff.variants.size() < 2) {
    throw InputError(fmt::format("{}: the staff protocol registers no '{}' with planted-bug variants", suite.path, suite.protocol));
  }
  return staff;
}

SubmissionGrade grade_failure_tests(const Suite& suite, const StaffTool& staff, const std::string& test_file,
                                    const GradeOptions& options) {
  std::string bytes;
  const std::vector<Scenario> tests = read_scenarios(test_file, &bytes);
  if (tests.empty()) throw InputError(fmt::format("{}:1: the file holds no [[scenario]] test", test_file));
  for (const Scenario& s : tests) {
    if (s.nodes.empty()) throw InputError(fmt::format("{}:{}: test '{}' needs nodes = [N, ...]", test_file, s.line, s.id));
  }
  SubmissionGrade g;
  g.name = tool_name_for(fs::path(test_file).stem().string());
  g.sources = file_sources(test_file, bytes);
  g.build = staff.build;
  std::map<std::string, std::string> exposed_by;  // variant -> the first test exposing it
  std::map<std::string, TestResult> exposing;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    for (std::size_t k = 0; k < tests[i].nodes.size(); ++k) {
      const std::string label = test_label(tests[i], tests[i].nodes[k]);
      TestResult on_reference = run_against(suite, tests[i], i, k, staff.variants[0], staff, g.name, options);
      if (on_reference.first_failure) {
        on_reference.name = fmt::format("invalid test {}: it fails on the correct protocol", label);
        on_reference.tags = {"invalid"};
        on_reference.status_override = "failed";
        g.tests.push_back(on_reference);
        continue;
      }
      for (std::size_t v = 1; v < staff.variants.size(); ++v) {
        if (exposed_by.contains(staff.variants[v])) continue;
        TestResult r = run_against(suite, tests[i], i, k, staff.variants[v], staff, g.name, options);
        if (r.first_failure && r.first_failure->klass != "build") {
          exposed_by[staff.variants[v]] = label;
          exposing[staff.variants[v]] = r;
        }
      }
    }
  }
  const double per_bug = suite.failure_tests.points_per_bug;
  std::vector<TestResult> bugs;
  for (std::size_t v = 1; v < staff.variants.size(); ++v) {
    const std::string& variant = staff.variants[v];
    TestResult t;
    if (exposing.contains(variant)) {
      t = exposing[variant];
      t.score = per_bug;
      t.seeds_passed = t.seeds;  // for the table: the test did its job
      t.status_override = "passed";
    } else {
      t.status_override = "failed";
      t.output_override = fmt::format("No valid test fails on {}: it is not exposed.", variant);
    }
    t.id = variant;
    t.name = exposed_by.contains(variant) ? fmt::format("exposes {} (test {})", variant, exposed_by[variant])
                                          : fmt::format("exposes {}: no valid test fails on it", variant);
    t.number = fmt::format("{}", v);
    t.max_score = per_bug;
    t.visibility = "visible";
    t.tags = {variant};
    bugs.push_back(t);
  }
  bugs.insert(bugs.end(), g.tests.begin(), g.tests.end());
  g.tests = bugs;
  double earned = 0;
  for (const TestResult& t : g.tests) earned += t.score;
  total(g, earned, suite.failure_tests.max_points > 0 ? suite.failure_tests.max_points : per_bug * static_cast<double>(staff.variants.size() - 1));
  return g;
}

SubmissionGrade grade_claims(const Suite& suite, const StaffTool& staff, const std::string& claims_file,
                             const GradeOptions& options) {
  const std::string bytes = read_bytes(claims_file);
  const std::vector<Claim> claims = read_claims(claims_file, bytes, staff.variants);
  SubmissionGrade g;
  g.name = tool_name_for(fs::path(claims_file).stem().string());
  g.sources = file_sources(claims_file, bytes);
  g.build = staff.build;
  double earned = 0;
  for (std::size_t i = 0; i < claims.size(); ++i) {
    const Claim& c = claims[i];
    Scenario s = c.scenario;
    s.variant = c.variant;
    std::uint64_t seed = 0;
    try {
      seed = std::stoull(c.seed, nullptr, c.seed.starts_with("0x") || c.seed.starts_with("0X") ? 16 : 10);
    } catch (const std::exception&) {
      throw InputError(fmt::format("{}:{}: '{}' is not a seed (decimal or 0x hex)", claims_file, c.line, c.seed));
    }
    const SeedOutcome o = run_one_seed(suite, s, s.nodes[0], seed, staff.build.tool, fmt::format("{}/claim-{}", g.name, c.line), options);
    TestResult t;
    t.id = s.id;
    t.nodes = s.nodes[0];
    t.number = fmt::format("{}", i + 1);
    t.max_score = suite.claims.points_per_claim;
    t.visibility = "visible";
    t.tags = {c.variant, c.invariant};
    t.seeds = 1;
    t.name = fmt::format("claim at line {}: {}", c.line, c.text);
    const bool reproduced = (o.klass == "safety" || o.klass == "liveness") && o.invariant == c.invariant;
    t.score = reproduced ? t.max_score : 0;
    earned += t.score;
    if (reproduced) {
      t.output_override = fmt::format("Reproduced: seed `{:#x}` on {} violates `{}`: {}", seed, c.variant, o.invariant, o.sentence);
    } else if (o.klass == "pass") {
      t.output_override = fmt::format("Not reproduced: seed `{:#x}` on {} holds every invariant.", seed, c.variant);
    } else {
      t.output_override = fmt::format("Not reproduced: seed `{:#x}` on {} ends in {}{}: {}", seed, c.variant, o.klass,
                                      o.invariant.empty() ? "" : " of " + o.invariant, o.sentence);
    }
    t.status_override = reproduced ? "passed" : "failed";
    g.tests.push_back(t);
  }
  total(g, earned, suite.claims.max_points > 0 ? suite.claims.max_points : suite.claims.points_per_claim * static_cast<double>(claims.size()));
  return g;
}

bool self_check(const Suite& given, const StaffTool& staff, const GradeOptions& options) {
  // The staff's own scenarios run every seed they declare (seeds_max caps students' tests only).
  Suite suite = given;
  suite.failure_tests.seeds_max = UINT64_MAX;
  bool ok = true;
  std::set<std::string> exposed;
  for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
    const Scenario& s = suite.scenarios[i];
    for (std::size_t k = 0; k < s.nodes.size(); ++k) {
      const std::string label = test_label(s, s.nodes[k]);
      const TestResult ref = run_against(suite, s, i, k, staff.variants[0], staff, "self-check", options);
      if (ref.first_failure) {
        fmt::print("  {}: FAILS on the correct variant ({}: {})\n", label, ref.first_failure->klass, ref.first_failure->sentence);
        ok = false;
        continue;
      }
      std::string found;
      for (std::size_t v = 1; v < staff.variants.size(); ++v) {
        const TestResult r = run_against(suite, s, i, k, staff.variants[v], staff, "self-check", options);
        if (r.first_failure && r.first_failure->klass != "build") {
          exposed.insert(staff.variants[v]);
          found += fmt::format("{}{} ({} at seed {:#x})", found.empty() ? "" : ", ", staff.variants[v],
                               r.first_failure->invariant.empty() ? r.first_failure->klass : r.first_failure->invariant,
                               r.first_failure->seed);
        }
      }
      fmt::print("  {}: holds on the correct variant; exposes {}\n", label, found.empty() ? "nothing" : found);
      std::fflush(stdout);
    }
  }
  for (std::size_t v = 1; v < staff.variants.size(); ++v) {
    if (!exposed.contains(staff.variants[v])) {
      fmt::print("  no scenario exposes {}\n", staff.variants[v]);
      ok = false;
    }
  }
  return ok;
}

}  // namespace corridor::grade
