// cue_for: short, concrete texts with one-decimal times and whole percentages.
#include <gtest/gtest.h>

#include "protocols/rep_metrics.hpp"

namespace tempoload::protocols {
namespace {

RepMetrics rep(Verdict v, double conc_s, double ecc_s, double range_fraction = 1.0) {
  RepMetrics r;
  r.verdict = v;
  r.concentric_s = conc_s;
  r.eccentric_s = ecc_s;
  r.range_fraction = range_fraction;
  return r;
}

const TempoSpec kTempo;  // 3.0 s up, 3.5 s down

TEST(CueFor, GoodRep) {
  EXPECT_EQ(cue_for(rep(Verdict::kCounted, 3.1, 3.4), kTempo, 0.8), "good rep");
}

TEST(CueFor, TooFast) {
  EXPECT_EQ(cue_for(rep(Verdict::kTooFast, 3.0, 1.62), kTempo, 0.8),
            "lower slower: 1.6 s, target 3.5 s");
}

TEST(CueFor, TooSlow) {
  EXPECT_EQ(cue_for(rep(Verdict::kTooSlow, 3.0, 5.76), kTempo, 0.8),
            "lower faster: 5.8 s, target 3.5 s");
}

TEST(CueFor, PartialRange) {
  EXPECT_EQ(cue_for(rep(Verdict::kPartialRange, 1.2, 1.0, 0.452), kTempo, 0.8),
            "go through the full range: 45% of your range, need 80%");
}

TEST(CueFor, LoweringThatTurnedBackBeforeTheBottom) {
  EXPECT_EQ(cue_for(rep(Verdict::kPartialRange, 3.0, 2.0, 0.82), kTempo, 0.8),
            "lower all the way before lifting again");
}

TEST(CueFor, ConcentricHintBeyond30Percent) {
  EXPECT_EQ(cue_for(rep(Verdict::kTooFast, 1.2, 1.6), kTempo, 0.8),
            "lower slower: 1.6 s, target 3.5 s; lift slower: 1.2 s, target 3.0 s");
  EXPECT_EQ(cue_for(rep(Verdict::kCounted, 4.5, 3.5), kTempo, 0.8),
            "good rep; lift faster: 4.5 s, target 3.0 s");
  // 2.2 s is 27% off: no hint.
  EXPECT_EQ(cue_for(rep(Verdict::kCounted, 2.2, 3.5), kTempo, 0.8), "good rep");
}

}  // namespace
}  // namespace tempoload::protocols
