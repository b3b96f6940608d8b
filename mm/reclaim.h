// Memory the kernel can give back when it runs short (Linux's shrinkers): caches register
// a function that frees what it can (clean file pages, after writing dirty ones back)
// and returns how many pages it freed. The OOM killer (kernel/oom.cpp) runs them before
// it picks a victim; a cache that cannot get a page runs them too.
#pragma once
#include <lib/types.h>

namespace mm {
using Shrinker = u64 (*)();
void register_shrinker(Shrinker s); // at boot
// Runs every shrinker; the pages freed. May sleep (write-back); no spinlock held.
u64 reclaim();
} // namespace mm
