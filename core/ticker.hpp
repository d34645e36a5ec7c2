// A coarse clock for hot paths: a counter that a background thread bumps every millisecond.
#pragma once
#include <atomic>
#include <cstdint>

namespace renoir::core {

/// Milliseconds ticked since the first call (which starts the ticking thread). Reading it is a
/// relaxed load of a line written once per millisecond: cheap enough to test per item, where
/// reading the clock would not be.
const std::atomic<std::uint64_t>& ticks();

}  // namespace renoir::core
