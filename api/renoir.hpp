// The one header users include.
#pragma once
#include <renoir/api/config.hpp>
#include <renoir/api/context.hpp>
#include <renoir/api/csv.hpp>
#include <renoir/api/keyed_stream.hpp>
#include <renoir/api/output.hpp>
#include <renoir/api/stream.hpp>
#include <renoir/api/windows/descriptions.hpp>
#include <renoir/core/activity.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/run_state.hpp>

namespace renoir {
using core::ReplicaInfo;
using core::this_replica;
/// The event time of the item being handled, inside operators of a timestamped stream (e.g. a
/// window result: its window's end - 1).
using core::current_timestamp;
/// Thrown by execute_blocking() when a replica stayed blocked in user code (running, using no
/// CPU) for the stall timeout: RENOIR_STALL_TIMEOUT_MS, or stall_timeout_ms in a cluster file
/// (default 60 s, 0 disables). The stuck thread is abandoned: exit the process soon after.
using core::StallError;
/// Wrap a call that legitimately blocks for long (a source waiting on a socket or a queue) in
/// `renoir::WaitingScope waiting;` so that the stall watchdog does not take it for a deadlock.
using core::WaitingScope;
}  // namespace renoir
