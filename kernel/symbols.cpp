#include <kernel/symbols.h>

struct KSym {
    u64 addr;
    u64 name; // offset into ksym_names
};
extern "C" {
extern const u64 ksym_count;
extern const KSym ksym_table[];
extern const char ksym_names[];
}

namespace kernel {
bool symbolize(uptr addr, const char*& name, u64& offset) {
    u64 lo = 0, hi = ksym_count;
    if (!hi || addr < ksym_table[0].addr) return false;
    while (hi - lo > 1) { // last entry with address <= addr
        u64 mid = (lo + hi) / 2;
        if (ksym_table[mid].addr <= addr) lo = mid;
        else hi = mid;
    }
    name = ksym_names + ksym_table[lo].name;
    offset = addr - ksym_table[lo].addr;
    return true;
}
} // namespace kernel
