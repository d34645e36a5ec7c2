// Runs a job graph: one pinned thread per replica, first error cancels everything.
#pragma once
#include <cstddef>

#include <renoir/core/job_graph.hpp>

namespace renoir::core {

struct ExecutionConfig {
  std::size_t cores = 1;            ///< replicas of an unlimited block on this host
  bool pin = true;                  ///< pin replica i to hardware core i % cores
  std::size_t ring_capacity = 16;   ///< batches in flight per (sender, receiver) pair
};

/// Runs every block to completion. Rethrows the first exception a replica raised, after every
/// other replica has been cancelled and joined.
void execute(const JobGraph& graph, const ExecutionConfig& config);

}  // namespace renoir::core
