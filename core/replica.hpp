// Identity and runtime handles of one replica (one thread running one block's chain).
#pragma once
#include <cstddef>

#include <renoir/core/batch_mode.hpp>
#include <renoir/core/parker.hpp>
#include <renoir/core/run_state.hpp>

namespace renoir::core {

/// Where a replica stands in the job: visible to user code through `this_replica()`.
struct ReplicaInfo {
  std::size_t block = 0;     ///< block id in the job graph
  std::size_t index = 0;     ///< 0 .. replicas-1, global across hosts
  std::size_t replicas = 1;  ///< replicas of this block in the whole job
  std::size_t host = 0;      ///< host id (0 when local)
  int core = -1;             ///< core the thread is pinned to, -1 if unpinned
};

class Deployment;

/// Everything a replica's source, operators and terminal need to start.
struct ReplicaContext {
  ReplicaInfo info;
  BatchMode batch_mode;
  Parker* parker = nullptr;  ///< this replica's parking spot
  RunState* run = nullptr;
  const Deployment* deployment = nullptr;
  bool timestamped = false;  ///< the block's items carry event time: emitters ship it
};

/// The replica the calling thread runs, or nullptr outside of a job.
const ReplicaInfo* this_replica() noexcept;

namespace detail {
void set_this_replica(const ReplicaInfo* info) noexcept;
}

}  // namespace renoir::core
