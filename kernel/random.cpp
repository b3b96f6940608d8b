// ChaCha20 keystream as a CSPRNG (RFC 8439 block function). The key is mixed from the
// CPU's random instruction where present and from timer jitter; after every request the
// key is replaced with fresh keystream (fast key erasure), so earlier outputs cannot be
// recomputed from the state.
#include <arch/interface.h>
#include <kernel/random.h>
#include <kernel/sync/spinlock.h>
#include <lib/string.h>

namespace kernel::random {
namespace {
// The generator's state. A leaf lock: nothing is taken under it, so the lock-order
// checker leaves it out (as the cred lock); callers pass kernel buffers, never user
// memory.
Spinlock g_lock {"random", false};
u32 g_key[8] LV_GUARDED_BY(g_lock);
u64 g_counter LV_GUARDED_BY(g_lock) = 0;

constexpr u32 rotl(u32 v, int n) { return (v << n) | (v >> (32 - n)); }
void quarter(u32& a, u32& b, u32& c, u32& d) {
    a += b; d ^= a; d = rotl(d, 16);
    c += d; b ^= c; b = rotl(b, 12);
    a += b; d ^= a; d = rotl(d, 8);
    c += d; b ^= c; b = rotl(b, 7);
}

void block(u32 out[16]) LV_REQUIRES(g_lock) {
    u32 s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++) s[4 + i] = g_key[i];
    s[12] = u32(g_counter);
    s[13] = u32(g_counter >> 32);
    s[14] = s[15] = 0;
    g_counter++;
    u32 x[16];
    memcpy(x, s, sizeof x);
    for (int i = 0; i < 10; i++) {
        quarter(x[0], x[4], x[8], x[12]); quarter(x[1], x[5], x[9], x[13]);
        quarter(x[2], x[6], x[10], x[14]); quarter(x[3], x[7], x[11], x[15]);
        quarter(x[0], x[5], x[10], x[15]); quarter(x[1], x[6], x[11], x[12]);
        quarter(x[2], x[7], x[8], x[13]); quarter(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) out[i] = x[i] + s[i];
}

void mix(u64 v, int slot) LV_REQUIRES(g_lock) {
    g_key[slot % 8] ^= u32(v);
    g_key[(slot + 1) % 8] ^= u32(v >> 32);
}
} // namespace

void init() {
    SpinlockLocker l(g_lock);
    int slot = 0;
    for (int i = 0; i < 8; i++) {
        u64 v;
        if (arch::hardware_random(v)) mix(v, slot++);
        // Timer jitter: weak alone, but it differs per boot and per run.
        mix(arch::monotonic_ns() * 0x9e3779b97f4a7c15ull, slot++);
    }
    mix(arch::rtc_unix_seconds(), slot++);
}

void fill(void* buf, size_t n) {
    SpinlockLocker l(g_lock);
    auto* out = static_cast<u8*>(buf);
    u32 ks[16];
    while (n) {
        block(ks);
        size_t chunk = n < sizeof ks ? n : sizeof ks;
        memcpy(out, ks, chunk);
        out += chunk;
        n -= chunk;
    }
    block(ks);
    memcpy(g_key, ks, sizeof g_key); // fast key erasure
}

u64 next_u64() {
    u64 v;
    fill(&v, sizeof v);
    return v;
}
} // namespace kernel::random
