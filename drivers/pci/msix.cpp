// MSI-X (PCI Local Bus 3.0, 6.8.2): the capability names a BAR and an offset holding a
// table of 16-byte entries {address low, address high, data, vector control}.
#include <drivers/pci/pci.h>

namespace drivers::pci {
namespace {
enum : u16 { kMsgControl = 2, kTable = 4 };
enum : u16 { kCtlEnable = 0x8000, kCtlFunctionMask = 0x4000, kCtlSizeMask = 0x7ff };
} // namespace

bool MsiX::init(Function& f) {
    m_cap = f.find_capability(kCapMsix);
    if (!m_cap) return false;
    m_fn = &f;
    m_size = u16((f.read16(u16(m_cap + kMsgControl)) & kCtlSizeMask) + 1);
    u32 table = f.read32(u16(m_cap + kTable));
    int bir = table & 7;
    auto* base = static_cast<u8*>(f.map_bar(bir));
    if (!base || (table & ~7u) + m_size * 16ull > f.bars[bir].size) return false;
    m_table = reinterpret_cast<volatile u32*>(base + (table & ~7u));
    for (u16 i = 0; i < m_size; i++) m_table[i * 4 + 3] = 1; // masked until routed
    return true;
}

bool MsiX::route(u16 index, arch::IrqCallback cb, void* ctx) {
    if (!m_table || index >= m_size) return false;
    arch::MsiMessage msg;
    if (!arch::alloc_msi(cb, ctx, msg)) return false;
    volatile u32* e = m_table + index * 4;
    e[0] = u32(msg.address);
    e[1] = u32(msg.address >> 32);
    e[2] = msg.data;
    e[3] = 0; // unmasked
    return true;
}

void MsiX::enable() {
    u16 ctl = m_fn->read16(u16(m_cap + kMsgControl));
    m_fn->write16(u16(m_cap + kMsgControl), u16((ctl | kCtlEnable) & ~kCtlFunctionMask));
}
} // namespace drivers::pci
