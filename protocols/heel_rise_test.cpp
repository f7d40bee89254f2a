#include "protocols/heel_rise_test.hpp"

#include <charconv>
#include <cmath>

namespace tempoload::protocols {
namespace {

// Tempo for the tracker: half a period up, half down. The verdicts are not used.
SetSpec tracker_spec(const HeelRiseSpec& h) {
  SetSpec s;
  const double half = 30.0 / h.cadence_per_min;
  s.tempo.concentric_s = s.tempo.eccentric_s = half;
  s.tempo.top_pause_s = s.tempo.bottom_pause_s = 0;
  s.tempo.eccentric_min_s = 0;
  s.tempo.eccentric_max_s = 1e9;
  s.min_range_fraction = 0;
  return s;
}

std::string fixed(double v, int decimals, const char* unit) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return std::string(buf, res.ptr) + unit;
}

}  // namespace

HeelRiseTest::HeelRiseTest(const HeelRiseSpec& spec, const RangeOfMotion& rom)
    : spec_(spec), tracker_(tracker_spec(spec), rom) {}

double HeelRiseTest::next_beat_t_s() const {
  if (first_start_t_s_ < 0) return -1;
  return first_start_t_s_ + result_.reps * period_s();
}

bool HeelRiseTest::update(const MotionSample& s) {
  if (finished_) return false;
  const int before = result_.reps;
  if (tracker_.update(s)) on_rep(tracker_.last_rep());
  if (finished_) return false;
  // Late: the beat passed by more than the tolerance and no rep has started since.
  if (first_start_t_s_ >= 0) {
    const double due = next_beat_t_s();
    const bool started = tracker_.in_rep() && tracker_.last_rep_start_t_s() > due - period_s() / 2;
    if (!started && s.t_s > due + spec_.cadence_tolerance_s) finish(End::kLate, due, s.t_s);
  }
  return result_.reps > before;
}

void HeelRiseTest::on_rep(const RepMetrics& r) {
  if (first_start_t_s_ < 0) first_start_t_s_ = r.start_t_s;
  const double due = next_beat_t_s();
  if (std::abs(r.start_t_s - due) > spec_.cadence_tolerance_s) {
    return finish(End::kCadence, due, r.start_t_s);
  }
  if (result_.reps >= spec_.reference_reps && spec_.reference_reps > 0) {
    const double reference_m = reference_sum_m_ / spec_.reference_reps;
    if (r.range_m < spec_.min_height_fraction * reference_m) {
      return finish(End::kHeight, r.range_m, reference_m);
    }
  }
  last_height_m_ = r.range_m;
  last_work_j_ = spec_.leg == Legs::kRight ? r.work_concentric_right_j : r.work_concentric_left_j;
  if (result_.reps < spec_.reference_reps) reference_sum_m_ += r.range_m;
  ++result_.reps;
  result_.total_height_m += last_height_m_;
  result_.total_work_j += last_work_j_;
  result_.total_work_mgh_j += spec_.body_mass_kg * kGravityMps2 * last_height_m_;
  result_.mean_height_m = result_.total_height_m / result_.reps;
  if (result_.reps >= spec_.max_reps) finish(End::kMaxReps, 0, 0);
}

void HeelRiseTest::finish(End e, double a, double b) {
  finished_ = true;
  end_ = e;
  end_a_ = a;
  end_b_ = b;
}

std::string HeelRiseTest::ended_by() const { return describe(ending()); }

std::string describe(const HeelRiseEnding& e) {
  const double a = e.a, b = e.b;
  using End = HeelRiseEnd;
  switch (e.end) {
    case End::kCadence:
      return "cadence: rep started at " + fixed(b, 2, " s") + ", beat at " + fixed(a, 2, " s") +
             " (tolerance " + fixed(e.cadence_tolerance_s, 2, " s") + ")";
    case End::kLate:
      return "cadence: no rep by " + fixed(b, 2, " s") + " for the beat at " + fixed(a, 2, " s");
    case End::kHeight:
      return "height: " + fixed(a * 100, 1, " cm") + " is below " +
             fixed(e.min_height_fraction * 100, 0, "%") + " of the first reps' " +
             fixed(b * 100, 1, " cm");
    case End::kMaxReps:
      return "max reps";
    case End::kNone:
      break;
  }
  return "";
}

HeelRiseSymmetry heel_rise_symmetry(const HeelRiseResult& inv, const HeelRiseResult& uninv) {
  return {lsi_measure(inv.reps, uninv.reps, "reps"),
          lsi_measure(inv.total_height_m, uninv.total_height_m, "total height"),
          lsi_measure(inv.total_work_j, uninv.total_work_j, "total work")};
}

}  // namespace tempoload::protocols
