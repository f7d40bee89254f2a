// An ideal dynamometer for the protocol tests: the shaft follows every speed command exactly,
// isokinetic efforts move at the commanded cap, isometric holds stay put, isotonic reps follow a
// fixed speed profile. Torque = the athlete's (a function of the command and angle) + a cosine
// footplate. Deterministic, 1 kHz.
#pragma once

#include <cmath>
#include <functional>
#include <vector>

#include "protocols/dyno_test_protocol.hpp"

namespace tempoload::protocols::test_support {

struct DynoTrace {
  DynoSample sample;
  DynoCommand command;
  DynoPhase phase;
};

class IdealDynamometer {
 public:
  static constexpr double kDt = 0.001;

  double angle_rad = deg_to_rad(-25);  // where the footplate hangs before the test
  double footplate_nm = 3.0;           // gravity torque amplitude: -3 N m x cos(angle)
  // The athlete's torque for this command and angle [N m]; default: 100 N m in every effort
  // mode, relaxed otherwise.
  std::function<double(const DynoCommand&, double angle)> athlete = [](const DynoCommand& c,
                                                                       double) {
    const bool effort = c.mode == DynoDriveMode::kIsokinetic ||
                        c.mode == DynoDriveMode::kReactiveEccentric ||
                        c.mode == DynoDriveMode::kIsometric || c.mode == DynoDriveMode::kIsotonic;
    return effort ? 100.0 : 0.0;
  };
  double isotonic_up_radps = deg_to_rad(60);
  double isotonic_down_radps = deg_to_rad(30);

  double gravity_nm(double a) const { return -footplate_nm * std::cos(a); }

  // Runs `protocol` until it is done or `max_s` passes; returns every cycle.
  std::vector<DynoTrace> run(DynoTestProtocol& protocol, double max_s,
                             std::vector<DynoRep>* reps = nullptr) {
    std::vector<DynoTrace> trace;
    DynoCommand command;
    for (int i = 0; i * kDt < max_s; ++i) {
      advance(command);
      DynoSample s{i * kDt, angle_rad, velocity_,
                   athlete(command, angle_rad) + gravity_nm(angle_rad)};
      const DynoUpdate u = protocol.update(s);
      if (u.rep_completed && reps) reps->push_back(protocol.last_rep());
      command = u.command;
      trace.push_back({s, command, protocol.phase()});
      if (u.finished) break;
    }
    return trace;
  }

 private:
  void advance(const DynoCommand& c) {
    switch (c.mode) {
      case DynoDriveMode::kIsokinetic:
      case DynoDriveMode::kPassive:
      case DynoDriveMode::kReactiveEccentric:
        velocity_ = c.velocity_radps;
        break;
      case DynoDriveMode::kIsometric:
        velocity_ = (c.angle_rad - angle_rad) / kDt;
        break;
      case DynoDriveMode::kIsotonic: {
        if (angle_rad >= c.rom_max_rad - 0.002) going_up_ = false;  // within 0.1 deg
        if (angle_rad <= c.rom_min_rad + 0.002) going_up_ = true;
        const double v = going_up_ ? isotonic_up_radps : -isotonic_down_radps;
        velocity_ = std::clamp(v, -std::fabs(c.velocity_radps), std::fabs(c.velocity_radps));
        break;
      }
      case DynoDriveMode::kOff:
        velocity_ = 0;
        break;
    }
    if (c.mode != DynoDriveMode::kOff) {  // the device's range-of-motion stops
      const double next = angle_rad + velocity_ * kDt;
      if ((next > c.rom_max_rad && velocity_ > 0) || (next < c.rom_min_rad && velocity_ < 0))
        velocity_ = 0;
    }
    angle_rad += velocity_ * kDt;
  }

  double velocity_ = 0;
  bool going_up_ = true;
};

}  // namespace tempoload::protocols::test_support
