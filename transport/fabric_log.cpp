// libfabric's warnings about refused connections, as one line each on our stderr.
#include "renoir/transport/fabric_log.hpp"

#include <rdma/fabric.h>
#include <rdma/fi_ext.h>
#include <rdma/providers/fi_log.h>
#include <rdma/providers/fi_prov.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace renoir::transport::detail {
namespace {

bool connection_warning(const fi_provider* prov, fi_log_level level, fi_log_subsys subsys) {
  // (Refused connections, "sockerr -111", are dropped in log_line: every job has them while
  // its hosts start listening, and connect_all() retries and names a peer that never listens.)
  if (level != FI_LOG_WARN || subsys != FI_LOG_EP_CTRL || !prov || !prov->name) return false;
  return std::strcmp(prov->name, "tcp") == 0 || std::strcmp(prov->name, "ofi_rxm") == 0;
}

int log_enabled(const fi_provider* prov, fi_log_level level, fi_log_subsys subsys, uint64_t) {
  return connection_warning(prov, level, subsys);
}

int log_ready(const fi_provider* prov, fi_log_level level, fi_log_subsys subsys, uint64_t,
              uint64_t* showtime) {
  // Rate-limited warnings (FI_WARN_SPARSE): once per second.
  if (!connection_warning(prov, level, subsys)) return 0;
  const auto now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now().time_since_epoch())
                                             .count());
  // *showtime is a static of the call site, shared by every thread that reaches it; only this
  // callback touches it, so an atomic compare-exchange makes one thread win each second.
  std::atomic_ref<uint64_t> next(*showtime);
  uint64_t due = next.load(std::memory_order_relaxed);
  return now >= due && next.compare_exchange_strong(due, now + 1000, std::memory_order_relaxed);
}

// At most kBurst lines per second, whatever a peer sends: a flood must not fill the disk.
void log_line(const fi_provider* prov, fi_log_level, fi_log_subsys, const char*, int, const char* msg) {
  constexpr int kBurst = 10;
  if (std::strstr(msg, "sockerr -111")) return;  // ECONNREFUSED: a peer not listening yet
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point window;
  static int in_window = 0, dropped = 0;
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - window >= std::chrono::seconds(1)) {
    if (dropped > 0) std::fprintf(stderr, "renoir: libfabric: %d more warnings dropped\n", dropped);
    window = now;
    in_window = dropped = 0;
  }
  if (++in_window > kBurst) {
    ++dropped;
    return;
  }
  std::size_t len = std::strlen(msg);
  while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r')) --len;
  std::fprintf(stderr, "renoir: libfabric %s: %.*s\n", prov->name, static_cast<int>(len), msg);
}

fi_ops_log log_ops{sizeof(fi_ops_log), log_enabled, log_ready, log_line};
fid_logging log_fid{};  // libfabric keeps pointers to it: static, never destroyed

}  // namespace

void route_libfabric_warnings() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (std::getenv("FI_LOG_LEVEL")) return;
    log_fid.ops = &log_ops;
    if (fi_import_log(FI_VERSION(1, 17), 0, &log_fid) != 0)
      std::fprintf(stderr, "renoir: libfabric's warnings could not be routed; they keep their own format\n");
  });
}

}  // namespace renoir::transport::detail
