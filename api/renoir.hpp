// The one header users include.
#pragma once
#include <renoir/api/config.hpp>
#include <renoir/api/context.hpp>
#include <renoir/api/csv.hpp>
#include <renoir/api/keyed_stream.hpp>
#include <renoir/api/output.hpp>
#include <renoir/api/stream.hpp>
#include <renoir/core/replica.hpp>

namespace renoir {
using core::ReplicaInfo;
using core::this_replica;
}  // namespace renoir
