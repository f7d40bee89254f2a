#include "sim/dynamometer_scenario.hpp"

#include <fstream>
#include <sstream>

#include "sim/scenario_fields.hpp"

namespace tempoload::sim {
namespace {

constexpr double kRadPerDeg = 3.14159265358979323846 / 180.0;

LegStrength parse_leg(const Fields& f) {
  f.allow_only({"peak_torque_nm", "fatigue_per_effort"});
  LegStrength leg;
  leg.peak_torque_nm = f.number("peak_torque_nm", 0, 1000, std::nullopt, true);
  leg.fatigue_per_effort = f.number("fatigue_per_effort", 0, 0.2, 0.0);
  return leg;
}

EffortOverride parse_effort(const Fields& f) {
  f.allow_only({"side", "effort", "fraction", "note"});
  EffortOverride e;
  const std::string side = f.text("side", std::nullopt);
  if (side != "left" && side != "right")
    f.fail_at(f.at("side"), "must be \"left\" or \"right\", got \"" + side + "\"");
  e.side = side == "right" ? 1 : 0;
  e.effort = static_cast<int>(f.integer("effort", 1, 10000, std::nullopt));
  e.fraction = f.number("fraction", 0, 1, std::nullopt);
  e.note = f.text("note", "");
  return e;
}

void parse_athlete(const Fields& a, DynamometerScenario& s, const std::string& source) {
  a.allow_only({"body_mass_kg", "left", "right", "optimal_angle_deg", "angle_width_deg",
                "max_velocity_deg_s", "hill_curvature", "eccentric_ratio", "activation_s",
                "relaxation_s", "isotonic_concentric_s", "isotonic_eccentric_s"});
  s.body_mass_kg = a.number("body_mass_kg", 20, 300, std::nullopt);
  for (const char* leg : {"left", "right"}) {
    if (!a.has(leg)) a.fail_at(a.at(leg), "missing");
    s.legs[leg[0] == 'r' ? 1 : 0] = parse_leg(Fields(a.raw(leg), source, a.at(leg)));
  }
  s.optimal_angle_rad = a.number("optimal_angle_deg", -60, 60, 0.0) * kRadPerDeg;
  s.angle_width_rad = a.number("angle_width_deg", 10, 180, 60.0) * kRadPerDeg;
  s.max_velocity_radps = a.number("max_velocity_deg_s", 200, 3000, 800.0) * kRadPerDeg;
  s.hill_curvature = a.number("hill_curvature", 0.05, 2, 0.3);
  s.eccentric_ratio = a.number("eccentric_ratio", 1, 3, 1.4);
  s.activation_s = a.number("activation_s", 0.005, 1, 0.05);
  s.relaxation_s = a.number("relaxation_s", 0.005, 1, 0.08);
  s.isotonic_concentric_s = a.number("isotonic_concentric_s", 0.2, 30, 1.5);
  s.isotonic_eccentric_s = a.number("isotonic_eccentric_s", 0.2, 30, 3.0);
}

}  // namespace

double DynamometerScenario::effort_fraction(int side, int effort) const {
  for (const EffortOverride& e : efforts)
    if (e.side == side && e.effort == effort) return e.fraction;
  return 1.0;
}

DynamometerScenario parse_dynamometer_scenario(const std::string& json_text,
                                               const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw ScenarioError(source + ": top level must be an object");
  const Fields top(j, source, "");
  // The machine first: a scenario for another machine fails on this, not on its own keys.
  if (!top.has("machine"))
    top.fail_at("machine",
                "missing: a dynamometer map needs a scenario with \"machine\": "
                "\"dynamometer\"");
  if (const std::string m = top.text("machine", std::nullopt); m != "dynamometer")
    top.fail_at("machine", "'" + m + "' scenario given with a dynamometer map");
  top.allow_only(
      {"name", "machine", "description", "athlete", "footplate", "efforts", "events", "noise"});

  DynamometerScenario s;
  s.name = top.text("name", std::nullopt);
  if (s.name.empty()) top.fail_at("name", "must not be empty");
  s.description = top.text("description", "");
  if (!top.has("athlete")) top.fail_at("athlete", "missing");
  parse_athlete(Fields(top.raw("athlete"), source, "athlete"), s, source);

  if (top.has("footplate")) {
    const Fields f(top.raw("footplate"), source, "footplate");
    f.allow_only({"mass_kg", "com_radius_m", "com_angle_deg", "inertia_kg_m2"});
    s.footplate_mass_kg = f.number("mass_kg", 0, 20, 2.0);
    s.footplate_radius_m = f.number("com_radius_m", 0, 0.5, 0.12);
    s.footplate_com_angle_rad = f.number("com_angle_deg", -90, 90, 0.0) * kRadPerDeg;
    s.inertia_kg_m2 = f.number("inertia_kg_m2", 0.005, 1, 0.06);
  }
  if (top.has("efforts")) {
    const json& efforts = array_field(top, "efforts");
    for (std::size_t i = 0; i < efforts.size(); ++i)
      s.efforts.push_back(
          parse_effort(Fields(efforts[i], source, "efforts[" + std::to_string(i) + "]")));
  }
  if (top.has("events")) {
    const json& events = array_field(top, "events");
    for (std::size_t i = 0; i < events.size(); ++i)
      s.events.push_back(
          parse_event(Fields(events[i], source, "events[" + std::to_string(i) + "]")));
    std::stable_sort(
        s.events.begin(), s.events.end(),
        [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at_s < b.at_s; });
  }
  if (top.has("noise")) {
    const Fields noise(top.raw("noise"), source, "noise");
    noise.allow_only({"torque_sd_nm", "seed"});
    s.torque_sd_nm = noise.number("torque_sd_nm", 0, 50, 0.0);
    s.seed = static_cast<std::uint32_t>(noise.integer("seed", 0, 4294967295L, 1));
  }
  return s;
}

DynamometerScenario load_dynamometer_scenario_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path.string() + ": cannot open scenario file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_dynamometer_scenario(ss.str(), path.string());
}

}  // namespace tempoload::sim
