// Runs fn(0) ... fn(n-1) on up to `jobs` threads. Each call must write only its own result slot,
// so the results come out in index order whatever the thread count. The first exception (by
// index) is rethrown after every task has finished.
#pragma once

#include <cstddef>
#include <functional>

namespace twinprof {

void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn);

}  // namespace twinprof
