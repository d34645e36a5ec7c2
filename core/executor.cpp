// Runs a job graph: one pinned thread per replica, first error cancels everything.
#include <renoir/core/executor.hpp>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdio>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <ctime>
#include <exception>
#include <thread>
#include <vector>

#include <renoir/core/deployment.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/core/stall_watchdog.hpp>
#include <renoir/topology/hardware.hpp>
#include <renoir/core/placement.hpp>
#include <renoir/transport/inprocess_transport.hpp>
#include <renoir/transport/serialization.hpp>

#if defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>) && (defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_LEAK__))
#include <sanitizer/lsan_interface.h>
#define RENOIR_HAS_LSAN 1
#endif
#endif
#ifndef RENOIR_HAS_LSAN
#define RENOIR_HAS_LSAN 0
#endif

namespace renoir::core {

// ---- Parker: futex-based sleep -------------------------------------------------------------

void Parker::notify() noexcept {
  epoch_.fetch_add(1, std::memory_order_release);
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void Parker::sleep(std::uint32_t seen, std::chrono::nanoseconds timeout) noexcept {
  // Returns at once if epoch_ moved since `seen` (a wake-up raced with us): no lost wake-up.
  if (timeout == std::chrono::nanoseconds::max()) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
  } else {
    timespec ts{static_cast<time_t>(timeout.count() / 1'000'000'000), static_cast<long>(timeout.count() % 1'000'000'000)};
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAIT_PRIVATE, seen, &ts, nullptr, 0);
  }
}

// ---- this_replica --------------------------------------------------------------------------

namespace {
thread_local const ReplicaInfo* current_replica = nullptr;
}

const ReplicaInfo* this_replica() noexcept { return current_replica; }
void detail::set_this_replica(const ReplicaInfo* info) noexcept { current_replica = info; }

// ---- execute -------------------------------------------------------------------------------

namespace {

/// "2 busy, 1 waiting, 0 done of 3 replicas": what this host's replicas are doing.
std::string activity_summary(const std::vector<const Activity*>& replicas) {
  std::size_t busy = 0, waiting = 0, done = 0;
  for (const Activity* a : replicas) {
    switch (a->get()) {
      case Activity::running: ++busy; break;
      case Activity::waiting: ++waiting; break;
      case Activity::done: ++done; break;
    }
  }
  return std::to_string(busy) + " busy, " + std::to_string(waiting) + " waiting, " + std::to_string(done) +
         " done of " + std::to_string(replicas.size()) + " replicas";
}

/// Feeds the rings of remote channels from the network. It is the single producer of those
/// rings; when a ring is full it keeps the message and stops reading the network, so that the
/// remote sender runs out of credit instead of this process buffering without bound. It runs
/// for every job with a network, inboxes or not: its calls drive the transport's progress,
/// heartbeats included, and notice a lost peer.
void deliver_remote(Deployment& d, RunState& run, const std::atomic<bool>& done,
                    const std::vector<const Activity*>& replicas) {
  constexpr auto kStatusEvery = std::chrono::milliseconds(200);
  auto next_status = std::chrono::steady_clock::now();
  auto deliver = [&d](std::uint32_t channel, std::span<const std::byte> bytes) {
    Inbox* inbox = d.inbox(channel);
    if (!inbox) throw std::runtime_error("renoir: message on unknown channel " + std::to_string(channel));
    try {
      inbox->deliver(bytes);
    } catch (const transport::DecodeError& e) {
      throw transport::DecodeError("renoir: a corrupt message on channel " + std::to_string(channel) + ": " +
                                   e.what());
    }
  };
  while (!done.load(std::memory_order_acquire) && !run.cancelled()) {
    if (const auto now = std::chrono::steady_clock::now(); now >= next_status) {
      d.network()->tick("running: " + activity_summary(replicas));
      next_status = now + kStatusEvery;
    }
    // Everything that arrived is read, whatever a channel's backlog: per-channel credits bound
    // each backlog, and not reading would hold back the other channels' credits (see
    // ChannelCredits).
    std::size_t waiting = 0;
    for (auto& [id, inlet] : d.inboxes()) waiting += inlet.inbox->drain();
    bool progressed = false;
    while (d.network()->receive(deliver) > 0) progressed = true;
    for (auto& [id, inlet] : d.inboxes())
      if (const std::uint32_t n = inlet.inbox->take_moved()) d.network()->consumed(inlet.sender_host, id, n);
    d.network()->flush_consumed();
    if (progressed) continue;
    if (waiting > 0)  // a receiver's pop wakes us
      d.network_parker().park([] { return false; }, [&] { return done.load() || run.cancelled(); },
                              std::chrono::milliseconds(1));
    else
      d.network()->receive(deliver, std::chrono::milliseconds(1));
  }
}

/// One host's part of an execution: its deployment, replica threads and network thread.
struct HostRun {
  std::unique_ptr<Deployment> deployment;
  std::vector<std::thread> threads;
  std::vector<const Activity*> activities;                // of threads[i]
  std::vector<std::pair<std::size_t, std::size_t>> ids;  // (block, replica) of threads[i]
  std::thread network_thread;
  std::atomic<bool> done{false};
  // Replica threads that returned, so that join_host() can tell them from stuck ones.
  std::mutex exit_mutex;
  std::condition_variable exit_cv;
  std::size_t exited = 0;
};

std::unique_ptr<Deployment> deploy(const JobGraph& graph, const ExecutionConfig& config) {
  std::vector<std::vector<core::ReplicaPlacement>> placement;
  for (std::size_t b = 0; b < graph.blocks(); ++b)
    placement.push_back(core::place(graph.block(b).options().replication, b, config.host_cores));
  if (config.host_cores.size() > 1 && !config.network)
    throw std::logic_error("renoir: a job on several hosts needs a network");
  auto d = std::make_unique<Deployment>(std::move(placement), config.this_host, config.ring_capacity, config.network);
  for (const auto& gate : graph.gates()) gate->prepare(*d);
  if (config.network) config.network->prepare(d->channels());
  return d;
}

/// The job's error names the operators and the replica it came from, on stderr (the exception
/// itself reaches execute_blocking() unchanged, so callers can still catch their own types).
void report_failure(const std::string& block_name, const ReplicaInfo& info, const std::exception_ptr& error) {
  std::string what = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "renoir: replica %zu of %zu of block %zu (%s) on host %zu failed: %s\n", info.index, info.replicas,
               info.block, block_name.empty() ? "unnamed" : block_name.c_str(), info.host, what.c_str());
}

void start_host(const JobGraph& graph, HostRun& host, RunState& run, const ExecutionConfig& config) {
  Deployment& d = *host.deployment;
  for (std::size_t b = 0; b < graph.blocks() && !run.cancelled(); ++b) {
    for (std::size_t r = 0; r < d.replicas(b) && !run.cancelled(); ++r) {
      if (!d.is_local(b, r)) continue;
      ReplicaContext rc;
      rc.info = ReplicaInfo{b, r, d.replicas(b), config.this_host, -1};
      rc.batch_mode = graph.block(b).options().batch_mode;
      rc.timestamped = graph.block(b).options().timestamped;
      rc.parker = &d.parker(b, r);
      rc.run = &run;
      rc.deployment = &d;
      // Replica i on core i, so that a forward edge between equal blocks stays on one core.
      const std::size_t core = config.core_offset + d.placement(b, r).core;
      try {
        host.threads.emplace_back([&graph, &run, &host, rc, core, pin = config.pin]() mutable {
          current_activity = &rc.parker->activity;
          try {
            if (pin) rc.info.core = topology::pin_current_thread(core);
            detail::set_this_replica(&rc.info);
            graph.block(rc.info.block).run(rc);
          } catch (const Cancelled&) {
            // another replica failed first; its error is the one reported
          } catch (...) {
            if (run.fail(std::current_exception()))
              report_failure(graph.block(rc.info.block).options().name, rc.info, run.error());
          }
          detail::set_this_replica(nullptr);
          rc.parker->activity.set(Activity::done);
          current_activity = nullptr;
          std::lock_guard lock(host.exit_mutex);
          ++host.exited;
          host.exit_cv.notify_all();
        });
        host.activities.push_back(&rc.parker->activity);
        host.ids.emplace_back(b, r);
      } catch (const std::system_error& e) {  // out of threads: stop what runs, then report
        run.fail(std::make_exception_ptr(std::runtime_error(
            "renoir: cannot start a thread for replica " + std::to_string(r) + " of " + std::to_string(d.replicas(b)) +
            " of block " + std::to_string(b) + " (" + std::to_string(host.threads.size()) +
            " threads running): " + e.what() + "; use fewer replicas or raise the limit on threads (ulimit -u)")));
      } catch (...) {
        run.fail(std::current_exception());
      }
    }
  }
  if (d.network()) {
    host.network_thread = std::thread([&d, &run, &host] {
      try {
        deliver_remote(d, run, host.done, host.activities);
      } catch (...) {
        run.fail(std::current_exception());
      }
    });
  }
}

/// Joins the host's threads, except those the watchdog found stuck in user code: they are
/// detached, and true is returned (what they reference must then outlive this process's job).
bool join_host(HostRun& host, const StallWatchdog& watchdog, std::size_t first_watched, const RunState& run) {
  {
    std::unique_lock lock(host.exit_mutex);
    for (;;) {
      std::size_t stuck = 0;
      if (run.cancelled())
        for (std::size_t i = 0; i < host.threads.size(); ++i)
          stuck += host.activities[i]->get() != Activity::done && watchdog.stuck(first_watched + i);
      if (host.exited + stuck >= host.threads.size()) break;
      host.exit_cv.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  bool abandoned = false;
  for (std::size_t i = 0; i < host.threads.size(); ++i) {
    if (host.activities[i]->get() == Activity::done) {
      host.threads[i].join();
    } else {
      host.threads[i].detach();
      abandoned = true;
    }
  }
  host.done.store(true, std::memory_order_release);
  host.deployment->network_parker().notify();
  if (host.network_thread.joinable()) host.network_thread.join();
  return abandoned;
}

/// What an abandoned (stuck) replica thread may still touch is leaked, not freed; LeakSanitizer
/// is told so.
void leak_on_purpose(const void* p) {
#if RENOIR_HAS_LSAN
  __lsan_ignore_object(p);
#else
  (void)p;
#endif
}

/// Runs `hosts` (already deployed) to completion: starts their threads and a stall watchdog,
/// joins, rethrows the first error. Replicas stuck in user code after a failure are abandoned
/// with their host's deployment and the run state (leaked on purpose: their threads may still
/// touch them).
void run_hosts(const JobGraph& graph, std::vector<std::unique_ptr<HostRun>>& hosts,
               const std::vector<ExecutionConfig>& configs, std::chrono::milliseconds stall_timeout) {
  auto run = std::make_unique<RunState>();
  std::vector<Parker*> parkers;
  for (auto& h : hosts) {
    auto p = h->deployment->all_parkers();
    parkers.insert(parkers.end(), p.begin(), p.end());
  }
  run->set_parkers(std::move(parkers));  // one for all: a failure on any host stops them all
  StallWatchdog watchdog(stall_timeout, [&run](const std::string& message) {
    run->fail(std::make_exception_ptr(StallError(message)));
  });
  std::vector<std::size_t> first_watched;
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    start_host(graph, *hosts[h], *run, configs[h]);
    first_watched.push_back(h == 0 ? 0 : first_watched.back() + hosts[h - 1]->threads.size());
    HostRun& host = *hosts[h];
    for (std::size_t i = 0; i < host.threads.size(); ++i)
      watchdog.add({host.activities[i], host.threads[i].native_handle(), host.ids[i].first, host.ids[i].second,
                    configs[h].this_host});
  }
  watchdog.start();
  bool abandoned = false;
  for (std::size_t h = 0; h < hosts.size(); ++h)
    if (join_host(*hosts[h], watchdog, first_watched[h], *run)) {
      abandoned = true;
      leak_on_purpose(hosts[h]->deployment.release());
      leak_on_purpose(hosts[h].release());
    }
  std::exception_ptr error = run->error();
  if (abandoned) leak_on_purpose(run.release());
  if (error) std::rethrow_exception(error);
}

}  // namespace

std::chrono::milliseconds default_stall_timeout() {
  if (const char* v = std::getenv("RENOIR_STALL_TIMEOUT_MS")) {
    char* end = nullptr;
    const long long ms = std::strtoll(v, &end, 10);
    if (end != v && *end == '\0' && ms >= 0) return std::chrono::milliseconds(ms);
    throw std::invalid_argument(std::string("RENOIR_STALL_TIMEOUT_MS: expected milliseconds (0 disables), got '") +
                                v + "'");
  }
  return std::chrono::milliseconds(60000);
}

void execute(const JobGraph& graph, const ExecutionConfig& config) {
  std::vector<std::unique_ptr<HostRun>> hosts;
  hosts.push_back(std::make_unique<HostRun>());
  hosts[0]->deployment = deploy(graph, config);
  run_hosts(graph, hosts, {config}, config.stall_timeout);
}

namespace {

/// The simulated hosts' links: in-process transports on one hub, connected to each other, with
/// no heartbeats and no peer timeout (a host of this process cannot get lost).
struct SimulatedLinks {
  std::vector<std::unique_ptr<transport::InProcessTransport>> transports;
  std::vector<std::unique_ptr<Network>> networks;

  explicit SimulatedLinks(std::size_t hosts) {
    auto hub = std::make_shared<transport::InProcessHub>();
    transport::TransportConfig tc;
    for (std::size_t h = 0; h < hosts; ++h) tc.peers.push_back("127.0.0.1:" + std::to_string(h + 1));
    tc.secret = "simulated";
    tc.credits = 8;  // little slack, so that backpressure across hosts shows in tests
    tc.heartbeat_interval = std::chrono::hours(1);
    tc.peer_timeout = std::chrono::milliseconds(0);
    for (std::size_t h = 0; h < hosts; ++h) {
      tc.self = static_cast<transport::PeerId>(h);
      transports.push_back(std::make_unique<transport::InProcessTransport>(hub, tc));
    }
    // Each connect_all() waits for every peer's handshake: all at once.
    std::vector<std::exception_ptr> errors(hosts);
    {
      std::vector<std::jthread> connecting;
      for (std::size_t h = 0; h < hosts; ++h)
        connecting.emplace_back([&, h] {
          try {
            transports[h]->connect_all(std::chrono::seconds(30));
          } catch (...) {
            errors[h] = std::current_exception();
          }
        });
    }
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    for (auto& t : transports) networks.push_back(std::make_unique<Network>(*t));
  }
};

}  // namespace

void execute_simulated(const JobGraph& graph, const std::vector<std::size_t>& host_cores, bool pin) {
  SimulatedLinks links(host_cores.size());
  std::vector<std::unique_ptr<HostRun>> hosts;
  std::vector<ExecutionConfig> configs(host_cores.size());
  std::size_t core_offset = 0;
  for (std::size_t h = 0; h < host_cores.size(); ++h) {
    configs[h].host_cores = host_cores;
    configs[h].this_host = h;
    configs[h].network = links.networks[h].get();
    configs[h].pin = pin;
    configs[h].core_offset = core_offset;  // the simulated hosts share this machine
    core_offset += host_cores[h];
    hosts.push_back(std::make_unique<HostRun>());
    hosts[h]->deployment = deploy(graph, configs[h]);
  }
  run_hosts(graph, hosts, configs, configs[0].stall_timeout);
}

}  // namespace renoir::core
