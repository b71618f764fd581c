// A minimal pool for batch work: the items of a batch handed out one at a time to a fixed number
// of workers. Results are written by index, so what a batch produces never depends on the number
// of workers or on which finished first (DESIGN.md, "Threads and determinism").
#pragma once

#include <cstddef>
#include <functional>

namespace mirkit {

// Runs task(index, worker) for every index in [0, count), with `workers` threads (the calling
// thread is worker 0). Indexes are handed out in increasing order as workers free up. If a task
// throws, no further indexes are handed out, the running ones finish, and the first exception is
// rethrown here. Tasks handle per-item failures themselves; an escaping exception is fatal.
void parallel_for(std::size_t count, int workers,
                  const std::function<void(std::size_t index, int worker)>& task);

// The number of hardware threads, at least 1.
int hardware_threads();

}  // namespace mirkit
