// A boot-time check of the network drivers (levitate.nettest on the command line).
#pragma once

namespace drivers::net {
void run_selftest(const char* cmdline);
} // namespace drivers::net
