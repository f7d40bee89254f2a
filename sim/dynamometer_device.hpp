// The dynamometer (DynamometerModel) behind the simulator's DeviceModel interface: decodes the
// command block and encodes the measurement block with the register map. Sim-control 204 shows
// the efforts the leg in the attachment has done, 206 the athlete's state (DynoAthleteState),
// 208 the leg (0 left, 1 right).
#pragma once

#include "sim/device_model.hpp"
#include "sim/dynamometer_model.hpp"

namespace tempoload::sim {

class DynamometerDevice final : public DeviceModel {
 public:
  explicit DynamometerDevice(DynamometerModel model) : model_(std::move(model)) {}

  void step(double dt_s) override { model_.step(dt_s); }
  void apply_command_block(const drivers::RegisterMap& map, const std::uint16_t* block) override;
  void encode_measurements(const drivers::RegisterMap& map, std::uint16_t* block) const override;
  void press_estop(const std::string& why) override { model_.press_estop(why); }
  void inject_drive_fault(const std::string& why) override { model_.inject_drive_fault(why); }
  double time_s() const override { return model_.time_s(); }
  std::uint32_t watchdog_trips() const override { return model_.watchdog_trips(); }
  std::uint16_t reps_in_set() const override;
  std::uint16_t athlete_phase() const override;
  std::uint16_t set_number() const override;
  std::vector<SimEvent> take_events() override { return model_.take_events(); }

 private:
  DynamometerModel model_;
};

}  // namespace tempoload::sim
