// The remote listener: TLS, bearer tokens issued and revoked with tempoloadctl, and the role
// table enforced before any handler runs. Real plugin and simulator processes on loopback.
#include <grpcpp/grpcpp.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tempoload/v1/guided_session.grpc.pb.h"
#include "tempoload/v1/telemetry.grpc.pb.h"
#include "tests/integration/stack.hpp"

namespace tempoload::testing {
namespace {

namespace v1 = tempoload::v1;
using std::chrono::seconds;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RemoteAccess : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.start_sim()) << stack_.logs();
    const auto d = stack_.dir();
    const std::string openssl =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
        (d / "key.pem").string() + " -out " + (d / "cert.pem").string() + " 2>/dev/null";
    ASSERT_EQ(std::system(openssl.c_str()), 0) << "openssl could not make a test certificate";
    host_token_ = ctl({"token", "issue", "--tokens", tokens(), "--id", "host-1", "--role", "host"});
    coach_token_ = ctl({"token", "issue", "--tokens", tokens(), "--id", "coach-anna", "--role",
                        "coach", "--athlete", "athlete-1"});
    ASSERT_EQ(host_token_.rfind("tl_", 0), 0u) << host_token_;
    ASSERT_EQ(coach_token_.rfind("tl_", 0), 0u) << coach_token_;

    start_plugin({});
  }

  void start_plugin(const std::vector<std::string>& extra) {
    if (plugin_) {
      plugin_->signal(SIGTERM);
      plugin_->wait_exit(seconds(10));
    }
    const auto d = stack_.dir();
    std::vector<std::string> args{TEMPOLOAD_PLUGIN_BIN, "--daemon", "--no-realtime", "--map",
                                  TEMPOLOAD_MAP, "--modbus",
                                  "127.0.0.1:" + std::to_string(stack_.sim_port()), "--db",
                                  (d / "plugin.db").string(), "--listen", "127.0.0.1:0",
                                  "--tls-listen", "127.0.0.1:0", "--tls-cert",
                                  (d / "cert.pem").string(), "--tls-key", (d / "key.pem").string(),
                                  "--tokens", tokens()};
    args.insert(args.end(), extra.begin(), extra.end());
    plugin_ = std::make_unique<ChildProcess>(args, (d / "plugin.log").string());
    tls_port_ = plugin_->wait_for_port(seconds(15), "tls listening on");
    ASSERT_GT(tls_port_, 0) << plugin_->log_tail();
  }

  std::string tokens() const { return (stack_.dir() / "tokens.json").string(); }

  // Runs tempoloadctl; returns its stdout's first line.
  std::string ctl(std::vector<std::string> args) {
    args.insert(args.begin(), TEMPOLOAD_CTL_BIN);
    ChildProcess p(args, (stack_.dir() / "ctl.log").string());
    std::string out = p.read_stdout(seconds(10));
    p.wait_exit(seconds(5));
    return out.substr(0, out.find('\n'));
  }

  std::shared_ptr<grpc::Channel> channel(const std::string& token) {
    grpc::SslCredentialsOptions opts;
    opts.pem_root_certs = slurp(stack_.dir() / "cert.pem");
    auto creds = grpc::SslCredentials(opts);
    if (!token.empty())
      creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(tls_port_), creds);
  }

  grpc::Status get_report(const std::string& token) {
    auto stub = v1::GuidedSession::NewStub(channel(token));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
    v1::GetSessionReportRequest req;
    req.set_session_id("no-such-session");
    v1::SessionReport resp;
    return stub->GetSessionReport(&ctx, req, &resp);
  }

  grpc::Status start_set(const std::string& token, v1::StartSetRequest req) {
    auto stub = v1::GuidedSession::NewStub(channel(token));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
    v1::StartSetResponse resp;
    return stub->StartSet(&ctx, req, &resp);
  }

  Stack stack_;
  std::unique_ptr<ChildProcess> plugin_;
  int tls_port_ = -1;
  std::string host_token_, coach_token_;
};

TEST_F(RemoteAccess, CallsWithoutAValidTokenAreUnauthenticated) {
  auto s = get_report("");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  s = get_report("tl_0000");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_EQ(s.error_message(), "unknown or revoked token");
}

TEST_F(RemoteAccess, RolesDecideWhatEachMayCallAndRefusedCallsChangeNothing) {
  // A coach may read reports ...
  EXPECT_EQ(get_report(coach_token_).error_code(), grpc::StatusCode::NOT_FOUND);
  // ... but not run the machine.
  auto s = start_set(coach_token_, demo_request("athlete-1"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "role coach may not call /tempoload.v1.GuidedSession/StartSet");
  // The host passes authentication and reaches validation.
  auto bad = demo_request("athlete-1");
  bad.mutable_set()->set_reps(0);
  s = start_set(host_token_, bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  // Nothing was started: the machine was never loaded by a refused call.
  EXPECT_EQ(get_report(host_token_).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(slurp(stack_.dir() / "plugin.log").find("session "), std::string::npos)
      << "no session may have started";
}

TEST_F(RemoteAccess, RevokedTokenIsRefusedAtOnceWithoutRestart) {
  ASSERT_EQ(get_report(coach_token_).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ctl({"token", "revoke", "--tokens", tokens(), "--id", "coach-anna"}),
            "revoked 1 token(s) of coach-anna");
  EXPECT_EQ(get_report(coach_token_).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(get_report(host_token_).error_code(), grpc::StatusCode::NOT_FOUND)
      << "other tokens still work";
}

TEST_F(RemoteAccess, HealthIsPublicAndPlaintextIsRefusedOnTheTlsPort) {
  // grpc.health.v1.Health/Check for service "plugin", no token, encoded by hand:
  // HealthCheckRequest{service = "plugin"} and HealthCheckResponse{status = SERVING (1)}.
  const std::string request("\x0a\x06plugin", 8);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1), resp;
  grpc::GenericStub generic(channel(""));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  auto call = generic.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", req, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&resp, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(resp.Dump(&slices).ok());
  std::string body;
  for (const auto& s : slices) body.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_EQ(body, std::string("\x08\x01", 2)) << "SERVING";
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }

  auto plain = v1::GuidedSession::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(tls_port_), grpc::InsecureChannelCredentials()));
  grpc::ClientContext pctx;
  pctx.set_deadline(std::chrono::system_clock::now() + seconds(3));
  v1::GetSessionReportRequest preq;
  v1::SessionReport presp;
  EXPECT_EQ(plain->GetSessionReport(&pctx, preq, &presp).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(RemoteAccess, NoTokenEverAppearsInTheLog) {
  get_report(coach_token_);
  get_report("tl_secretguess");
  plugin_->signal(SIGTERM);
  plugin_->wait_exit(seconds(10));
  const std::string log = slurp(stack_.dir() / "plugin.log");
  EXPECT_EQ(log.find(coach_token_), std::string::npos);
  EXPECT_EQ(log.find("tl_secretguess"), std::string::npos);
  EXPECT_EQ(slurp(tokens()).find(coach_token_), std::string::npos) << "only hashes are stored";
}

TEST_F(RemoteAccess, TelemetryIsForTheHostAndOperatorsAndTheSessionControlsForTheHostOnly) {
  const std::string op_token =
      ctl({"token", "issue", "--tokens", tokens(), "--id", "operator-olli", "--role", "operator"});
  ASSERT_EQ(op_token.rfind("tl_", 0), 0u) << op_token;
  auto first_batch = [&](const std::string& token, v1::SampleBatch& batch) {
    auto stub = v1::Telemetry::NewStub(channel(token));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
    v1::StreamSamplesRequest req;
    req.set_batch_size(10);
    auto reader = stub->StreamSamples(&ctx, req);
    if (!reader->Read(&batch)) return reader->Finish();
    ctx.TryCancel();  // one batch is enough
    reader->Finish();
    return grpc::Status::OK;
  };
  v1::SampleBatch batch;
  ASSERT_TRUE(first_batch(op_token, batch).ok()) << plugin_->log_tail();
  EXPECT_EQ(batch.sequence_size(), 10) << "an operator receives raw samples";
  const auto coach = first_batch(coach_token_, batch);
  EXPECT_EQ(coach.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(coach.error_message(),
            "role coach may not call /tempoload.v1.Telemetry/StreamSamples");

  // Pausing, resuming and pain reports run the machine: the host's, never a coach's.
  auto stub = v1::GuidedSession::NewStub(channel(coach_token_));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  v1::ReportPainRequest pain;
  pain.set_session_id("any");
  pain.set_pain_0_10(9);
  v1::ReportPainResponse resp;
  EXPECT_EQ(stub->ReportPain(&ctx, pain, &resp).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RemoteAccess, ServerReflectionListsEveryServiceWithoutAToken) {
  // grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo, encoded by hand:
  // ServerReflectionRequest{list_services = "*"} (field 7).
  grpc::GenericStub generic(channel(""));
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  auto call = generic.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int id) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(tag, reinterpret_cast<void*>(id));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(step(1));
  grpc::Slice request_slice(std::string("\x3a\x01*", 3));
  grpc::ByteBuffer request(&request_slice, 1), response;
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(step(2));
  call->WritesDone(reinterpret_cast<void*>(3));
  ASSERT_TRUE(step(3));
  call->Read(&response, reinterpret_cast<void*>(4));
  ASSERT_TRUE(step(4));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(response.Dump(&slices).ok());
  std::string body;
  for (const auto& sl : slices) body.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
  for (const char* service :
       {"tempoload.v1.GuidedSession", "tempoload.v1.DynamometerTest", "tempoload.v1.Prescriptions",
        "tempoload.v1.Coach", "tempoload.v1.Operator", "tempoload.v1.Telemetry",
        "grpc.health.v1.Health"})
    EXPECT_NE(body.find(service), std::string::npos) << service << " is not listed";
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(RemoteAccess, EachCallerIsHeldToItsRequestRate) {
  // 5 at once, then one every 10 s: the calls below take far less than 10 s.
  start_plugin({"--rate-limit-per-s", "0.1", "--rate-limit-burst", "5"});
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(get_report(coach_token_).error_code(), grpc::StatusCode::NOT_FOUND) << "call " << i;
  const auto s = get_report(coach_token_);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(),
            "rate limit: at most 0.1 requests/s per caller (burst 5); retry later");
  // Another caller has its own allowance.
  EXPECT_EQ(get_report(host_token_).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RemoteAccess, OversizedRequestsAreRefused) {
  start_plugin({"--max-message-bytes", "4096"});
  auto stub = v1::GuidedSession::NewStub(channel(host_token_));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  v1::GetSessionReportRequest req;
  req.set_session_id(std::string(8192, 'x'));
  v1::SessionReport resp;
  EXPECT_EQ(stub->GetSessionReport(&ctx, req, &resp).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(get_report(host_token_).error_code(), grpc::StatusCode::NOT_FOUND)
      << "a normal request still passes";
}

}  // namespace
}  // namespace tempoload::testing
