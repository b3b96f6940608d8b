// ARM PL031 real-time clock: RTCDR holds seconds since the Unix epoch (QEMU sets it
// from the host clock).
#include "../boot/platform.h"
#include "../mm/kernel_map.h"
#include <arch/interface.h>

namespace arch {
u64 rtc_unix_seconds() {
    static volatile u32* regs;
    if (!regs) {
        if (!board().rtc_base) return 0;
        regs = reinterpret_cast<volatile u32*>(kmap::map_mmio(board().rtc_base, 0x1000));
        if (!regs) return 0;
    }
    return regs[0]; // RTCDR
}
} // namespace arch
