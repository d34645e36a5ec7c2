// Hardware discovery and thread pinning with hwloc.
#pragma once
#include <cstddef>
#include <vector>

namespace renoir::topology {

/// Number of cores hwloc reports for this process (those it may run on).
std::size_t core_count();

/// Binds the calling thread to the processing units of core `core % core_count()`.
/// Returns the core it was bound to; throws std::runtime_error if hwloc refuses.
int pin_current_thread(std::size_t core);

/// CPUs the calling thread may run on, as read back from the kernel (sched_getaffinity).
std::vector<int> current_affinity();

}  // namespace renoir::topology
