// The launching side of a remote run: ships this executable to every host and waits for it.
#include <renoir/api/launch.hpp>

#include <stdexcept>

namespace renoir {

int launch_job(const topology::ClusterConfig& cluster) {
  throw std::runtime_error("launching workers for " + cluster.source + " is not available in this build yet");
}

}  // namespace renoir
