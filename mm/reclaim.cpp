#include <kernel/log.h>
#include <mm/reclaim.h>

namespace mm {
namespace {
constexpr size_t kMaxShrinkers = 4;
Shrinker g_shrinkers[kMaxShrinkers]; // set at boot, before any other CPU runs
size_t g_count = 0;
} // namespace

void register_shrinker(Shrinker s) {
    KASSERT(g_count < kMaxShrinkers);
    g_shrinkers[g_count++] = s;
}

u64 reclaim() {
    u64 freed = 0;
    for (size_t i = 0; i < g_count; i++) freed += g_shrinkers[i]();
    return freed;
}
} // namespace mm
