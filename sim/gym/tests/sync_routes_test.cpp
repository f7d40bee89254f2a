// The gym server's prescription and usage routes as pure request -> response, and the
// migration of a version-1 gym database.
#include "sim/gym/sync_routes.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "sim/gym/tests/test_support.hpp"

namespace tempoload::gym {
namespace {

using nlohmann::json;
using testing::TempDir;

constexpr const char* kSet =
    R"({"reps":6,"loadN":1500,"tempo":{"concentricS":3,"eccentricS":3.5}})";

std::string change(int base, const std::string& set = kSet, const std::string& by = "coach-a") {
  return R"({"baseVersion":)" + std::to_string(base) + R"(,"set":)" + set + R"(,"updatedBy":")" +
         by + R"("})";
}

class SyncRoutes : public ::testing::Test {
 protected:
  GymResponse call(const std::string& method, const std::string& target,
                   std::optional<std::string> body = std::nullopt,
                   std::optional<std::string> key = std::nullopt) {
    GymRequest req;
    req.method = method;
    req.target = target;
    req.body = body.value_or("");
    req.idempotency_key = std::move(key);
    if (body) req.content_type = "application/json";
    return handle_request(store_, req, ++now_);
  }
  GymResponse put(const std::string& athlete, const std::string& body, const std::string& key) {
    return call("PUT", "/api/v1/athletes/" + athlete + "/prescription", body, key);
  }
  static std::string error_of(const GymResponse& r) { return json::parse(r.body).at("error"); }

  TempDir dir_;
  ReportStore store_{dir_.file("gym.db")};
  std::int64_t now_ = 1'700'000'000'000;
};

TEST_F(SyncRoutes, PrescriptionVersionsCountUpAndGetReturnsTheCurrentOne) {
  EXPECT_EQ(call("GET", "/api/v1/athletes/anna/prescription").status, 404);
  GymResponse r = put("anna", change(0), "k1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body).at("version"), 1);
  r = put("anna", change(1, R"({"reps":8,"loadN":1600,"tempo":{"concentricS":3}})"), "k2");
  ASSERT_EQ(r.status, 201) << r.body;

  r = call("GET", "/api/v1/athletes/anna/prescription");
  ASSERT_EQ(r.status, 200);
  const json current = json::parse(r.body);
  EXPECT_EQ(current.at("version"), 2);
  EXPECT_EQ(current.at("athleteId"), "anna");
  EXPECT_EQ(current.at("set").at("reps"), 8);
  EXPECT_EQ(current.at("updatedBy"), "coach-a");
  r = call("GET", "/api/v1/athletes/anna/prescription/history");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("versions").size(), 2u);
}

TEST_F(SyncRoutes, StaleBaseVersionIsAConflictThatNamesTheCurrentVersion) {
  ASSERT_EQ(put("anna", change(0), "k1").status, 201);
  ASSERT_EQ(put("anna", change(1, kSet, "coach-b"), "k2").status, 201);
  const GymResponse r = put("anna", change(1, kSet, "coach-c"), "k3");  // also edited v1
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json::parse(r.body).at("current_version"), 2);
  EXPECT_NE(error_of(r).find("base_version 1 is not the current version 2"), std::string::npos);
  EXPECT_EQ(json::parse(call("GET", "/api/v1/athletes/anna/prescription").body).at("updatedBy"),
            "coach-b")
      << "the first edit to arrive stays";
}

TEST_F(SyncRoutes, RepeatedPutIsADuplicateNotAConflict) {
  ASSERT_EQ(put("anna", change(0), "k1").status, 201);
  // The answer was lost and the machine sends the same change again.
  const GymResponse again = put("anna", change(0), "k1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body).at("version"), 1);
  EXPECT_EQ(put("anna", change(0, kSet, "someone-else"), "k1").status, 409)
      << "a key reused for a different change";
  EXPECT_EQ(json::parse(call("GET", "/api/v1/athletes/anna/prescription/history").body)
                .at("versions")
                .size(),
            1u);
}

TEST_F(SyncRoutes, BadPrescriptionChangesAreRefusedNamingWhatIsWrong) {
  EXPECT_EQ(call("PUT", "/api/v1/athletes/anna/prescription", change(0)).status, 400)
      << "no Idempotency-Key";
  EXPECT_NE(
      error_of(put("anna",
                   R"({"athleteId":"ben","set":)" + std::string(kSet) + R"(,"updatedBy":"c"})",
                   "k"))
          .find("athlete_id"),
      std::string::npos);
  EXPECT_NE(error_of(put("anna", change(0, R"({"reps":0,"tempo":{"concentricS":3}})"), "k"))
                .find("set.reps"),
            std::string::npos);
  EXPECT_NE(error_of(put("anna", R"({"baseVersion":0,"updatedBy":"c"})", "k")).find("set"),
            std::string::npos);
  EXPECT_NE(error_of(put("anna", change(0, kSet, ""), "k")).find("updated_by"), std::string::npos);
  EXPECT_EQ(put("bad%20id!", change(0), "k").status, 400);
  EXPECT_EQ(put("anna", R"({"nonsense":1})", "k").status, 400);
  EXPECT_EQ(call("DELETE", "/api/v1/athletes/anna/prescription").status, 405);
  EXPECT_EQ(call("GET", "/api/v1/athletes/anna/prescription").status, 404) << "nothing stored";
}

TEST_F(SyncRoutes, UsageReportsAreStoredOnceByKey) {
  const std::string body =
      R"({"reportId":"usage-calf-1-2026-11-20T00:00:00Z","machineId":"calf-1","sessions":2,)"
      R"("athletes":[{"athleteId":"anna","sessions":2,"loadedS":120}]})";
  EXPECT_EQ(call("POST", "/api/v1/usage", body, "usage-calf-1-2026-11-20T00:00:00Z").status, 201);
  EXPECT_EQ(call("POST", "/api/v1/usage", body, "usage-calf-1-2026-11-20T00:00:00Z").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/usage", body, "another-key").status, 400)
      << "report_id must be the key";
  const GymResponse list = call("GET", "/api/v1/usage");
  ASSERT_EQ(list.status, 200);
  const json reports = json::parse(list.body).at("usage_reports");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].at("athletes")[0].at("athleteId"), "anna");
}

TEST(GymStoreMigration, VersionOneDatabaseKeepsItsReportsAndGainsPrescriptions) {
  TempDir dir;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("gym.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE session_reports (idempotency_key TEXT PRIMARY KEY NOT "
                           "NULL, session_id TEXT NOT NULL UNIQUE, athlete_id TEXT NOT NULL, "
                           "machine_id TEXT NOT NULL, reps_counted INTEGER NOT NULL, "
                           "received_at_unix_ms INTEGER NOT NULL, body TEXT NOT NULL);"
                           "INSERT INTO session_reports VALUES ('s1', 's1', 'anna', 'calf-1', 6, "
                           "1000, '{}'); PRAGMA user_version=1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ReportStore store(dir.file("gym.db"));
  ASSERT_EQ(store.list().size(), 1u);
  EXPECT_EQ(store.list()[0].reps_counted, 6);
  StoredPrescription p{"anna", 0, 0, "{}", 1, "coach", "k"};
  EXPECT_EQ(store.put_prescription(p, nullptr), PrescriptionPutOutcome::kStored);
}

}  // namespace
}  // namespace tempoload::gym
