#include "plugin/ctl/session_watch.hpp"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <iostream>

#include "plugin/ctl/report_table.hpp"

namespace tempoload::ctl {
namespace v1 = tempoload::v1;

const char* phase_text(v1::Phase p) {
  switch (p) {
    case v1::PHASE_LOADING:
      return "loading";
    case v1::PHASE_READY:
      return "ready: lift when you are set";
    case v1::PHASE_CONCENTRIC:
      return "lift";
    case v1::PHASE_TOP_PAUSE:
      return "hold at the top";
    case v1::PHASE_ECCENTRIC:
      return "lower slowly";
    case v1::PHASE_BOTTOM_PAUSE:
      return "rest at the bottom";
    case v1::PHASE_UNLOADING:
      return "unloading";
    case v1::PHASE_DONE:
      return "done";
    default:
      return "";
  }
}

namespace {

void clear_line(bool live) {
  if (live) std::cout << "\r" << std::string(110, ' ') << "\r";
}

void print_tick(const v1::Tick& k) {
  if (k.paused()) {
    std::printf("\r  paused %5.1f s (load off)%-70s", k.pause_elapsed_s(), "");
  } else if (k.rest_remaining_s() > 0) {
    std::printf("\r  rest: next set in %4.0f s (load off)%-60s", k.rest_remaining_s(), "");
  } else {
    std::printf(
        "\r  %-28s %4.1f/%4.1f s  pos %5.1f cm (target %5.1f)  L %5.0f N  R %5.0f N "
        "SI %+5.1f%% ",
        phase_text(k.phase()), k.phase_elapsed_s(), k.phase_target_s(), k.actual_position_m() * 100,
        k.target_position_m() * 100, k.force_left_n(), k.force_right_n(), k.symmetry_index_pct());
  }
  std::fflush(stdout);
}

}  // namespace

WatchResult watch_session(v1::GuidedSession::StubInterface& stub, const std::string& session_id,
                          const WatchOptions& o) {
  WatchResult result;
  grpc::ClientContext ctx;
  v1::WatchSessionRequest req;
  req.set_session_id(session_id);
  req.set_tick_rate_hz(o.tick_rate_hz);
  auto reader = stub.WatchSession(&ctx, req);
  v1::GuidanceEvent ev;
  bool header = false;
  google::protobuf::util::JsonPrintOptions json;
  json.always_print_primitive_fields = false;
  while (reader->Read(&ev)) {
    if (o.json) {
      std::string line;
      (void)google::protobuf::util::MessageToJsonString(ev, &line, json);
      std::cout << line << "\n" << std::flush;
    }
    if (ev.has_fault()) result.faulted = true;
    if (ev.has_set_finished()) {
      result.finished = ev.set_finished();
      result.have_finished = true;
    }
    if (o.json) continue;
    if (ev.has_tick()) {
      if (o.live) print_tick(ev.tick());
    } else if (ev.has_rep()) {
      clear_line(o.live);
      if (!header) {
        print_rep_header(std::cout);
        header = true;
      }
      print_rep_row(std::cout, ev.rep());
    } else if (ev.has_cue()) {
      clear_line(o.live);
      std::cout << "  cue: " << ev.cue() << "\n";
    } else if (ev.has_fault()) {
      clear_line(o.live);
      std::cerr << "FAULT " << ev.fault().code() << ": " << ev.fault().message() << "\n";
    }
  }
  result.status = reader->Finish();
  if (!o.json) clear_line(o.live);
  return result;
}

}  // namespace tempoload::ctl
