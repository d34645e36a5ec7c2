// Runs a job graph: one pinned thread per replica, first error cancels everything.
#include <renoir/core/executor.hpp>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <ctime>
#include <exception>
#include <thread>
#include <vector>

#include <renoir/core/deployment.hpp>
#include <renoir/core/memory_network.hpp>
#include <renoir/core/replica.hpp>
#include <renoir/topology/hardware.hpp>
#include <renoir/topology/placement.hpp>

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

/// Feeds the rings of remote channels from the network. It is the single producer of those
/// rings; when a ring is full it keeps the message and stops reading the network, so that the
/// remote sender runs out of credit instead of this process buffering without bound.
void deliver_remote(Deployment& d, RunState& run, const std::atomic<bool>& done) {
  constexpr std::size_t kMaxWaiting = 64;
  std::uint32_t channel = 0;
  std::vector<std::byte> bytes;
  while (!done.load(std::memory_order_acquire) && !run.cancelled()) {
    std::size_t waiting = 0;
    for (auto& [id, inbox] : d.inboxes()) waiting += inbox->drain();
    bool progressed = false;
    while (waiting < kMaxWaiting && d.network()->try_receive(channel, bytes)) {
      Inbox* inbox = d.inbox(channel);
      if (!inbox) throw std::runtime_error("renoir: message on unknown channel " + std::to_string(channel));
      inbox->deliver(bytes);
      progressed = true;
    }
    if (progressed) continue;
    if (waiting > 0)  // a receiver's pop wakes us
      d.network_parker().park([] { return false; }, [&] { return done.load() || run.cancelled(); },
                              std::chrono::milliseconds(1));
    else
      d.network()->wait(std::chrono::microseconds(500));
  }
}

/// One host's part of an execution: its deployment, replica threads and network thread.
struct HostRun {
  std::unique_ptr<Deployment> deployment;
  std::vector<std::thread> threads;
  std::thread network_thread;
  std::atomic<bool> done{false};
};

std::unique_ptr<Deployment> deploy(const JobGraph& graph, const ExecutionConfig& config) {
  std::vector<std::vector<topology::ReplicaPlacement>> placement;
  for (std::size_t b = 0; b < graph.blocks(); ++b)
    placement.push_back(topology::place(graph.block(b).options().replication, b, config.host_cores));
  if (config.host_cores.size() > 1 && !config.network)
    throw std::logic_error("renoir: a job on several hosts needs a network");
  auto d = std::make_unique<Deployment>(std::move(placement), config.this_host, config.ring_capacity, config.network);
  for (const auto& gate : graph.gates()) gate->prepare(*d);
  return d;
}

void start_host(const JobGraph& graph, HostRun& host, RunState& run, const ExecutionConfig& config) {
  Deployment& d = *host.deployment;
  for (std::size_t b = 0; b < graph.blocks() && !run.cancelled(); ++b) {
    for (std::size_t r = 0; r < d.replicas(b) && !run.cancelled(); ++r) {
      if (!d.is_local(b, r)) continue;
      ReplicaContext rc;
      rc.info = ReplicaInfo{b, r, d.replicas(b), config.this_host, -1};
      rc.batch_mode = graph.block(b).options().batch_mode;
      rc.parker = &d.parker(b, r);
      rc.run = &run;
      rc.deployment = &d;
      // Replica i on core i, so that a forward edge between equal blocks stays on one core.
      const std::size_t core = config.core_offset + d.placement(b, r).core;
      try {
        host.threads.emplace_back([&graph, &run, rc, core, pin = config.pin]() mutable {
          try {
            if (pin) rc.info.core = topology::pin_current_thread(core);
            detail::set_this_replica(&rc.info);
            graph.block(rc.info.block).run(rc);
          } catch (const Cancelled&) {
            // another replica failed first; its error is the one reported
          } catch (...) {
            run.fail(std::current_exception());
          }
          detail::set_this_replica(nullptr);
        });
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
  if (d.has_inboxes()) {
    host.network_thread = std::thread([&d, &run, &host] {
      try {
        deliver_remote(d, run, host.done);
      } catch (...) {
        run.fail(std::current_exception());
      }
    });
  }
}

void join_host(HostRun& host) {
  for (auto& t : host.threads) t.join();
  host.done.store(true, std::memory_order_release);
  host.deployment->network_parker().notify();
  if (host.network_thread.joinable()) host.network_thread.join();
}

}  // namespace

void execute(const JobGraph& graph, const ExecutionConfig& config) {
  HostRun host;
  host.deployment = deploy(graph, config);
  RunState run;
  run.set_parkers(host.deployment->all_parkers());
  start_host(graph, host, run, config);
  join_host(host);
  if (auto error = run.error()) std::rethrow_exception(error);
}

void execute_simulated(const JobGraph& graph, const std::vector<std::size_t>& host_cores, bool pin) {
  MemoryNetwork network(host_cores.size(), 8);
  std::vector<HostRun> hosts(host_cores.size());
  std::vector<ExecutionConfig> configs(host_cores.size());
  std::vector<Parker*> parkers;
  std::size_t core_offset = 0;
  for (std::size_t h = 0; h < host_cores.size(); ++h) {
    configs[h].host_cores = host_cores;
    configs[h].this_host = h;
    configs[h].network = &network.endpoint(h);
    configs[h].pin = pin;
    configs[h].core_offset = core_offset;  // the simulated hosts share this machine
    core_offset += host_cores[h];
    hosts[h].deployment = deploy(graph, configs[h]);
    auto p = hosts[h].deployment->all_parkers();
    parkers.insert(parkers.end(), p.begin(), p.end());
  }
  RunState run;  // one for all: a failure on any simulated host stops them all
  run.set_parkers(std::move(parkers));
  for (std::size_t h = 0; h < hosts.size(); ++h) start_host(graph, hosts[h], run, configs[h]);
  for (auto& host : hosts) join_host(host);
  if (auto error = run.error()) std::rethrow_exception(error);
}

}  // namespace renoir::core
