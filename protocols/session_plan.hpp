// A training session as the protocol engine sees it: sets in order, each with the rest after it.
// Plain data, SI units. Built by programme_session() or mapped from a prescription by the plugin.
#pragma once

#include "protocols/fixed_list.hpp"
#include "protocols/rep_types.hpp"
#include "protocols/set_spec.hpp"

namespace tempoload::protocols {

enum class Knee { kStraight, kBent };      // standing (gastrocnemius) or seated (soleus) raise
enum class Legs { kBoth, kLeft, kRight };  // which leg works (Alfredson: the injured one lowers)

// The force of the working leg(s): one plate, or both summed [N].
inline double working_force_n(const MotionSample& s, Legs legs) {
  return legs == Legs::kLeft    ? s.force_left_n
         : legs == Legs::kRight ? s.force_right_n
                                : s.force_left_n + s.force_right_n;
}

// Rest between sets: 2-3 min, 5 min between exercises (Beyer 2015, PROTOCOLS.md section 1).
inline constexpr double kDefaultRestS = 150;
inline constexpr double kMinRestS = 120;
inline constexpr double kMaxRestS = 180;
inline constexpr double kExerciseChangeRestS = 300;

struct PlannedSet {
  SetSpec spec;
  double rest_after_s = kDefaultRestS;  // machine unloaded [s]; ignored after the last set
  Knee knee = Knee::kStraight;
  Legs legs = Legs::kBoth;
  int target_rm = 0;  // the load is this set's n-repetition maximum; 0: an absolute load
};

// Enough for the longest programme session (HSR standing + seated: 4 + 4 sets).
inline constexpr std::size_t kMaxSetsPerSession = 8;

struct SessionPlan {
  FixedList<PlannedSet, kMaxSetsPerSession> sets;
  double max_load_n = 0;  // the prescription's highest allowed load [N]; 0: no cap but the machine
};

// What the machine allows (from its register map).
struct MachineLimits {
  double max_force_n = 3000;
};

}  // namespace tempoload::protocols
