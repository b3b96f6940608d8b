// Wall clock from the CMOS RTC (MC146818), read once at boot by the generic clock, and
// its seconds, read by time/tsc.cpp to check the TSC after boot.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/interface.h>

namespace arch {
namespace {
u8 cmos(u8 reg) {
    x86::outb(0x70, 0x80 | reg); // bit 7 keeps NMIs masked while selecting
    return x86::inb(0x71);
}
u8 from_bcd(u8 v) { return (v & 0x0f) + (v >> 4) * 10; }

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
i64 days_from_civil(i64 y, unsigned m, unsigned d) {
    y -= m <= 2;
    i64 era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = unsigned(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + i64(doe) - 719468;
}

struct RtcTime {
    u8 sec, min, hour, day, mon, year, century;
    bool operator==(const RtcTime&) const = default;
};
RtcTime read_raw() {
    while (cmos(0x0a) & 0x80) { // update in progress: the fields are changing
    }
    return {cmos(0x00), cmos(0x02), cmos(0x04), cmos(0x07), cmos(0x08), cmos(0x09), cmos(0x32)};
}
} // namespace

u64 rtc_unix_seconds() {
    // Read until two reads agree, so that no field rolled over in between.
    RtcTime t = read_raw(), again;
    for (int i = 0; i < 5 && !((again = read_raw()) == t); i++) t = again;
    u8 status_b = cmos(0x0b);
    bool pm = t.hour & 0x80;
    t.hour &= 0x7f;
    if (!(status_b & 0x04)) { // BCD
        t.sec = from_bcd(t.sec); t.min = from_bcd(t.min); t.hour = from_bcd(t.hour);
        t.day = from_bcd(t.day); t.mon = from_bcd(t.mon); t.year = from_bcd(t.year);
        t.century = from_bcd(t.century);
    }
    if (!(status_b & 0x02)) t.hour = u8(t.hour % 12 + (pm ? 12 : 0)); // 12-hour clock
    // Register 0x32 holds the century on QEMU (ACPI FADT.century); trust it if sane.
    unsigned year = (t.century >= 19 && t.century <= 30 ? t.century * 100u : 2000u) + t.year;
    if (t.mon < 1 || t.mon > 12 || t.day < 1 || t.day > 31) return 0;
    i64 days = days_from_civil(year, t.mon, t.day);
    return u64(days * 86400 + t.hour * 3600 + t.min * 60 + t.sec);
}
} // namespace arch

namespace arch::x86 {
int rtc_second() {
    if (cmos(0x0a) & 0x80) return -1; // an update starts within 244 us, or is under way
    u8 s = cmos(0x00);
    return cmos(0x0b) & 0x04 ? s : from_bcd(s);
}
} // namespace arch::x86
