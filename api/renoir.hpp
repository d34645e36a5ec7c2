// The one header users include.
#pragma once
#include <renoir/api/config.hpp>
#include <renoir/api/context.hpp>
#include <renoir/api/csv.hpp>
#include <renoir/api/keyed_stream.hpp>
#include <renoir/api/output.hpp>
#include <renoir/api/stream.hpp>
#include <renoir/api/operators/map.hpp>
#include <renoir/api/operators/filter.hpp>
#include <renoir/api/operators/filter_map.hpp>
#include <renoir/api/operators/flat_map.hpp>
#include <renoir/api/operators/inspect.hpp>
#include <renoir/api/operators/add_timestamps.hpp>
#include <renoir/api/operators/reorder.hpp>
#include <renoir/api/operators/window.hpp>
#include <renoir/api/operators/interval_join.hpp>
#include <renoir/api/operators/window_join.hpp>
#include <renoir/api/operators/group_by.hpp>
#include <renoir/api/operators/shuffle.hpp>
#include <renoir/api/operators/split.hpp>
#include <renoir/api/operators/merge.hpp>
#include <renoir/api/operators/zip.hpp>
#include <renoir/api/operators/join.hpp>
#include <renoir/api/operators/replay.hpp>
#include <renoir/api/operators/iterate.hpp>
#include <renoir/api/operators/iterate_delta.hpp>
#include <renoir/api/operators/route.hpp>
#include <renoir/api/operators/fold.hpp>
#include <renoir/api/operators/reduce.hpp>
#include <renoir/api/operators/group_by_fold.hpp>
#include <renoir/api/operators/group_by_reduce.hpp>
#include <renoir/api/operators/unique_assoc.hpp>
#include <renoir/api/operators/sorted_by.hpp>
#include <renoir/api/operators/limit.hpp>
#include <renoir/api/operators/map_memo.hpp>
#include <renoir/api/operators/sorted_limit.hpp>
#include <renoir/api/sinks/collect.hpp>
#include <renoir/api/sinks/for_each.hpp>
#include <renoir/api/sinks/write_csv.hpp>
#include <renoir/api/sinks/collect_channel.hpp>
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
