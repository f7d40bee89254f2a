// tempoloadctl's exit codes: one table for every command, so scripts can branch on them.
// Documented in docs/coach-operator.md and `tempoloadctl --help`.
#pragma once

namespace tempoload::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;        // bad command line, unreadable input file
inline constexpr int kExitRefused = 2;      // INVALID_ARGUMENT, PERMISSION_DENIED,
                                            // UNAUTHENTICATED, FAILED_PRECONDITION
inline constexpr int kExitNotFound = 3;     // NOT_FOUND, or no such entry in a local file
inline constexpr int kExitUnreachable = 4;  // UNAVAILABLE, DEADLINE_EXCEEDED, HTTP unreachable
inline constexpr int kExitFailed = 5;       // any other error (server error, bad reply, storage)
inline constexpr int kExitSetFault = 6;     // the set or test ran and ended by a fault

}  // namespace tempoload::ctl
