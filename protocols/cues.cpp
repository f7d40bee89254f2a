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

// The pause that broke the limit most: a stall mid-lowering, the top or the bottom pause.
std::string pause_cue(const RepMetrics& rep, double max_s) {
  const std::string limit = ", max " + seconds(max_s);
  if (rep.longest_stall_s >= rep.top_pause_s && rep.longest_stall_s >= rep.bottom_pause_s) {
    return "keep lowering without stopping: stopped " + seconds(rep.longest_stall_s) + " mid-way" +
           limit;
  }
  if (rep.top_pause_s >= rep.bottom_pause_s) {
    return "shorter pause at the top: " + seconds(rep.top_pause_s) + limit;
  }
  return "start the next rep sooner: " + seconds(rep.bottom_pause_s) + " at the bottom" + limit;
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
    case Verdict::kPausedTooLong:
      cue = pause_cue(rep, tempo.max_pause_s);
      break;
    case Verdict::kPartialRange:
      // Range was enough but the lowering turned back before the bottom.
      if (rep.range_fraction >= min_range_fraction) return "lower all the way before lifting again";
      if (rep.turned_back) {
        return "you turned back up mid-lowering: lower all the way (" +
               percent(rep.range_fraction) + " of your range, need " + percent(min_range_fraction) +
               ")";
      }
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
