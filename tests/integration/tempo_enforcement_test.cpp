// Tempo enforcement end to end (issue 3): the simulated athlete's scripted misbehaviour against
// the plugin through GuidedSession. A pause beyond Tempo.max_pause_s is judged "paused too
// long"; with the eccentric velocity limit the drive holds an athlete who tries to drop, so the
// rep takes the prescribed time and counts.
#include <gtest/gtest.h>

#include <map>

#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

// Runs the set to its end; returns the reps as streamed and the finished set.
v1::SetReport run_set(Stack& stack, const v1::StartSetRequest& req,
                      std::map<unsigned, v1::RepResult>& reps) {
  auto stub = stack.session_stub();
  v1::StartSetResponse started;
  grpc::ClientContext start_ctx;
  start_ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  const auto s = stub->StartSet(&start_ctx, req, &started);
  EXPECT_TRUE(s.ok()) << s.error_message() << stack.logs();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(150));
  v1::WatchSessionRequest wreq;
  wreq.set_session_id(started.session_id());
  auto reader = stub->WatchSession(&ctx, wreq);
  v1::GuidanceEvent ev;
  v1::SetReport finished;
  while (reader->Read(&ev)) {
    if (ev.has_rep()) reps[ev.rep().index()] = ev.rep();
    if (ev.has_fault()) ADD_FAILURE() << "fault: " << ev.fault().message();
    if (ev.has_set_finished()) finished = ev.set_finished();
  }
  EXPECT_TRUE(reader->Finish().ok()) << stack.logs();
  return finished;
}

TEST(TempoEnforcement, PausesBeyondTheLimitAreNotCounted) {
  // sim/scenarios/pause_too_long.json: rep 2 holds 3 s at the top, and the athlete rests 5 s at
  // the bottom before rep 5; every other pause is 0.5 s (top) or 1 s (bottom).
  Stack stack("pause_too_long.json");
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  auto req = demo_request("athlete-pauses");
  req.mutable_set()->set_reps(5);
  req.mutable_set()->mutable_tempo()->set_max_pause_s(2.0);
  std::map<unsigned, v1::RepResult> reps;
  const auto finished = run_set(stack, req, reps);

  ASSERT_EQ(finished.summary().end_reason(), "target reached") << stack.logs();
  EXPECT_EQ(finished.summary().reps_counted(), 5u);
  ASSERT_EQ(reps.size(), 7u) << stack.logs();
  EXPECT_EQ(reps[2].verdict(), v1::REP_VERDICT_PAUSED_TOO_LONG);
  EXPECT_NEAR(reps[2].top_pause_s(), 3.0, 0.3);
  EXPECT_NE(reps[2].cue().find("pause"), std::string::npos) << reps[2].cue();
  EXPECT_EQ(reps[5].verdict(), v1::REP_VERDICT_PAUSED_TOO_LONG) << "the 5 s rest before it";
  EXPECT_NEAR(reps[5].bottom_pause_s(), 5.0, 0.3);
  for (unsigned i : {1u, 3u, 4u, 6u, 7u})
    EXPECT_EQ(reps[i].verdict(), v1::REP_VERDICT_COUNTED) << "rep " << i << ": " << reps[i].cue();
}

TEST(TempoEnforcement, VelocityLimitHoldsAnAthleteWhoTriesToDrop) {
  // sim/scenarios/drop.json: reps 3 and 5 are dropped in 0.8 s. With the limit (0.9 x 0.09 m /
  // 3.0 s = 0.027 m/s) the drive holds them to at least 3.33 s of lowering.
  Stack stack("drop.json");
  ASSERT_TRUE(stack.start_sim()) << stack.logs();
  ASSERT_TRUE(stack.start_plugin()) << stack.logs();
  auto req = demo_request("athlete-drops");
  req.mutable_set()->set_reps(5);
  req.mutable_set()->set_eccentric_velocity_limit(true);
  std::map<unsigned, v1::RepResult> reps;
  const auto finished = run_set(stack, req, reps);

  ASSERT_EQ(finished.summary().end_reason(), "target reached") << stack.logs();
  ASSERT_EQ(reps.size(), 5u) << "no rep lost to a drop" << stack.logs();
  for (const auto& [i, rep] : reps) {
    EXPECT_EQ(rep.verdict(), v1::REP_VERDICT_COUNTED) << "rep " << i << ": " << rep.cue();
    EXPECT_GE(rep.eccentric_s(), 3.0) << "rep " << i;
  }
  EXPECT_GE(reps[3].eccentric_s(), 3.2) << "the drop was held to the limit";
  EXPECT_GE(reps[5].eccentric_s(), 3.2);
}

}  // namespace
}  // namespace tempoload::testing
