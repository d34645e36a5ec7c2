// Placement of a block's replicas onto hosts and cores, computed identically by every process.
#pragma once
#include <cstddef>
#include <vector>

#include <renoir/core/replication.hpp>

namespace renoir::core {

/// Where one replica runs.
struct ReplicaPlacement {
  std::size_t host = 0;  ///< host id (index in the cluster config)
  std::size_t core = 0;  ///< core on that host (before wrapping onto the hardware cores)
};

/// The replicas of block `block` over hosts with `host_cores[h]` cores each, in global replica
/// order: host 0's replicas first, then host 1's, and so on. Replica i of a host runs on core
/// i; a block with a single replica on a host goes on core `block % cores`, so that
/// single-replica blocks spread over the cores. Throws std::invalid_argument if the
/// replication leaves the block without replicas.
std::vector<ReplicaPlacement> place(const Replication& replication, std::size_t block,
                                    const std::vector<std::size_t>& host_cores);

}  // namespace renoir::core
