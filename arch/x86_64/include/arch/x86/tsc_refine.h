// Checking the TSC's frequency after boot, over long windows, against clocks whose rate
// is fixed: the ACPI PM timer (3.579545 MHz) and the CMOS RTC's seconds. Pure logic, fed
// samples by time/tsc.cpp from the boot CPU's timer tick and unit-tested on the host
// (tests/host/tsc_refine_test.cpp).
//
// Why: the boot calibration counts the TSC over 10 ms of the PIT. However carefully each
// end is bracketed, 10 ms is short, and on a busy host the guest clock was seen running at
// 0.22-0.80x real time. Linux does the same (tsc_refine_calibration_work: a second
// calibration over about a second, against the HPET or the PM timer).
#pragma once
#include <lib/types.h>

namespace arch::x86 {
// A reading of another clock taken between two TSC reads: it happened at a TSC time in
// [lo, hi]. The width says how much the read itself (an I/O exit, a descheduled vCPU)
// blurs it.
struct TscBracket {
    u64 lo = 0, hi = 0;
    u64 mid() const { return lo + (hi - lo) / 2; }
    u64 width() const { return hi - lo; }
};

// Counts the PM timer against the TSC from a first sample until at least a second of PM
// time has passed, then gives the TSC's frequency. The counter is 24 bits wide (32 with
// the FADT's TMR_VAL_EXT) and wraps every 4.7 s at 24 bits, so it is sampled at every
// tick and its steps summed into 64 bits; a gap between samples long enough to hide a
// wrap starts over.
class PmTimerRefiner {
public:
    static constexpr u64 kHz = 3579545;
    explicit PmTimerRefiner(unsigned bits) : m_mask(bits >= 32 ? 0xffffffffu : 0xffffffu) {}

    // One sample; `tsc_hz` is the current estimate (to judge gaps and brackets). Returns
    // the measured frequency once, when the window is long and its ends sharp, else 0.
    u64 sample(TscBracket t, u32 count, u64 tsc_hz) {
        if (m_done || !tsc_hz) return 0;
        count &= m_mask;
        // An end blurred by more than 100 us is not used as an end.
        bool sharp = t.width() <= tsc_hz / 10000;
        if (!m_started || t.lo < m_last.hi || t.mid() - m_last.mid() > max_gap(tsc_hz)) {
            // Start (again): the first sample, the TSC going backwards, or a gap that could
            // hide a wrap.
            if (sharp) {
                m_start = m_last = t;
                m_last_count = count;
                m_total = 0;
                m_started = true;
            } else {
                m_started = false;
            }
            return 0;
        }
        m_total += (count - m_last_count) & m_mask;
        m_last = t;
        m_last_count = count;
        if (m_total < kHz || !sharp) return 0;
        u64 tsc = t.mid() - m_start.mid();
        m_done = true;
        return tsc / m_total * kHz + tsc % m_total * kHz / m_total; // no 128-bit division
    }
    bool done() const { return m_done; }

private:
    // A quarter of the wrap period by the current estimate, which may be off by a
    // factor of several before this corrects it.
    u64 max_gap(u64 tsc_hz) const { return (tsc_hz / kHz + 1) * ((u64(m_mask) + 1) / 16); }

    u32 m_mask;
    bool m_started = false, m_done = false;
    TscBracket m_start, m_last;
    u32 m_last_count = 0;
    u64 m_total = 0; // PM ticks from m_start to m_last
};

// Times a few of the RTC's seconds against the TSC: from one change of its seconds
// register to the change kSeconds later. Each change happened between the sample that
// still showed the old second and the one showing the new, so the samples' spacing (a
// timer tick) bounds the error: 10 ms at each end over 3 s, 0.7%.
class RtcSecondsCheck {
public:
    static constexpr unsigned kSeconds = 3;
    struct Verdict {
        bool ready = false;
        u64 hz_lo = 0, hz_hi = 0; // the TSC frequency lies in [hz_lo, hz_hi]
    };

    // `second`: the seconds register (0-59, binary), or -1 when it could not be read
    // (an update in progress). Returns a verdict once.
    Verdict sample(TscBracket t, int second) {
        Verdict v;
        if (m_done || second < 0 || second > 59) return v;
        if (m_last_second < 0 || t.lo < m_last.hi) {
            restart(t, second);
            return v;
        }
        if (second == m_last_second) {
            m_last = t;
            return v;
        }
        if (second != (m_last_second + 1) % 60) { // a second skipped: samples too sparse
            restart(t, second);
            return v;
        }
        TscBracket edge {m_last.lo, t.hi}; // the change happened in here
        m_last = t;
        m_last_second = second;
        if (!m_have_edge) {
            m_first_edge = edge;
            m_have_edge = true;
            m_edges = 0;
            return v;
        }
        if (++m_edges < kSeconds) return v;
        m_done = true;
        v.ready = true;
        v.hz_lo = (edge.lo > m_first_edge.hi ? edge.lo - m_first_edge.hi : 0) / kSeconds;
        v.hz_hi = (edge.hi - m_first_edge.lo) / kSeconds;
        return v;
    }
    bool done() const { return m_done; }

private:
    void restart(TscBracket t, int second) {
        m_last = t;
        m_last_second = second;
        m_have_edge = false;
    }

    bool m_done = false, m_have_edge = false;
    int m_last_second = -1;
    unsigned m_edges = 0;
    TscBracket m_last, m_first_edge;
};
} // namespace arch::x86
