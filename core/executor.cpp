// Runs a job graph: one pinned thread per replica, first error cancels everything.
#include <renoir/core/executor.hpp>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>
#include <exception>
#include <thread>
#include <vector>

#include <renoir/core/deployment.hpp>
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

void execute(const JobGraph& graph, const ExecutionConfig& config) {
  std::vector<std::vector<topology::ReplicaPlacement>> placement;
  std::vector<std::size_t> replicas;
  for (std::size_t b = 0; b < graph.blocks(); ++b) {
    placement.push_back(topology::place(graph.block(b).options().replication, b, {config.cores}));
    replicas.push_back(placement.back().size());
  }

  Deployment deployment(replicas, config.ring_capacity);
  for (const auto& gate : graph.gates()) gate->prepare(deployment);

  RunState run;
  run.set_parkers(deployment.all_parkers());

  std::vector<std::thread> threads;
  for (std::size_t b = 0; b < graph.blocks(); ++b) {
    for (std::size_t r = 0; r < replicas[b]; ++r) {
      ReplicaContext rc;
      rc.info = ReplicaInfo{b, r, replicas[b], 0, -1};
      rc.batch_mode = graph.block(b).options().batch_mode;
      rc.parker = &deployment.parker(b, r);
      rc.run = &run;
      rc.deployment = &deployment;
      // Replica i on core i, so that a forward edge between equal blocks stays on one core.
      const std::size_t core = placement[b][r].core;
      threads.emplace_back([&graph, &run, rc, core, pin = config.pin]() mutable {
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
    }
  }
  for (auto& t : threads) t.join();
  if (auto error = run.error()) std::rethrow_exception(error);
}

}  // namespace renoir::core
