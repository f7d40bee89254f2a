#include "plugin/ctl/coach_cmd.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "plugin/ctl/remote_channel.hpp"
#include "plugin/ctl/report_table.hpp"
#include "tempoload/v1/coach.grpc.pb.h"

namespace tempoload::ctl {
namespace {

namespace v1 = tempoload::v1;

struct CoachArgs {
  RemoteArgs remote;
  std::string athlete, session, file, from, to, reason, note;
  unsigned page_size = 0;
  unsigned base_version = 0;
  bool all_pages = false;
  double rm_load_n = 0;
  unsigned rm_reps = 0;
  double mvic_left_n = -1, mvic_right_n = -1;
  // progression, programme, morning-pain
  std::string programme, knee, leg;
  unsigned week = 0, programme_session = 0;
  double lowering_s = 0;
  unsigned pain = 0;
  std::int64_t at_unix_ms = 0;
};

std::unique_ptr<v1::Coach::Stub> stub(const CoachArgs& a) {
  return v1::Coach::NewStub(remote_channel(a.remote));
}

std::string fmt(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

void print_session_row(const v1::SessionListItem& s) {
  std::cout << fmt("%-40s %-16s %-11s %-20s %5u/%-5u %7.1f  %s\n", s.session_id().c_str(),
                   s.athlete_id().c_str(), s.status().c_str(),
                   utc_text(s.started_at_unix_ms()).c_str(), s.reps_counted(), s.reps_attempted(),
                   s.loaded_s(), s.dynamometer() ? "dynamometer" : "calf raise");
}

int athletes(const CoachArgs& a) {
  v1::ListAthletesResponse resp;
  if (auto s = stub(a)->ListAthletes(remote_context(a.remote).get(), {}, &resp); !s.ok())
    return remote_error("ListAthletes", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("%-20s %8s  %-20s  %-20s  %s\n", "athlete", "sessions", "last session",
                   "first seen", "prescription");
  for (const auto& x : resp.athletes())
    std::cout << fmt(
        "%-20s %8u  %-20s  %-20s  %s\n", x.athlete_id().c_str(), x.sessions(),
        utc_text(x.last_session_unix_ms()).c_str(), utc_text(x.first_seen_unix_ms()).c_str(),
        x.prescription_version() ? ("v" + std::to_string(x.prescription_version())).c_str() : "-");
  std::cout << resp.athletes_size() << " athlete(s)\n";
  return 0;
}

int athlete(const CoachArgs& a) {
  v1::GetAthleteRequest req;
  req.set_athlete_id(a.athlete);
  v1::AthleteDetail resp;
  if (auto s = stub(a)->GetAthlete(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("GetAthlete", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << "athlete " << resp.athlete().athlete_id() << ": " << resp.athlete().sessions()
            << " session(s), last " << utc_text(resp.athlete().last_session_unix_ms()) << "\n";
  if (resp.has_prescription()) {
    const auto& p = resp.prescription();
    std::cout << fmt("prescription v%u (%s, by %s): %u reps at %.0f N, %.1f s down\n", p.version(),
                     resp.prescription_state().c_str(), p.updated_by().c_str(), p.set().reps(),
                     p.set().load_n(), p.set().tempo().eccentric_s());
  }
  if (resp.has_last_session()) print_session_row(resp.last_session());
  for (const auto& t : resp.test_results())
    std::cout << "test " << t.id() << " " << utc_text(t.measured_at_unix_ms()) << "\n";
  return 0;
}

int sessions(const CoachArgs& a) {
  v1::ListSessionsRequest req;
  req.set_athlete_id(a.athlete);
  req.set_from_unix_ms(parse_day_ms("--from", a.from));
  req.set_to_unix_ms(a.to.empty() ? 0 : parse_day_ms("--to", a.to) + 86'400'000);
  req.set_page_size(a.page_size);
  v1::ListSessionsResponse all;
  auto coach = stub(a);
  do {
    v1::ListSessionsResponse page;
    if (auto s = coach->ListSessions(remote_context(a.remote).get(), req, &page); !s.ok())
      return remote_error("ListSessions", s);
    for (auto& x : *page.mutable_sessions()) *all.add_sessions() = std::move(x);
    all.set_next_page_token(page.next_page_token());
    req.set_page_token(page.next_page_token());
  } while (a.all_pages && !req.page_token().empty());
  if (a.remote.json) {
    std::cout << to_json(all) << "\n";
    return 0;
  }
  std::cout << fmt("%-40s %-16s %-11s %-20s %11s %7s  %s\n", "session", "athlete", "status",
                   "started", "counted/att", "load s", "kind");
  for (const auto& s : all.sessions()) print_session_row(s);
  std::cout << all.sessions_size() << " session(s)"
            << (all.next_page_token().empty() ? "" : "; more with --all") << "\n";
  return 0;
}

int session_show(const CoachArgs& a) {
  v1::GetSessionReportRequest req;
  req.set_session_id(a.session);
  v1::SessionReport report;
  if (auto s = stub(a)->GetSessionReport(remote_context(a.remote).get(), req, &report); !s.ok())
    return remote_error("GetSessionReport", s);
  if (a.remote.json) {
    std::cout << to_json(report) << "\n";
    return 0;
  }
  std::cout << "session " << report.session_id() << ", athlete " << report.athlete_id()
            << ", machine " << report.machine_id() << " (" << report.machine_model() << "), "
            << utc_text(report.started_at_unix_ms()) << "\n\n";
  for (const auto& set : report.sets()) print_set(std::cout, set);
  if (report.has_dynamometer_test())
    std::cout << "dynamometer test: " << report.dynamometer_test().results_size()
              << " series (tempoloadctl report --json for the detail)\n";
  return 0;
}

int assign(const CoachArgs& a) {
  std::ifstream in(a.file);
  if (!in) {
    std::cerr << "FILE: cannot read '" << a.file << "'\n";
    return kRemoteUsage;
  }
  std::stringstream body;
  body << in.rdbuf();
  v1::AssignPrescriptionRequest req;
  if (auto st = google::protobuf::util::JsonStringToMessage(body.str(), req.mutable_set());
      !st.ok()) {
    std::cerr << a.file
              << ": not a tempoload.v1.SetPrescription in protobuf JSON: " << st.ToString() << "\n";
    return kRemoteUsage;
  }
  req.set_athlete_id(a.athlete);
  req.set_base_version(a.base_version);
  req.set_reason(a.reason);
  v1::AssignPrescriptionResponse resp;
  if (auto s = stub(a)->AssignPrescription(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("AssignPrescription", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << "athlete " << a.athlete << ": v" << resp.version() << " (from v"
            << resp.base_version() << ") assigned, change " << resp.change_id()
            << ", queued for the gym server\n";
  for (const auto& c : resp.changes())
    std::cout << fmt("  %-28s %12s -> %s\n", c.field().c_str(),
                     c.before().empty() ? "(none)" : c.before().c_str(), c.after().c_str());
  return 0;
}

int history(const CoachArgs& a) {
  v1::GetPrescriptionHistoryRequest req;
  req.set_athlete_id(a.athlete);
  v1::PrescriptionHistory resp;
  if (auto s = stub(a)->GetPrescriptionHistory(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("GetPrescriptionHistory", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  for (const auto& v : resp.versions())
    std::cout << fmt("v%-3u %-9s %-20s by %-16s %u reps at %.0f N\n", v.prescription().version(),
                     v.state().c_str(), utc_text(v.prescription().updated_at_unix_ms()).c_str(),
                     v.prescription().updated_by().c_str(), v.prescription().set().reps(),
                     v.prescription().set().load_n());
  std::cout << "audit:\n";
  for (const auto& e : resp.audit())
    std::cout << fmt("  %-20s %-16s %-22s v%-3u ", utc_text(e.at_unix_ms()).c_str(),
                     e.actor().c_str(), e.action().c_str(), e.version())
              << e.detail() << "\n";
  return 0;
}

int trends(const CoachArgs& a) {
  v1::GetTrendsRequest req;
  req.set_athlete_id(a.athlete);
  req.set_from_unix_ms(parse_day_ms("--from", a.from));
  req.set_to_unix_ms(a.to.empty() ? 0 : parse_day_ms("--to", a.to) + 86'400'000);
  v1::Trends resp;
  if (auto s = stub(a)->GetTrends(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("GetTrends", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("%-9s %8s %11s %8s %8s %8s %8s %7s %8s\n", "week", "sessions", "counted/att",
                   "mean L N", "mean R N", "peak L N", "peak R N", "SI %", "load N");
  for (const auto& w : resp.weeks())
    std::cout << fmt("%-9s %8u %5u/%-5u %8.0f %8.0f %8.0f %8.0f %+7.1f %8.0f\n",
                     w.iso_week().c_str(), w.sessions(), w.reps_counted(), w.reps_attempted(),
                     w.mean_force_left_n(), w.mean_force_right_n(), w.peak_force_left_n(),
                     w.peak_force_right_n(), w.mean_symmetry_index_pct(), w.mean_load_n());
  return 0;
}

int tests(const CoachArgs& a) {
  v1::ListTestResultsRequest req;
  req.set_athlete_id(a.athlete);
  v1::ListTestResultsResponse resp;
  if (auto s = stub(a)->ListTestResults(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("ListTestResults", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  for (const auto& t : resp.results()) {
    std::cout << fmt("%-20s %-12s ", utc_text(t.measured_at_unix_ms()).c_str(),
                     t.recorded_by().c_str());
    if (t.has_rm()) {
      std::cout << fmt("%u-RM %.0f N; 1RM", t.rm().reps(), t.rm().load_n());
      for (const auto& e : t.one_rm())
        std::cout << fmt(" %s %.0f N", e.formula().substr(0, e.formula().find(':')).c_str(),
                         e.one_rm_n());
    } else {
      const auto& m = t.mvic();
      std::cout << fmt("MVIC force L %.0f / R %.0f N, torque L %.0f / R %.0f N m, SI %+.1f %%",
                       m.peak_force_left_n(), m.peak_force_right_n(), m.peak_torque_left_nm(),
                       m.peak_torque_right_nm(), t.symmetry_index_pct());
    }
    std::cout << "\n";
  }
  std::cout << resp.results_size() << " result(s)\n";
  return 0;
}

int record_test(const CoachArgs& a) {
  v1::RecordTestResultRequest req;
  req.set_athlete_id(a.athlete);
  req.set_note(a.note);
  if (a.rm_reps > 0) {
    req.mutable_rm()->set_load_n(a.rm_load_n);
    req.mutable_rm()->set_reps(a.rm_reps);
  } else if (a.mvic_left_n >= 0 || a.mvic_right_n >= 0) {
    req.mutable_mvic()->set_peak_force_left_n(std::max(0.0, a.mvic_left_n));
    req.mutable_mvic()->set_peak_force_right_n(std::max(0.0, a.mvic_right_n));
  } else {
    std::cerr << "--rm-reps with --rm-load, or --mvic-left/--mvic-right: one test is required\n";
    return kRemoteUsage;
  }
  v1::TestResult resp;
  if (auto s = stub(a)->RecordTestResult(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("RecordTestResult", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << "recorded " << resp.id() << "\n";
  for (const auto& e : resp.one_rm())
    std::cout << fmt("  %-24s %.0f N\n", e.formula().c_str(), e.one_rm_n());
  return 0;
}

// A morning score as text: "-" when not reported (-1).
std::string score_text(double v) { return v < 0 ? "-" : fmt("%g/10", v); }

int progression(const CoachArgs& a) {
  v1::GetProgressionRequest req;
  req.set_athlete_id(a.athlete);
  req.set_session_id(a.session);
  v1::ProgressionAdvice resp;
  if (auto s = stub(a)->GetProgression(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("GetProgression", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("athlete %s, session %s\n", resp.athlete_id().c_str(),
                   resp.session_id().c_str());
  std::cout << fmt("  load %.0f N, %u reps counted for a target of %u, pain during %s\n",
                   resp.current_load_n(), resp.reps_done(), resp.target_reps(),
                   score_text(resp.pain_during()).c_str());
  std::cout << fmt("  morning pain: before %s, after %s, a week earlier %s%s\n",
                   score_text(resp.morning_pain_before()).c_str(),
                   score_text(resp.morning_pain_after()).c_str(),
                   score_text(resp.morning_pain_last_week()).c_str(),
                   resp.require_pain_free() ? "; eccentric-only: load added only pain-free" : "");
  std::cout << fmt("%s (rule %u): %+.1f %%, next load %.0f N\n", resp.decision().c_str(),
                   resp.rule(), resp.load_change_fraction() * 100, resp.next_load_n());
  std::cout << "  " << resp.reason() << "\n";
  return 0;
}

const char* knee_text(v1::Knee k) { return k == v1::KNEE_BENT ? "bent" : "straight"; }
const char* leg_text(v1::Leg l) {
  return l == v1::LEG_LEFT ? "left" : l == v1::LEG_RIGHT ? "right" : "both";
}

int programme(const CoachArgs& a) {
  v1::GetProgrammeSessionRequest req;
  req.set_athlete_id(a.athlete);
  if (a.programme == "hsr") {
    req.set_programme(v1::PROGRAMME_HSR);
  } else if (a.programme == "alfredson") {
    req.set_programme(v1::PROGRAMME_ALFREDSON);
  } else {
    std::cerr << "--programme: hsr or alfredson, got '" << a.programme << "'\n";
    return kRemoteUsage;
  }
  if (a.knee == "straight") {
    req.set_knee(v1::KNEE_STRAIGHT);
  } else if (a.knee == "bent") {
    req.set_knee(v1::KNEE_BENT);
  } else if (!a.knee.empty()) {
    std::cerr << "--knee: straight or bent, got '" << a.knee << "'\n";
    return kRemoteUsage;
  }
  if (a.leg == "left") {
    req.set_injured_leg(v1::LEG_LEFT);
  } else if (a.leg == "right") {
    req.set_injured_leg(v1::LEG_RIGHT);
  } else if (!a.leg.empty()) {
    std::cerr << "--leg: left or right, got '" << a.leg << "'\n";
    return kRemoteUsage;
  }
  req.set_week(a.week);
  req.set_session(a.programme_session);
  req.set_lowering_s(a.lowering_s);
  v1::ProgrammeSession resp;
  if (auto s = stub(a)->GetProgrammeSession(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("GetProgrammeSession", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("athlete %s: %s week %u session %u, %s\n", resp.athlete_id().c_str(),
                   resp.programme() == v1::PROGRAMME_HSR ? "HSR" : "Alfredson", resp.week(),
                   resp.session(), resp.block().c_str());
  std::cout << fmt("  %-4s %4s %6s %8s %6s  %-8s %-5s %-20s %s\n", "#", "sets", "reps", "load N",
                   "rest s", "knee", "leg", "tempo up/top/down/bot", "mode");
  int i = 0;
  for (const auto& e : resp.exercises()) {
    const auto& t = e.tempo();
    const std::string load =
        e.target_rm() > 0 ? fmt("%uRM", e.target_rm()) : fmt("%.0f", e.load_n());
    std::cout << fmt("  %-4d %4u %6u %8s %6.0f  %-8s %-5s %3.1f/%3.1f/%3.1f/%3.1f s      %s\n", ++i,
                     e.sets(), e.reps(), load.c_str(), e.rest_s(), knee_text(e.knee()),
                     leg_text(e.leg()), t.concentric_s(), t.top_pause_s(), t.eccentric_s(),
                     t.bottom_pause_s(), e.eccentric_only() ? "eccentric only" : "tempo");
  }
  std::cout << "  load: " << resp.load_source() << "\n";
  return 0;
}

int morning_pain(const CoachArgs& a) {
  v1::RecordMorningPainRequest req;
  req.set_athlete_id(a.athlete);
  req.set_pain_0_10(a.pain);
  req.set_at_unix_ms(a.at_unix_ms);
  v1::MorningPain resp;
  if (auto s = stub(a)->RecordMorningPain(remote_context(a.remote).get(), req, &resp); !s.ok())
    return remote_error("RecordMorningPain", s);
  if (a.remote.json) {
    std::cout << to_json(resp) << "\n";
    return 0;
  }
  std::cout << fmt("athlete %s: morning pain %u/10 on %s (UTC), at %s\n", resp.athlete_id().c_str(),
                   resp.pain_0_10(), resp.day().c_str(), utc_text(resp.at_unix_ms()).c_str());
  return 0;
}

}  // namespace

CtlCommand add_coach_command(CLI::App& app) {
  auto a = std::make_shared<CoachArgs>();
  auto* coach = app.add_subcommand("coach",
                                   "a coach's athletes, sessions, prescriptions, tests "
                                   "and trends (gRPC, scoped to the token)");
  coach->require_subcommand(1);
  std::vector<std::pair<CLI::App*, int (*)(const CoachArgs&)>> subs;
  auto sub = [&](const char* name, const char* help, int (*fn)(const CoachArgs&)) {
    auto* c = coach->add_subcommand(name, help);
    add_remote_options(c, a->remote);
    subs.emplace_back(c, fn);
    return c;
  };
  sub("athletes", "the athletes you may see, with sessions and prescription version", athletes);
  sub("athlete", "one athlete: prescription, last session, tests", athlete)
      ->add_option("ATHLETE", a->athlete, "athlete id")
      ->required();
  auto* ss = sub("sessions", "sessions, newest first", sessions);
  ss->add_option("--athlete", a->athlete, "only this athlete");
  ss->add_option("--from", a->from, "first day, YYYY-MM-DD (UTC)");
  ss->add_option("--to", a->to, "last day, YYYY-MM-DD (UTC), inclusive");
  ss->add_option("--page-size", a->page_size, "sessions per page, 1..500 (default 50)");
  ss->add_flag("--all", a->all_pages, "every page");
  auto* session = coach->add_subcommand("session", "one session");
  session->require_subcommand(1);
  auto* show = session->add_subcommand("show", "a session's reps (verdicts) and symmetry");
  add_remote_options(show, a->remote);
  show->add_option("ID", a->session, "session id")->required();
  subs.emplace_back(show, session_show);
  auto* rx = coach->add_subcommand("prescription", "an athlete's prescription");
  rx->require_subcommand(1);
  auto* as = rx->add_subcommand("assign", "assign a SetPrescription (protobuf JSON file)");
  add_remote_options(as, a->remote);
  as->add_option("ATHLETE", a->athlete, "athlete id")->required();
  as->add_option("FILE", a->file, "SetPrescription as protobuf JSON")->required();
  as->add_option("--base-version", a->base_version, "the version you edited (0: newest here)");
  as->add_option("--reason", a->reason, "why, for the audit log");
  subs.emplace_back(as, assign);
  auto* hi = rx->add_subcommand("history", "versions and audit log, newest first");
  add_remote_options(hi, a->remote);
  hi->add_option("ATHLETE", a->athlete, "athlete id")->required();
  subs.emplace_back(hi, history);
  auto* tr = sub("trends", "per ISO week: sessions, reps, force per leg, symmetry, load", trends);
  tr->add_option("ATHLETE", a->athlete, "athlete id")->required();
  tr->add_option("--from", a->from, "first day, YYYY-MM-DD (default: 12 weeks ago)");
  tr->add_option("--to", a->to, "last day, YYYY-MM-DD, inclusive (default: today)");
  sub("tests", "RM and MVIC results, newest first", tests)
      ->add_option("ATHLETE", a->athlete, "athlete id")
      ->required();
  auto* rt = sub("record-test", "record an RM or MVIC test", record_test);
  rt->add_option("ATHLETE", a->athlete, "athlete id")->required();
  rt->add_option("--rm-load", a->rm_load_n, "RM test: load [N]");
  rt->add_option("--rm-reps", a->rm_reps, "RM test: reps to failure, 1..12");
  rt->add_option("--mvic-left", a->mvic_left_n, "MVIC: left peak force [N]");
  rt->add_option("--mvic-right", a->mvic_right_n, "MVIC: right peak force [N]");
  rt->add_option("--note", a->note, "note");
  auto* pg = sub("progression",
                 "the pain-monitoring model's decision for the next session: progress, repeat "
                 "or reduce, the rule and why",
                 progression);
  pg->add_option("--athlete", a->athlete, "athlete id")->required();
  pg->add_option("--session", a->session, "session id (default: their latest calf-raise session)");
  auto* pr =
      sub("programme", "one session of a programme (HSR, Alfredson) as prescriptions", programme);
  pr->add_option("--athlete", a->athlete, "athlete id")->required();
  pr->add_option("--programme", a->programme, "hsr or alfredson")->required();
  pr->add_option("--week", a->week, "week, 1..12")->required();
  pr->add_option("--session", a->programme_session,
                 "session of the week: HSR 1..3, Alfredson 1..14")
      ->required();
  pr->add_option("--knee", a->knee, "HSR: straight (standing, default) or bent (seated)");
  pr->add_option("--lowering", a->lowering_s, "lowering target [s], 3..5 (default 3)");
  pr->add_option("--leg", a->leg, "Alfredson: the injured leg, left (default) or right");
  auto* mp =
      sub("morning-pain", "record the athlete's morning pain (one per UTC day)", morning_pain);
  mp->add_option("--athlete", a->athlete, "athlete id")->required();
  mp->add_option("--pain", a->pain, "0..10 (first steps or a single-leg heel raise)")->required();
  mp->add_option("--at-unix-ms", a->at_unix_ms, "when [unix ms] (default: now)");

  return {coach, [a, subs] {
            try {
              for (const auto& [cmd, fn] : subs)
                if (*cmd) return fn(*a);
            } catch (const std::invalid_argument& e) {
              std::cerr << "tempoloadctl coach: " << e.what() << "\n";
              return kRemoteUsage;
            }
            return kRemoteUsage;
          }};
}

}  // namespace tempoload::ctl
