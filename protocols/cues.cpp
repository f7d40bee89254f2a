// cue_for: one short sentence per rep the athlete can act on. Runs off the control loop (it
// allocates a std::string).
#include <charconv>
#include <cmath>
#include <string>

#include "protocols/rep_metrics.hpp"

namespace tempoload::protocols {
namespace {

constexpr double kConcentricTolerance = 0.3;  // hint when the lift is off target by more [-]

std::string seconds(double s) {  // "1.6 s"
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, s, std::chars_format::fixed, 1);
  return std::string(buf, res.ptr) + " s";
}

std::string percent(double fraction) { return std::to_string(std::lround(fraction * 100)) + "%"; }

std::string timing(const char* advice, double actual_s, double target_s) {
  return std::string(advice) + ": " + seconds(actual_s) + ", target " + seconds(target_s);
}

}  // namespace

std::string cue_for(const RepMetrics& rep, const TempoSpec& tempo, double min_range_fraction) {
  std::string cue;
  switch (rep.verdict) {
    case Verdict::kCounted:
      cue = "good rep";
      break;
    case Verdict::kTooFast:
      cue = timing("lower slower", rep.eccentric_s, tempo.eccentric_s);
      break;
    case Verdict::kTooSlow:
      cue = timing("lower faster", rep.eccentric_s, tempo.eccentric_s);
      break;
    case Verdict::kPartialRange:
      // Range was enough but the lowering turned back before the bottom.
      if (rep.range_fraction >= min_range_fraction) return "lower all the way before lifting again";
      // The lift time of a partial rep says nothing about tempo: no concentric hint.
      return "go through the full range: " + percent(rep.range_fraction) + " of your range, need " +
             percent(min_range_fraction);
  }
  const double target_s = tempo.concentric_s;
  if (target_s > 0 && std::abs(rep.concentric_s - target_s) > kConcentricTolerance * target_s) {
    cue += "; " + timing(rep.concentric_s < target_s ? "lift slower" : "lift faster",
                         rep.concentric_s, target_s);
  }
  return cue;
}

}  // namespace tempoload::protocols
