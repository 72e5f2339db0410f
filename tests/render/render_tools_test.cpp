// The pictures in the tools people open them with: Graphviz's dot draws the DOT graph, and
// headless Chromium opens the HTML page without script errors, its script builds the lanes, and a
// screenshot shows them. Each test skips, saying why, where its tool is absent
// (scripts/setup.sh --with-render-tools installs them). Every tool runs under `timeout`.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "render_fixture.hpp"
#include "traces/render_dot.hpp"
#include "traces/render_html.hpp"
#include "traces/space_time_style.hpp"

#ifdef CORRIDOR_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace corridor;

namespace {

bool have(const char* tool) { return std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()) == 0; }

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("corridor-render-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct Browser {
  std::filesystem::path dir;
  // Headless Chromium with a fresh profile in `dir`, killed after 60 s if it hangs.
  std::string command(const std::string& flags) const {
    return "timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
           "--user-data-dir=" + (dir / "profile").string() + " " + flags;
  }
};

#define SKIP_WITHOUT(tool)                                                                                            \
  if (!have(tool)) GTEST_SKIP() << tool << " is not installed: run scripts/setup.sh --with-render-tools to test this"

const Trace& trace() {
  static const Trace t = test::lease_trace(seconds(3));
  return t;
}

}  // namespace

TEST(RenderTools, DotDrawsTheHappensBeforeGraph) {
  SKIP_WITHOUT("dot");
  const auto dir = scratch("dot");
  for (const bool reduce : {false, true}) {
    TraceWindow w;
    w.to_step = 300;
    std::ofstream(dir / "hb.dot") << render_dot(trace(), w, reduce);
    ASSERT_EQ(run("timeout 120 dot -Tsvg " + (dir / "hb.dot").string() + " -o " + (dir / "hb.svg").string() + " 2>" +
                  (dir / "dot.err").string()),
              0)
        << read_file(dir / "dot.err");
    const std::string svg = read_file(dir / "hb.svg");
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("cluster_n0"), std::string::npos);
    EXPECT_EQ(read_file(dir / "dot.err"), "") << "dot warned";
  }
  std::filesystem::remove_all(dir);
}

TEST(RenderTools, ChromiumRunsThePageWithoutErrorsAndBuildsTheLanes) {
  SKIP_WITHOUT("chromium");
  const Browser browser{scratch("dom")};
  const auto page = browser.dir / "trace.html";
  write_trace_html(page.string(), trace());
  const auto dom = browser.dir / "dom.html";
  const auto log = browser.dir / "console.log";
  ASSERT_EQ(run(browser.command("--enable-logging=stderr --v=0 --dump-dom file://" + page.string()) + " >" + dom.string() +
                " 2>" + log.string()),
            0)
      << read_file(log);
  const std::string html = read_file(dom);
  std::smatch m;
  const std::regex status(R"(<div id="status"([^>]*)>)");
  ASSERT_TRUE(std::regex_search(html, m, status)) << "no #status in the DOM";
  const std::string attributes = m[1];
  EXPECT_NE(attributes.find("data-ready=\"1\""), std::string::npos) << "the script did not finish: " << attributes;
  EXPECT_NE(attributes.find("data-errors=\"0\""), std::string::npos) << attributes;
  EXPECT_NE(attributes.find("data-lanes=\"6\""), std::string::npos) << attributes;
  EXPECT_NE(html.find("<ul id=\"errors\"></ul>"), std::string::npos) << "script errors were collected";
  // Chromium logs console messages as "CONSOLE(line)"; an uncaught error says "Uncaught".
  const std::string console = read_file(log);
  EXPECT_EQ(console.find("Uncaught"), std::string::npos) << console;
  EXPECT_EQ(console.find(":CONSOLE("), std::string::npos) << console;
  std::filesystem::remove_all(browser.dir);
}

TEST(RenderTools, ChromiumOpensATenThousandEventTrace) {
  SKIP_WITHOUT("chromium");
  const Trace big = test::lease_trace(seconds(25), 11);
  ASSERT_GE(big.events.size(), 10'000u);
  const Browser browser{scratch("big")};
  const auto page = browser.dir / "big.html";
  write_trace_html(page.string(), big);
  const auto dom = browser.dir / "dom.html";
  ASSERT_EQ(run(browser.command("--dump-dom 'file://" + page.string() + "#bench' >" + dom.string() + " 2>/dev/null")), 0);
  const std::string html = read_file(dom);
  EXPECT_NE(html.find("data-ready=\"1\""), std::string::npos);
  EXPECT_NE(html.find("data-errors=\"0\""), std::string::npos);
  EXPECT_NE(html.find("data-bench-fit-ms=\""), std::string::npos);
  std::filesystem::remove_all(browser.dir);
}

#ifdef CORRIDOR_HAVE_ZLIB
namespace {

struct Image {
  std::uint32_t width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // row-major, `channels` bytes a pixel
  const std::uint8_t* at(std::uint32_t x, std::uint32_t y) const { return &pixels[(std::size_t{y} * width + x) * channels]; }
};

std::uint32_t big_endian(const std::string& s, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(s[at])} << 24) | (std::uint32_t{static_cast<std::uint8_t>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(s[at + 2])} << 8) | std::uint32_t{static_cast<std::uint8_t>(s[at + 3])};
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// An 8-bit RGB or RGBA PNG, as Chromium writes screenshots; false for anything else.
bool decode_png(const std::string& file, Image& image) {
  if (file.size() < 33 || file.compare(1, 3, "PNG") != 0) return false;
  std::string compressed;
  for (std::size_t at = 8; at + 8 <= file.size();) {
    const std::uint32_t length = big_endian(file, at);
    const std::string type = file.substr(at + 4, 4);
    if (type == "IHDR") {
      image.width = big_endian(file, at + 8);
      image.height = big_endian(file, at + 12);
      const int depth = file[at + 16], color = file[at + 17], interlace = file[at + 20];
      if (depth != 8 || (color != 2 && color != 6) || interlace != 0) return false;
      image.channels = color == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed += file.substr(at + 8, length);
    }
    at += 12 + std::size_t{length};
  }
  const std::size_t stride = std::size_t{image.width} * image.channels;
  std::vector<std::uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK) return false;
  image.pixels.assign(stride * image.height, 0);
  for (std::uint32_t y = 0; y < image.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* in = &raw[y * (stride + 1) + 1];
    std::uint8_t* out = &image.pixels[y * stride];
    const std::uint8_t* up = y > 0 ? &image.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= image.channels ? out[i - image.channels] : 0;
      const int b = up ? up[i] : 0;
      const int c = up && i >= image.channels ? up[i - image.channels] : 0;
      const int predicted = filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : filter == 4 ? paeth(a, b, c) : 0;
      out[i] = static_cast<std::uint8_t>(in[i] + predicted);
    }
  }
  return true;
}

}  // namespace

TEST(RenderTools, ChromiumScreenshotShowsTheLanesAndTheHistory) {
  SKIP_WITHOUT("chromium");
  const Browser browser{scratch("shot")};
  const auto page = browser.dir / "trace.html";
  write_trace_html(page.string(), trace());
  const auto png = browser.dir / "shot.png";
  ASSERT_EQ(run(browser.command("--hide-scrollbars --window-size=1200,900 --screenshot=" + png.string() + " file://" +
                                page.string() + " >/dev/null 2>&1")),
            0);
  Image image;
  ASSERT_TRUE(decode_png(read_file(png), image)) << "not an 8-bit RGB(A) PNG: " << png;
  // A lane is a 2-pixel line in #cfd8dc across the diagram: count the rows where that colour
  // covers a third of the width or more (marks and arrows cross it here and there).
  const auto is = [&](std::uint32_t x, std::uint32_t y, int r, int g, int b) {
    const std::uint8_t* p = image.at(x, y);
    return std::abs(p[0] - r) < 8 && std::abs(p[1] - g) < 8 && std::abs(p[2] - b) < 8;
  };
  std::size_t lanes = 0, green_pixels = 0;
  bool previous_was_lane = false;
  for (std::uint32_t y = 0; y < image.height; ++y) {
    std::uint32_t lane_pixels = 0;
    for (std::uint32_t x = 0; x < image.width; ++x) {
      lane_pixels += is(x, y, 0xcf, 0xd8, 0xdc);
      green_pixels += is(x, y, 0x2e, 0x7d, 0x32);
    }
    const bool lane = lane_pixels > image.width / 3;
    if (lane && !previous_was_lane) ++lanes;
    previous_was_lane = lane;
  }
  EXPECT_EQ(lanes, 6u) << "lane lines seen in the screenshot " << png;
  EXPECT_GT(green_pixels, 500u) << "no completed operations drawn in the client history";
  if (!HasFailure()) std::filesystem::remove_all(browser.dir);
}
#else
TEST(RenderTools, ChromiumScreenshotShowsTheLanesAndTheHistory) {
  GTEST_SKIP() << "built without zlib (zlib1g-dev), so the screenshot's PNG cannot be read";
}
#endif
