// The simulator's extra "sim-control" holding registers, outside both register-map blocks.
// One header shared by the simulator and the tests (like libmodbus's unit-test.h). A real
// machine does not have them; they exist to inject faults and observe the scripted athlete.
// Writes to read-only registers (and to the measurement block) get exception 02.
#pragma once

#include <cstdint>

namespace tempoload::sim::control {

inline constexpr std::uint16_t kBase = 200;

// Write 1: press the e-stop (status bit 1 latches, motor unloads at once). Reads back 0.
inline constexpr std::uint16_t kPressEstop = 200;
// Read-only: number of watchdog trips since the simulator started (uint16, saturates).
inline constexpr std::uint16_t kWatchdogTrips = 201;
// Read-only: simulator time in ms, uint32 over two registers, high word first (202 = high).
inline constexpr std::uint16_t kSimTimeMsHigh = 202;
inline constexpr std::uint16_t kSimTimeMsLow = 203;
// Read-only: reps the athlete completed in the current (or last) set; 0 when a set starts.
inline constexpr std::uint16_t kRepsInSet = 204;
// Write 1: the device stops answering (requests are read and dropped, commands ignored, so the
// watchdog trips if engaged); write 0 to resume. Writes to this register itself (functions 6
// and 16) are still applied and answered while hung.
inline constexpr std::uint16_t kHang = 205;
// Read-only: the athlete's phase, sim::AthletePhase (0 waiting, 1 settling, 2 concentric,
// 3 top pause, 4 eccentric, 5 bottom pause, 6 lowering, 7 set over, 8 pushing, 9 resting,
// 10 raised).
inline constexpr std::uint16_t kAthletePhase = 206;
// Write 1: inject a drive fault (status bit 2 latches, motor unloads at once). Reads back 0.
inline constexpr std::uint16_t kInjectDriveFault = 207;
// Read-only: 1-based number of the athlete's current (or last) set; 0 before the first.
inline constexpr std::uint16_t kSetNumber = 208;

inline constexpr std::uint16_t kEnd = 209;  // one past the last sim-control register

// Registers a client may write in the sim-control range.
inline constexpr bool is_writable(std::uint16_t address) {
  return address == kPressEstop || address == kHang || address == kInjectDriveFault;
}

}  // namespace tempoload::sim::control
