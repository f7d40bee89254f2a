// Prescriptions through the gym server, with real processes on loopback: a prescription a
// coach changes at the gym server is the one the next session runs, on any machine; with the
// server unreachable the cached copy runs and the session says so; an edit made on a machine
// reaches the gym server, and an offline edit made from an outdated version is kept as a
// conflict instead of overwriting the newer one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plugin/http/http_client.hpp"
#include "sim/gym/report_store.hpp"
#include "tests/integration/delivery_stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using nlohmann::json;
using std::chrono::seconds;

// A coach's edit at the gym server (what its web front end would send). Returns the status.
int coach_puts(const std::string& gym_url, const std::string& athlete, int base_version,
               double load_n, const std::string& key) {
  const auto set = short_set_request(athlete).set();
  json change{{"baseVersion", base_version},
              {"updatedBy", "coach-at-desk"},
              {"set",
               {{"reps", set.reps()},
                {"loadN", load_n},
                {"tempo",
                 {{"concentricS", 1.0},
                  {"topPauseS", 0.3},
                  {"eccentricS", 1.5},
                  {"bottomPauseS", 0.5},
                  {"eccentricMinS", 1.2},
                  {"eccentricMaxS", 2.0}}}}}};
  http::HttpClient gym(gym_url);
  const auto r = gym.put_json("/api/v1/athletes/" + athlete + "/prescription", change.dump(),
                              {{"Idempotency-Key", key}});
  return r.ok ? r.response.status : -1;
}

// Starts a session with only the athlete id, then stops it at once (the set is not the point
// here); returns the StartSet answer and the cues the athlete got.
struct Started {
  grpc::Status status;
  v1::StartSetResponse response;
  std::vector<std::string> cues;
};
Started start_assigned(DeliveryStack& stack, const std::string& athlete) {
  auto stub = stack.session_stub();
  v1::StartSetRequest req;
  req.set_athlete_id(athlete);
  req.mutable_range()->set_top_m(0.09);
  Started out;
  grpc::ClientContext ctx;
  out.status = stub->StartSet(&ctx, req, &out.response);
  if (!out.status.ok()) return out;
  grpc::ClientContext stop_ctx;
  v1::StopSetRequest stop;
  stop.set_session_id(out.response.session_id());
  v1::StopSetResponse stopped;
  stub->StopSet(&stop_ctx, stop, &stopped);
  const auto watched = watch_set(*stub, out.response.session_id(), -1, seconds(15));
  out.cues = watched.cues;
  return out;
}

TEST(PrescriptionSync, TheGymServersVersionRunsOnAnyMachineAndTheCacheWhenItIsUnreachable) {
  DeliveryStack stack;
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_EQ(coach_puts(stack.gym_url(), "anna", 0, 900, "desk-1"), 201);

  // Machine A runs version 1, fetched from the gym server.
  ASSERT_TRUE(stack.start_plugin({}, "calf-a", "machine-a.db")) << stack.logs();
  auto a = start_assigned(stack, "anna");
  ASSERT_TRUE(a.status.ok()) << a.status.error_message() << stack.logs();
  EXPECT_EQ(a.response.origin().source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(a.response.origin().version(), 1u);
  ASSERT_TRUE(wait_until(
      [&] { return outbox_counts(stack.plugin_db("machine-a.db")).delivered == 1; }, seconds(10)));
  stack.stop_plugin();

  // The coach changes it at the gym server; the athlete walks up to machine B.
  ASSERT_EQ(coach_puts(stack.gym_url(), "anna", 1, 1100, "desk-2"), 201);
  ASSERT_TRUE(stack.start_plugin({}, "calf-b", "machine-b.db")) << stack.logs();
  auto b = start_assigned(stack, "anna");
  ASSERT_TRUE(b.status.ok()) << b.status.error_message() << stack.logs();
  EXPECT_EQ(b.response.origin().source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(b.response.origin().version(), 2u);
  ASSERT_FALSE(b.cues.empty());
  EXPECT_EQ(b.cues[0], "prescription v2 from the gym server");

  // The gym server goes down: machine B runs its cached copy of version 2 and says so.
  stack.kill_gym();
  auto offline = start_assigned(stack, "anna");
  ASSERT_TRUE(offline.status.ok()) << offline.status.error_message() << stack.logs();
  EXPECT_EQ(offline.response.origin().source(), v1::PRESCRIPTION_SOURCE_CACHE);
  EXPECT_EQ(offline.response.origin().version(), 2u);
  EXPECT_NE(offline.response.origin().note().find("gym server unreachable"), std::string::npos);
  ASSERT_FALSE(offline.cues.empty());
  EXPECT_NE(offline.cues[0].find("prescription v2 from this machine's cached copy"),
            std::string::npos)
      << offline.cues[0];

  // An athlete this machine has never seen cannot start without a set while offline.
  auto unknown = start_assigned(stack, "ben");
  EXPECT_EQ(unknown.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(unknown.status.error_message().find("no cached copy"), std::string::npos);

  // Back online: the sessions reach the gym server saying which version ran, and from where.
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(wait_until(
      [&] { return outbox_counts(stack.plugin_db("machine-b.db")).delivered == 2; }, seconds(15)))
      << stack.logs();
  int matched = 0;
  EXPECT_EQ(
      compare_gym_with_plugins({stack.plugin_db("machine-a.db"), stack.plugin_db("machine-b.db")},
                               stack.gym_url(), &matched),
      "");
  EXPECT_EQ(matched, 3);
  http::HttpClient gym(stack.gym_url());
  const auto got = gym.get("/api/v1/sessions/" + offline.response.session_id());
  ASSERT_TRUE(got.ok && got.response.status == 200);
  const auto report = json::parse(got.response.body);
  EXPECT_EQ(report.at("prescriptionOrigin").at("source"), "PRESCRIPTION_SOURCE_CACHE");
  EXPECT_EQ(report.at("prescriptionOrigin").at("version"), 2);
  EXPECT_EQ(report.at("sets")[0].at("prescription").at("loadN"), 1100);
}

TEST(PrescriptionSync, EditsAtTheMachineReachTheGymAndAStaleOfflineEditIsKeptAsAConflict) {
  DeliveryStack stack;  // no machine needed: prescriptions only
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_EQ(coach_puts(stack.gym_url(), "anna", 0, 900, "desk-1"), 201);
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  auto rx = stack.prescription_stub();

  auto get = [&] {
    grpc::ClientContext ctx;
    v1::GetPrescriptionRequest req;
    req.set_athlete_id("anna");
    v1::GetPrescriptionResponse resp;
    EXPECT_TRUE(rx->GetPrescription(&ctx, req, &resp).ok());
    return resp;
  };
  auto edit = [&](std::uint32_t base, double load_n) {
    grpc::ClientContext ctx;
    v1::UpdatePrescriptionRequest req;
    req.set_athlete_id("anna");
    req.set_base_version(base);
    req.set_updated_by("coach-at-machine");
    *req.mutable_set() = short_set_request("anna").set();
    req.mutable_set()->set_load_n(load_n);
    v1::UpdatePrescriptionResponse resp;
    return rx->UpdatePrescription(&ctx, req, &resp);
  };
  EXPECT_EQ(get().prescription().version(), 1u);

  // A bad edit is refused naming the field, and nothing is queued.
  grpc::ClientContext bad_ctx;
  v1::UpdatePrescriptionRequest bad;
  bad.set_athlete_id("anna");
  bad.set_updated_by("coach-at-machine");
  *bad.mutable_set() = short_set_request("anna").set();
  bad.mutable_set()->set_load_n(99'999);
  v1::UpdatePrescriptionResponse ignored;
  const auto refused = rx->UpdatePrescription(&bad_ctx, bad, &ignored);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_message().rfind("set.load_n:", 0), 0u) << refused.error_message();

  // An edit at the machine becomes version 2 at the gym server.
  ASSERT_TRUE(edit(1, 950).ok());
  http::HttpClient gym(stack.gym_url());
  ASSERT_TRUE(wait_until(
      [&] {
        const auto r = gym.get("/api/v1/athletes/anna/prescription");
        return r.ok && r.response.status == 200 && json::parse(r.response.body).at("version") == 2;
      },
      seconds(10)))
      << stack.logs();
  const auto v2 = json::parse(gym.get("/api/v1/athletes/anna/prescription").response.body);
  EXPECT_EQ(v2.at("updatedBy"), "coach-at-machine");
  EXPECT_EQ(v2.at("set").at("loadN"), 950);

  // Offline, this machine edits version 2 while a coach at the desk also edits version 2
  // (written straight into the gym server's database while it is down). The desk's edit is
  // there first, so it wins; this machine's edit is refused (409) and kept as a conflict.
  stack.kill_gym();
  ASSERT_TRUE(edit(2, 975).ok());
  const auto local = get();
  EXPECT_EQ(local.origin().source(), v1::PRESCRIPTION_SOURCE_LOCAL_EDIT);
  EXPECT_EQ(local.prescription().version(), 3u);
  {
    gym::ReportStore desk(stack.gym_db().string());
    gym::StoredPrescription p{
        "anna",          0,       2, R"({"reps":3,"loadN":1000,"tempo":{"concentricS":1}})", 1,
        "coach-at-desk", "desk-3"};
    ASSERT_EQ(desk.put_prescription(p, nullptr), gym::PrescriptionPutOutcome::kStored);
  }
  ASSERT_TRUE(stack.start_gym()) << stack.logs();
  ASSERT_TRUE(wait_until(
      [&] { return outbox_counts(stack.plugin_db(), "prescription_change").conflict == 1; },
      seconds(15)))
      << stack.logs();
  const auto v3 = json::parse(gym.get("/api/v1/athletes/anna/prescription").response.body);
  EXPECT_EQ(v3.at("version"), 3);
  EXPECT_EQ(v3.at("updatedBy"), "coach-at-desk");
  const auto now = get();
  EXPECT_EQ(now.origin().source(), v1::PRESCRIPTION_SOURCE_GYM_SERVER);
  EXPECT_EQ(now.prescription().version(), 3u);
  EXPECT_EQ(now.prescription().set().load_n(), 1000);
  int status = -1;
  const auto listing =
      run_ctl({"outbox", "--db", stack.plugin_db().string(), "--state", "conflict"}, &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(listing.find("prescription_change"), std::string::npos) << listing;
  EXPECT_NE(listing.find("409"), std::string::npos) << listing;
}

}  // namespace
}  // namespace tempoload::testing
