// What the scripted calf-raise athlete does in a given set: which leg works and which action
// (tempo reps, Alfredson eccentric-only reps, a maximal isometric effort, a sustained isometric
// hold, a cadence-paced heel-raise endurance test), with the action's parameters. Part of a
// scenario file's "sets" array (docs/simulator.md, "Set scripts").
#pragma once

#include <optional>
#include <string>

namespace tempoload::sim {

class Fields;

enum class Leg { kBoth, kLeft, kRight };

enum class SetAction {
  kReps,       // tempo reps (scenario tempo, reps[] overrides, tempo_fatigue), both phases
  kEccentric,  // Alfredson: the concentric is done for the athlete, they lower on `leg`
  kMvic,       // maximal voluntary isometric contraction(s) of `leg`
  kHold,       // sustained isometric hold(s) at a fraction of the leg's MVIC
  kEndurance,  // single-leg heel raises at a cadence, to failure
};

// Who raises the platform in an eccentric-only set.
enum class Raise {
  kMachine,   // the athlete waits, passive, until the machine has raised them (mode 7)
  kOtherLeg,  // the athlete lifts on the other leg at the scenario tempo, lowers on `leg`
};

// An isometric effort: rise (raised-cosine, peak force exactly at rise_s), hold, 0.3 s relax.
struct IsometricPlan {
  double fraction = 1.0;         // of the leg's mvic_n: the force aimed at (plate reading)
  double rise_s = 0.2;           // onset to target [s]
  double hold_s = 3.0;           // at the target after the rise [s]
  double drift_per_s = 0.0;      // change of the held force per second, fraction of the target
  double wobble_fraction = 0.0;  // sd of a slow wobble (0.5 s time constant), of the target
  int efforts = 1;               // efforts in the set...
  double rest_s = 5.0;           // ...with this rest (standing relaxed) between them [s]
};

// A cadence-paced heel-raise endurance test (docs: PROTOCOLS.md section 6).
struct EndurancePlan {
  double cadence_per_min = 30;        // reps a minute: half the period up, half down, no pauses
  int fade_reps = 5;                  // the last this many reps lose height...
  double final_range_fraction = 0.5;  // ...down to this fraction of travel at the last rep
};

struct SetScript {
  int first_set = 1;  // the sets (1-based, inclusive) this entry scripts
  int last_set = 1;
  Leg leg = Leg::kBoth;
  SetAction action = SetAction::kReps;
  std::optional<int> max_reps;  // overrides the scenario's max_reps in these sets
  Raise raise = Raise::kMachine;
  IsometricPlan isometric;
  EndurancePlan endurance;
  std::string note;  // printed when the set starts
};

// Parses one "sets" entry; errors name the field, e.g. "x.json: sets[1].leg: ...".
SetScript parse_set_script(const Fields& f);

const char* to_string(Leg leg);
const char* to_string(SetAction action);

}  // namespace tempoload::sim
