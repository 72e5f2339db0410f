#include <gtest/gtest.h>

#include "model/sim_config.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

using namespace corridor;

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration_ns("5ms"), ms(5));
  EXPECT_EQ(parse_duration_ns("-2s"), -seconds(2));
  EXPECT_EQ(parse_duration_ns("1.5s"), ms(1500));
  EXPECT_EQ(parse_duration_ns("200us"), us(200));
  EXPECT_EQ(parse_duration_ns("7ns"), 7);
  EXPECT_EQ(parse_duration_ns("2min"), seconds(120));
  EXPECT_FALSE(parse_duration_ns("5"));
  EXPECT_FALSE(parse_duration_ns("ms"));
  EXPECT_FALSE(parse_duration_ns("5parsecs"));
  EXPECT_EQ(format_duration(ms(1500)), "1500ms");
  EXPECT_EQ(format_duration(seconds(2)), "2s");
  EXPECT_EQ(format_duration(-seconds(2)), "-2s");
  EXPECT_EQ(format_duration(17), "17ns");
}

TEST(Units, RatesAndProbabilities) {
  EXPECT_EQ(parse_ppm("200ppm"), 200);
  EXPECT_EQ(parse_ppm("2%"), 20'000);
  EXPECT_FALSE(parse_ppm("200"));
  EXPECT_EQ(parse_probability("0.02"), 0.02);
  EXPECT_EQ(parse_probability("2%"), 0.02);
  EXPECT_FALSE(parse_probability("1.5"));
}

// Numbers are read by the grammar of std::from_chars in every build (model/units.cpp reads them
// itself because libc++ has no floating-point from_chars): no hex, no spaces, no '+' before the
// digits, digits on one side of the point at least, an exponent with digits.
TEST(Units, NumbersHaveOneGrammarInEveryStandardLibrary) {
  EXPECT_EQ(parse_duration_ns(".5s"), ms(500));
  EXPECT_EQ(parse_duration_ns("5.s"), seconds(5));
  EXPECT_EQ(parse_duration_ns("-1.25E3ms"), -ms(1250));
  EXPECT_EQ(parse_duration_ns("2e-3s"), ms(2));
  EXPECT_EQ(parse_probability("0.02"), 0.02);
  for (const char* bad : {"0x1p-2", " 0.5", "0.5 ", ".", "-", "1e", "1e+", "--1", "1..2", "inf", "nan", "1e999"}) {
    EXPECT_FALSE(parse_probability(bad)) << bad;
    EXPECT_FALSE(parse_duration_ns(std::string(bad) + "s")) << bad;
  }
}

// Byte sizes (--memory, --run-memory) read their number with the same grammar as durations, so
// a clang/libc++ build (no floating-point std::from_chars) accepts exactly what a gcc one does.
TEST(Units, ByteSizes) {
  EXPECT_EQ(parse_bytes("4096"), 4096u);
  EXPECT_EQ(parse_bytes("12B"), 12u);
  EXPECT_EQ(parse_bytes("256MiB"), 256u << 20);
  EXPECT_EQ(parse_bytes("1.5GiB"), 3u << 29);
  EXPECT_EQ(parse_bytes("2MB"), 2'000'000u);
  EXPECT_EQ(parse_bytes("8G"), 8ull << 30);
  EXPECT_EQ(parse_bytes(".5K"), 512u);
  for (const char* bad : {"", "lots", "-1MiB", "MiB", "12 MiB", "1e", "99999999TiB", "12mib"}) {
    EXPECT_FALSE(parse_bytes(bad)) << bad;
  }
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(3u << 29), "1.5 GiB");
}

TEST(Specs, FaultSpecGrammar) {
  SimConfig c;
  apply_fault_spec("crash=2,partition,loss=0.02,dup=0.01,delay=exp:1ms:5ms,fifo,pause=3", c);
  EXPECT_EQ(c.faults.crash, 2u);
  EXPECT_EQ(c.faults.partition, 1u);
  EXPECT_EQ(c.faults.pause, 3u);
  EXPECT_DOUBLE_EQ(c.link.loss, 0.02);
  EXPECT_DOUBLE_EQ(c.link.dup, 0.01);
  EXPECT_TRUE(c.link.fifo);
  EXPECT_EQ(c.link.delay.kind, DelaySpec::Kind::exponential);
  EXPECT_EQ(c.link.delay.text(), "exp:1ms:5ms");
}

TEST(Specs, ClockSpecGrammar) {
  SimConfig c;
  apply_clock_spec("drift=200ppm,skew=5ms,jump=-2s", c);
  EXPECT_EQ(c.clock.drift_ppm, 200);
  EXPECT_EQ(c.clock.skew_ns, ms(5));
  EXPECT_EQ(c.clock.jump_ns, -seconds(2));
  EXPECT_EQ(c.clock.jumps, 1u);
}

TEST(Specs, BadItemsAreUsageErrorsThatNameTheItem) {
  SimConfig c;
  try {
    apply_fault_spec("crash=2,lossy=3", c);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("lossy"), std::string::npos);
  }
  EXPECT_THROW(apply_fault_spec("loss=7", c), UsageError);
  EXPECT_THROW(apply_fault_spec("delay=uniform:5ms:1ms", c), UsageError);
  EXPECT_THROW(apply_clock_spec("drift=fast", c), UsageError);
  EXPECT_THROW(apply_clock_spec("drift=60%", c), UsageError);
}
