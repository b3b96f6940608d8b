// The first process and the kernel's side of `./levitate exec`: what to run, and
// reporting how it ended.
#pragma once
#include <kernel/process.h>

namespace kernel {
// Starts the first process per the command line (init=, levitate.exec=1) and waits for
// it; in exec mode reports its exit status on the console and powers off.
[[noreturn]] void run_init();
const char* boot_cmdline(); // kernel/main.cpp
// Hooks from process management.
void before_first_user_entry(Thread& t); // the first user instruction is about to run
void notify_process_exit(Process& p) LV_REQUIRES_GIANT; // p just became a zombie (in a giant::Section)
} // namespace kernel
