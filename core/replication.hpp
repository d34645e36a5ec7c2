// Block parallelism, re-exported from topology (where placement lives) into core.
#pragma once
#include <renoir/topology/replication.hpp>

namespace renoir::core {
using topology::Replication;
}  // namespace renoir::core
