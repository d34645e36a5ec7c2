// libfabric's own warnings about the connections it refuses, routed to our stderr as one line
// each: a process that sends garbage to a worker's port shows up in that worker's log.
#pragma once

namespace renoir::transport::detail {

/// Once per process, before the first endpoint opens: installs a libfabric logger that prints
/// the connection-control warnings of the tcp and rxm providers ("renoir: libfabric tcp: cm
/// protocol version mismatch"), at most a few per second, and drops the rest of libfabric's
/// default warnings (provider probing noise). Does nothing if the user set FI_LOG_LEVEL, so
/// libfabric's own logging stays available for debugging.
void route_libfabric_warnings();

}  // namespace renoir::transport::detail
