// Device-tree facts for QEMU -M virt (and any board with the same devices).
#include "platform.h"

namespace arch {
namespace {
Board g_platform;

// A GIC interrupt specifier <type number flags> as an INTID (bindings/interrupt-
// controller/arm,gic.yaml): SPIs start at 32, PPIs at 16.
u32 gic_intid(const lv::fdt::Property& p, u32 index) {
    if (p.cell_count() < (index + 1) * 3) return 0;
    u32 type = p.cell(index * 3), num = p.cell(index * 3 + 1);
    return type == 0 ? num + 32 : num + 16;
}

void add_reserved(u64 base, u64 size) {
    Board& pl = g_platform;
    if (size == 0 || pl.reserved_count == Board::kMaxReserved) return;
    pl.reserved[pl.reserved_count++] = {base, size};
}

void parse_memory(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Cursor c;
    lv::fdt::Node n;
    while (fdt.next(c, n)) {
        lv::fdt::Property type;
        bool is_memory = n.depth == 2 && n.property("device_type", type) && type.string() == "memory";
        if (is_memory) {
            lv::fdt::Reg r;
            for (u32 i = 0; n.reg(i, r) && pl.ram_count < Board::kMaxRam; i++)
                if (r.size) pl.ram[pl.ram_count++] = {r.base, r.size};
        }
    }
    // Children of /reserved-memory with a fixed "reg" are not ours to allocate.
    lv::fdt::Node rm = fdt.find_path("/reserved-memory");
    if (rm.valid()) {
        lv::fdt::Cursor rc;
        lv::fdt::Node child;
        bool inside = false;
        while (fdt.next(rc, child)) {
            if (child.offset == rm.offset) { inside = true; continue; }
            if (!inside) continue;
            if (child.depth <= rm.depth) break;
            lv::fdt::Reg r;
            for (u32 i = 0; child.reg(i, r); i++) add_reserved(r.base, r.size);
        }
    }
    lv::fdt::Reg r;
    for (u32 i = 0; fdt.reserved(i, r); i++) add_reserved(r.base, r.size);
}

void parse_chosen(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Node chosen = fdt.find_path("/chosen");
    if (!chosen.valid()) return;
    lv::fdt::Property p;
    if (chosen.property("bootargs", p)) {
        lv::StringView s = p.string();
        pl.bootargs = s.data;
        pl.bootargs_len = s.size;
    }
    // linux,initrd-start/end are one or two cells, whatever #address-cells says.
    lv::fdt::Property s, e;
    if (chosen.property("linux,initrd-start", s) && chosen.property("linux,initrd-end", e)) {
        pl.initrd_start = s.cells(0, s.cell_count() >= 2 ? 2 : 1);
        pl.initrd_end = e.cells(0, e.cell_count() >= 2 ? 2 : 1);
        if (pl.initrd_end <= pl.initrd_start) pl.initrd_start = pl.initrd_end = 0;
    }
}

// The console: /chosen/stdout-path if it names a PL011, else the first PL011.
void parse_uart(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Node uart;
    lv::fdt::Node chosen = fdt.find_path("/chosen");
    lv::fdt::Property p;
    if (chosen.valid() && chosen.property("stdout-path", p)) {
        lv::StringView path = p.string();
        for (size_t i = 0; i < path.size; i++)
            if (path[i] == ':') path = path.substr(0, i); // "…:115200n8"
        char buf[128];
        if (path.size < sizeof(buf) && path.size && path[0] == '/') {
            for (size_t i = 0; i < path.size; i++) buf[i] = path[i];
            buf[path.size] = 0;
            lv::fdt::Node n = fdt.find_path(lv::StringView(buf, path.size));
            if (n.valid() && n.is_compatible("arm,pl011")) uart = n;
        }
    }
    if (!uart.valid()) uart = fdt.find_compatible("arm,pl011");
    if (!uart.valid()) return;
    lv::fdt::Reg r;
    if (uart.reg(0, r)) {
        pl.uart_base = r.base;
        pl.uart_size = r.size;
    }
    if (uart.property("interrupts", p)) pl.uart_irq = gic_intid(p, 0);
}

void parse_gic(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Reg r;
    lv::fdt::Node gic = fdt.find_compatible("arm,gic-v3");
    if (gic.valid()) {
        pl.gic_version = 3;
        if (gic.reg(0, r)) pl.gicd_base = r.base, pl.gicd_size = r.size;
        if (gic.reg(1, r)) pl.gicr_base = r.base, pl.gicr_size = r.size;
        return;
    }
    const char* v2[] = {"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic"};
    for (const char* compat : v2) {
        gic = fdt.find_compatible(compat);
        if (!gic.valid()) continue;
        pl.gic_version = 2;
        if (gic.reg(0, r)) pl.gicd_base = r.base, pl.gicd_size = r.size;
        if (gic.reg(1, r)) pl.gicc_base = r.base, pl.gicc_size = r.size;
        return;
    }
}

void parse_cpus(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Node cpus = fdt.find_path("/cpus");
    if (!cpus.valid()) return;
    lv::fdt::Cursor c;
    lv::fdt::Node n;
    bool inside = false;
    while (fdt.next(c, n) && pl.cpu_count < Board::kMaxCpus) {
        if (n.offset == cpus.offset) { inside = true; continue; }
        if (!inside) continue;
        if (n.depth <= cpus.depth) break;
        // Direct children only (not /cpus/cpu-map's clusters), and not the disabled.
        lv::fdt::Property p;
        if (n.depth != cpus.depth + 1 || !n.property("device_type", p) || p.string() != "cpu") continue;
        if (n.property("status", p) && p.string() != "okay" && p.string() != "ok") continue;
        lv::fdt::Reg r;
        if (n.reg(0, r)) pl.cpu_mpidr[pl.cpu_count++] = r.base & 0xff00ffffffull;
    }
}

void parse_misc(const lv::fdt::Fdt& fdt) {
    Board& pl = g_platform;
    lv::fdt::Property p;
    lv::fdt::Node timer = fdt.find_compatible("arm,armv8-timer");
    if (!timer.valid()) timer = fdt.find_compatible("arm,armv7-timer");
    // Order: secure physical, non-secure physical, virtual, hypervisor.
    if (timer.valid() && timer.property("interrupts", p)) {
        if (u32 id = gic_intid(p, 1)) pl.timer_phys_irq = id;
        if (u32 id = gic_intid(p, 2)) pl.timer_virt_irq = id;
    }
    lv::fdt::Node rtc = fdt.find_compatible("arm,pl031");
    lv::fdt::Reg r;
    if (rtc.valid() && rtc.reg(0, r)) pl.rtc_base = r.base;
    lv::fdt::Node psci = fdt.find_compatible("arm,psci-1.0");
    if (!psci.valid()) psci = fdt.find_compatible("arm,psci-0.2");
    if (!psci.valid()) psci = fdt.find_compatible("arm,psci");
    if (psci.valid() && psci.property("method", p)) {
        if (p.string() == "hvc") pl.psci = PsciMethod::Hvc;
        else if (p.string() == "smc") pl.psci = PsciMethod::Smc;
    }
}
} // namespace

Board& board() { return g_platform; }

bool parse_platform(const lv::fdt::Fdt& fdt, PhysAddr dtb_phys) {
    g_platform = Board {};
    g_platform.dtb_phys = dtb_phys;
    g_platform.dtb_size = fdt.total_size();
    parse_memory(fdt);
    parse_chosen(fdt);
    parse_uart(fdt);
    parse_gic(fdt);
    parse_misc(fdt);
    parse_cpus(fdt);
    return g_platform.ram_count > 0;
}
} // namespace arch
