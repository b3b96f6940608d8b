#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/oom.h>
#include <mm/reclaim.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <mm/address_space.h>
#include <mm/phys.h>

namespace kernel {
namespace {
constexpr i64 kNever = i64(1ull << 63); // Linux's LONG_MIN: not a candidate

u64 page_table_pages(u64 rss) { return rss / 512 + 1; } // an estimate: one leaf table per 512 pages

// Linux's oom_badness(): pages the process would give back (resident pages and page
// tables), shifted by oom_score_adj thousandths of the machine. In a giant::Section.
i64 badness(Process& p, u64 total_pages) LV_REQUIRES_GIANT {
    if (p.unkillable() || p.oom_victim() || p.zombie() || p.exit_started() || !p.as() || p.oom_score_adj() == kOomScoreAdjMin)
        return kNever;
    u64 rss = resident_pages(p);
    i64 points = i64(rss + page_table_pages(rss));
    return points + i64(p.oom_score_adj()) * i64(total_pages / 1000);
}
} // namespace

u64 resident_pages(Process& p) {
    mm::AddressSpace* as = p.as().get();
    return as ? as->resident_pages() : 0;
}

u64 oom_score(Process& p) {
    giant::Section g;
    u64 total = mm::total_memory_bytes() / mm::kPageSize;
    i64 b = badness(p, total);
    if (b == kNever || !total) return 0;
    i64 points = (1000 + b * 1000) / i64(total); // proc_oom_score: [0, 2000]
    return points < 0 ? 0 : min<u64>(u64(points), 2000);
}

void clear_oom_victims() {
    giant::Section g;
    for (Process& p : all_processes())
        if (p.oom_victim() == 1 && !p.zombie()) p.set_oom_victim(2);
}

bool oom_kill() {
    // Caches first: clean file pages go back before anybody dies.
    if (mm::reclaim()) return true;
    giant::Section g;
    u64 total = mm::total_memory_bytes() / mm::kPageSize;
    Process* victim = nullptr;
    i64 best = kNever;
    for (Process& p : all_processes()) {
        // A victim still on its way out: wait for it rather than kill another.
        if (p.oom_victim() == 1 && !p.zombie()) return true;
        i64 b = badness(p, total);
        if (b != kNever && (!victim || b > best)) { best = b; victim = &p; }
    }
    // Init only when nothing else is left (and it has memory to give back).
    Process* init = init_process();
    if (!victim && init && !init->zombie() && !init->oom_victim() && init->as() && init->oom_score_adj() != kOomScoreAdjMin)
        victim = init;
    if (!victim) return false;
    u64 rss = resident_pages(*victim);
    log_error("Out of memory: Killed process %d (%s) anon-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%d",
              victim->pid(), victim->comm(), rss * 4, victim->uid(), page_table_pages(rss) * 4, victim->oom_score_adj());
    victim->set_oom_victim(1);
    victim->set_unkillable(false); // the kernel's SIGKILL is forced
    send_signal(*victim, SIGKILL);
    return true;
}
} // namespace kernel
