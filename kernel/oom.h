// The out-of-memory killer. When a page fault (or copy-on-write) cannot get a frame,
// the kernel does what Linux does rather than fail the faulting program: it picks the
// process with the largest footprint (Linux's oom_badness: resident pages plus page
// tables, shifted by /proc/PID/oom_score_adj), kills it with SIGKILL, logs it, and lets
// the fault try again once the victim's memory is back. Init is spared while anything
// else can be killed; oom_score_adj -1000 exempts a process.
#pragma once
#include <lib/types.h>

namespace kernel {
class Process;

constexpr int kOomScoreAdjMin = -1000, kOomScoreAdjMax = 1000;

// Kills a victim, or finds that one is already dying. False when there is nothing
// left to kill (the caller then fails as before: SIGSEGV for a fault, ENOMEM).
bool oom_kill();

// Forgets earlier victims that have not died yet, so that the next oom_kill() picks
// another (one stuck in an uninterruptible wait must not block every allocation).
void clear_oom_victims();

// Linux's /proc/PID/oom_score: the badness as a number from 0 to 2000.
u64 oom_score(Process& p);

// Resident pages of a process's address space (0 for a zombie): /proc/PID/statm and status.
u64 resident_pages(Process& p);
} // namespace kernel
