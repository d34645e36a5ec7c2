// Hardware discovery and thread pinning with hwloc.
#include <renoir/topology/hardware.hpp>

#include <hwloc.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace renoir::topology {
namespace {

/// The topology is loaded once per process (it takes milliseconds) and is read-only after.
class Topology {
 public:
  Topology() {
    if (hwloc_topology_init(&topo_) != 0 || hwloc_topology_load(topo_) != 0)
      throw std::runtime_error("hwloc: cannot load the machine topology");
  }
  ~Topology() { hwloc_topology_destroy(topo_); }
  hwloc_topology_t get() const { return topo_; }

 private:
  hwloc_topology_t topo_{};
};

const Topology& topology() {
  static const Topology topo;
  return topo;
}

}  // namespace

std::size_t core_count() {
  int n = hwloc_get_nbobjs_by_type(topology().get(), HWLOC_OBJ_CORE);
  if (n <= 0) n = hwloc_get_nbobjs_by_type(topology().get(), HWLOC_OBJ_PU);
  return n > 0 ? static_cast<std::size_t>(n) : 1;
}

int pin_current_thread(std::size_t core) {
  const hwloc_topology_t topo = topology().get();
  const std::size_t n = core_count();
  const unsigned index = static_cast<unsigned>(core % n);
  hwloc_obj_t obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, index);
  if (!obj) obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, index);
  if (!obj) throw std::runtime_error("hwloc: no core " + std::to_string(index));
  // hwloc_topology_t is documented thread-safe for read-only queries and binding calls.
  if (hwloc_set_cpubind(topo, obj->cpuset, HWLOC_CPUBIND_THREAD) != 0)
    throw std::runtime_error("hwloc: cannot bind thread to core " + std::to_string(index) + ": " +
                             std::strerror(errno));
  return static_cast<int>(index);
}

std::vector<int> current_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

}  // namespace renoir::topology
