// Placement of a block's replicas onto hosts and cores, computed identically by every process.
#include <renoir/core/placement.hpp>

#include <stdexcept>

namespace renoir::core {

std::vector<ReplicaPlacement> place(const Replication& replication, std::size_t block,
                                    const std::vector<std::size_t>& host_cores) {
  std::vector<ReplicaPlacement> out;
  std::size_t cores_before = 0;
  for (std::size_t h = 0; h < host_cores.size(); ++h) {
    const std::size_t cores = host_cores[h];
    const std::size_t n = replication.replicas_on_host(cores, h, cores_before);
    for (std::size_t i = 0; i < n; ++i) out.push_back({h, n == 1 ? block % cores : i % cores});
    cores_before += cores;
  }
  if (out.empty()) throw std::invalid_argument("placement: replication " + replication.describe() + " gives no replica");
  return out;
}

}  // namespace renoir::core
